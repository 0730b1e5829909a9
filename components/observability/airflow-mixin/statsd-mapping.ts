/**
 * The statsd-exporter mapping for Airflow: every Airflow StatsD metric that carries an ID in its dotted name (dag_id,
 * task_id, pool, executor, queue, DAG file, operator, state, job, hostname) becomes ONE Prometheus metric name with
 * labels, for Airflow 2.x and 3.x names alike. Metrics without IDs (heartbeats, import errors, executor totals) fall
 * through to statsd-exporter's default naming (dots to underscores), which already gives one series each.
 *
 * Fed to the Airflow chart's built-in statsd-exporter through `statsd.overrideMappings`; the chart renders only the
 * `mappings:` list, so the TTL that expires deleted DAGs' series is set on every mapping that carries an ID.
 */

/** The StatsD prefix Airflow uses (`[metrics] statsd_prefix`); the mapping's globs start with it. */
export const AIRFLOW_STATSD_PREFIX = "airflow";

/** One statsd-exporter mapping entry, in the exporter's own YAML field names. */
export interface StatsdMapping {
    match: string;
    /** `glob` (the exporter's default) or `regex`. */
    match_type?: "glob" | "regex";
    /** Restrict the rule to one StatsD type; the exporter's types are counter, gauge and observer (timers). */
    match_metric_type?: "counter" | "gauge" | "observer";
    name: string;
    labels?: Record<string, string>;
    help?: string;
    /** Drop the series after this long without an update (Go duration). */
    ttl?: string;
    observer_type?: "summary" | "histogram";
    summary_options?: { quantiles: { quantile: number; error: number }[] };
    histogram_options?: { buckets: number[] };
}

/** What a mapping rule turns into in Prometheus: the name, the labels it sets, the StatsD type it is fed by. */
interface Rule {
    /** The dotted pattern after the prefix, with `*` for each ID component. */
    match: string;
    name: string;
    labels: string[];
    kind: "counter" | "gauge" | "timer";
    help: string;
    /** A regex rule instead of a glob (`match` is then a regex over the part after the prefix). */
    regex?: boolean;
    /** Fixed labels added to the captured ones, e.g. the run state encoded in the matched literal. */
    fixed?: Record<string, string>;
}

// Timers become summaries with two quantiles: p50 and p95 are what the dashboards show, and each quantile is a series.
const SUMMARY_QUANTILES = [
    { quantile: 0.5, error: 0.05 },
    { quantile: 0.95, error: 0.01 },
];

/**
 * The rules, most specific first. Globs in statsd-exporter match one dotted component per `*`, so an ID containing a
 * dot (a task in a TaskGroup: `group.task`) is caught by the regex rules at the end of the task section.
 */
const RULES: Rule[] = [
    // --- Task instances: per DAG and task -------------------------------------------------------------------------
    { match: "ti.start.*.*", name: "airflow_ti_start", labels: ["dag_id", "task_id"], kind: "counter", help: "Task instances started" },
    {
        match: "ti.finish.*.*.*",
        name: "airflow_ti_finish",
        labels: ["dag_id", "task_id", "state"],
        kind: "counter",
        help: "Task instances finished, by final state",
    },
    { match: "dag.*.*.duration", name: "airflow_task_duration", labels: ["dag_id", "task_id"], kind: "timer", help: "Task run time (seconds)" },
    {
        match: "dag.*.*.queued_duration",
        name: "airflow_task_queued_duration",
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Time a task spent queued (seconds)",
    },
    {
        match: "dag.*.*.scheduled_duration",
        name: "airflow_task_scheduled_duration",
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Time a task spent scheduled before being queued (seconds)",
    },
    { match: "task.cpu_usage.*.*", name: "airflow_task_cpu_usage", labels: ["dag_id", "task_id"], kind: "gauge", help: "CPU usage of a running task (percent)" },
    { match: "task.mem_usage.*.*", name: "airflow_task_mem_usage", labels: ["dag_id", "task_id"], kind: "gauge", help: "Memory usage of a running task (percent)" },
    ...(["running", "queued", "scheduled", "deferred"] as const).map<Rule>((state) => ({
        match: `ti.${state}.*.*.*`,
        name: `airflow_ti_${state}`,
        labels: ["queue", "dag_id", "task_id"],
        kind: "gauge",
        help: `Task instances in state ${state}, per queue, DAG and task`,
    })),
    {
        match: "local_task_job.task_exit.*.*.*.*",
        name: "airflow_local_task_job_task_exit",
        // The first component is the job ID: dropped (not a label) so the series stay per task, not per run.
        labels: ["", "dag_id", "task_id", "return_code"],
        kind: "counter",
        help: "Task processes exited, by return code (Airflow 2.x)",
    },
    // Tasks inside TaskGroups have dotted task IDs: regex rules take the last components as the fixed suffixes.
    {
        match: String.raw`ti\.finish\.([^.]+)\.(.+)\.([^.]+)`,
        regex: true,
        name: "airflow_ti_finish",
        labels: ["dag_id", "task_id", "state"],
        kind: "counter",
        help: "Task instances finished, by final state",
    },
    {
        match: String.raw`ti\.start\.([^.]+)\.(.+)`,
        regex: true,
        name: "airflow_ti_start",
        labels: ["dag_id", "task_id"],
        kind: "counter",
        help: "Task instances started",
    },
    {
        match: String.raw`dag\.([^.]+)\.(.+)\.duration`,
        regex: true,
        name: "airflow_task_duration",
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Task run time (seconds)",
    },

    // --- Operators ------------------------------------------------------------------------------------------------
    {
        match: String.raw`operator_failures_(\w+)`,
        regex: true,
        name: "airflow_operator_failures",
        labels: ["operator"],
        kind: "counter",
        help: "Operator failures, by operator class",
    },
    {
        match: String.raw`operator_successes_(\w+)`,
        regex: true,
        name: "airflow_operator_successes",
        labels: ["operator"],
        kind: "counter",
        help: "Operator successes, by operator class",
    },
    {
        match: String.raw`task_instance_created[_-](\w+)`,
        regex: true,
        name: "airflow_task_instance_created",
        labels: ["operator"],
        kind: "counter",
        help: "Task instances created, by operator class",
    },

    // --- DAG runs -------------------------------------------------------------------------------------------------
    {
        match: "dagrun.duration.success.*",
        name: "airflow_dagrun_duration",
        labels: ["dag_id"],
        fixed: { state: "success" },
        kind: "timer",
        help: "DAG run duration (seconds), by final state",
    },
    {
        match: "dagrun.duration.failed.*",
        name: "airflow_dagrun_duration",
        labels: ["dag_id"],
        fixed: { state: "failed" },
        kind: "timer",
        help: "DAG run duration (seconds), by final state",
    },
    {
        match: "dagrun.schedule_delay.*",
        name: "airflow_dagrun_schedule_delay",
        labels: ["dag_id"],
        kind: "timer",
        help: "Delay between a run's scheduled date and its actual start (seconds)",
    },
    {
        match: "dagrun.dependency-check.*",
        name: "airflow_dagrun_dependency_check",
        labels: ["dag_id"],
        kind: "timer",
        help: "Time to check a DAG run's dependencies (seconds)",
    },
    {
        match: "dagrun.*.first_task_scheduling_delay",
        name: "airflow_dagrun_first_task_scheduling_delay",
        labels: ["dag_id"],
        kind: "timer",
        help: "Delay between a run's start and its first task's start (seconds)",
    },
    {
        match: "task_removed_from_dag.*",
        name: "airflow_task_removed_from_dag",
        labels: ["dag_id"],
        kind: "counter",
        help: "Tasks removed from a DAG",
    },
    {
        match: "task_restored_to_dag.*",
        name: "airflow_task_restored_to_dag",
        labels: ["dag_id"],
        kind: "counter",
        help: "Tasks restored to a DAG",
    },

    // --- DAG files ------------------------------------------------------------------------------------------------
    {
        match: "dag_processing.last_duration.*",
        name: "airflow_dag_processing_last_duration",
        labels: ["dag_file"],
        kind: "timer",
        help: "Time to parse one DAG file (seconds)",
    },
    {
        match: "dag_processing.last_runtime.*",
        name: "airflow_dag_processing_last_runtime",
        labels: ["dag_file"],
        kind: "gauge",
        help: "Last parse time of one DAG file (seconds, Airflow 2.x)",
    },
    {
        match: "dag_processing.last_run.seconds_ago.*",
        name: "airflow_dag_processing_last_run_seconds_ago",
        labels: ["dag_file"],
        kind: "gauge",
        help: "Seconds since a DAG file was last parsed",
    },
    {
        match: "dag_processing.last_num_of_db_queries.*",
        name: "airflow_dag_processing_last_num_of_db_queries",
        labels: ["dag_file"],
        kind: "gauge",
        help: "Database queries made while parsing one DAG file",
    },

    // --- Pools ----------------------------------------------------------------------------------------------------
    ...(["open", "queued", "running", "deferred", "scheduled", "used"] as const).map<Rule>((kind) => ({
        match: `pool.${kind}_slots.*`,
        name: `airflow_pool_${kind}_slots`,
        labels: ["pool"],
        kind: "gauge",
        help: `Pool slots ${kind === "open" ? "free" : kind}`,
    })),
    { match: "pool.starving_tasks.*", name: "airflow_pool_starving_tasks", labels: ["pool"], kind: "gauge", help: "Tasks waiting for a free slot in the pool" },

    // --- Executors ------------------------------------------------------------------------------------------------
    ...(["open_slots", "queued_tasks", "running_tasks"] as const).map<Rule>((kind) => ({
        match: `executor.${kind}.*`,
        name: `airflow_executor_${kind}`,
        labels: ["executor"],
        kind: "gauge",
        help: `Executor ${kind.replace("_", " ")}, by executor class`,
    })),

    // --- Triggerer ------------------------------------------------------------------------------------------------
    { match: "triggers.running.*", name: "airflow_triggers_running", labels: ["hostname"], kind: "gauge", help: "Triggers running on one triggerer" },
    {
        match: "triggerer.capacity_left.*",
        name: "airflow_triggerer_capacity_left",
        labels: ["hostname"],
        kind: "gauge",
        help: "Trigger capacity left on one triggerer",
    },

    // --- Jobs -----------------------------------------------------------------------------------------------------
    {
        match: String.raw`(\w+)_heartbeat_failure`,
        regex: true,
        name: "airflow_job_heartbeat_failure",
        labels: ["job"],
        kind: "counter",
        help: "Failed heartbeats, by job type",
    },
    { match: String.raw`(\w+job)_start`, regex: true, name: "airflow_job_start", labels: ["job"], kind: "counter", help: "Jobs started, by job type" },
    { match: String.raw`(\w+job)_end`, regex: true, name: "airflow_job_end", labels: ["job"], kind: "counter", help: "Jobs ended, by job type" },
];

function escapeRegex(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The mapping list for statsd-exporter. `ttl` (a Go duration such as "48h") is set on every rule: each one carries an
 * ID, so its series disappear this long after a DAG, task, file or pool stops reporting.
 */
export function airflowStatsdMappings(opts: { ttl: string; prefix?: string }): StatsdMapping[] {
    const prefix = opts.prefix ?? AIRFLOW_STATSD_PREFIX;
    return RULES.map((rule) => {
        const labels: Record<string, string> = {};
        rule.labels.forEach((label, i) => {
            if (label) labels[label] = `$${i + 1}`;
        });
        Object.assign(labels, rule.fixed ?? {});
        const mapping: StatsdMapping = rule.regex
            ? { match: `^${escapeRegex(prefix)}\\.${rule.match}$`, match_type: "regex", name: rule.name }
            : { match: `${prefix}.${rule.match}`, name: rule.name };
        mapping.match_metric_type = rule.kind === "timer" ? "observer" : rule.kind;
        mapping.labels = labels;
        mapping.help = rule.help;
        mapping.ttl = opts.ttl;
        if (rule.kind === "timer") {
            mapping.observer_type = "summary";
            mapping.summary_options = { quantiles: SUMMARY_QUANTILES };
        }
        return mapping;
    });
}

/** Every metric name the mapping can produce, with its labels and type: the catalogue the dashboards and rules use. */
export function mappedMetrics(): { name: string; labels: string[]; kind: Rule["kind"] }[] {
    const byName = new Map<string, { name: string; labels: string[]; kind: Rule["kind"] }>();
    for (const rule of RULES) {
        const labels = [...rule.labels.filter((l) => l), ...Object.keys(rule.fixed ?? {})];
        byName.set(rule.name, { name: rule.name, labels, kind: rule.kind });
    }
    return [...byName.values()];
}
