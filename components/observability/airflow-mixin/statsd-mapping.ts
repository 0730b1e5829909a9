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
    /** `max_age` (a Go duration) bounds how old the observations behind a quantile may be; client_golang's default is 10m. */
    summary_options?: { quantiles?: { quantile: number; error: number }[]; max_age?: string; age_buckets?: number; buf_cap?: number };
    histogram_options?: { buckets: number[] };
    /** `drop` discards the metric; the default is `map`. */
    action?: "map" | "drop";
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
    /**
     * The ID-less name Airflow emits alongside the dotted one (with tags, which plain StatsD loses). It is dropped:
     * it carries nothing the labelled series lack, and its default name would collide with the mapped name.
     */
    tagged?: string;
}

/** The `executor` label of the bare `executor.*` gauges, which Airflow sends when only one executor is configured. */
export const SINGLE_EXECUTOR_LABEL = "default";

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
    { match: "ti.start.*.*", name: "airflow_ti_start", labels: ["dag_id", "task_id"], kind: "counter", help: "Task instances started", tagged: "ti.start" },
    {
        match: "ti.finish.*.*.*",
        name: "airflow_ti_finish",
        labels: ["dag_id", "task_id", "state"],
        kind: "counter",
        help: "Task instances finished, by final state",
        tagged: "ti.finish",
    },
    {
        match: "dag.*.*.duration",
        name: "airflow_task_duration",
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Task run time (seconds)",
        tagged: "task.duration",
    },
    {
        match: "dag.*.*.queued_duration",
        name: "airflow_task_queued_duration",
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Time a task spent queued (seconds)",
        tagged: "task.queued_duration",
    },
    {
        match: "dag.*.*.scheduled_duration",
        name: "airflow_task_scheduled_duration",
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Time a task spent scheduled before being queued (seconds)",
        tagged: "task.scheduled_duration",
    },
    {
        match: "task.cpu_usage.*.*",
        name: "airflow_task_cpu_usage",
        labels: ["dag_id", "task_id"],
        kind: "gauge",
        help: "CPU usage of a running task (percent)",
        tagged: "task.cpu_usage",
    },
    {
        match: "task.mem_usage.*.*",
        name: "airflow_task_mem_usage",
        labels: ["dag_id", "task_id"],
        kind: "gauge",
        help: "Memory usage of a running task (percent)",
        tagged: "task.mem_usage",
    },
    ...(["running", "queued", "scheduled", "deferred"] as const).map<Rule>((state) => ({
        match: `ti.${state}.*.*.*`,
        name: `airflow_ti_${state}`,
        labels: ["queue", "dag_id", "task_id"],
        kind: "gauge",
        help: `Task instances in state ${state}, per queue, DAG and task`,
        tagged: `ti.${state}`,
    })),
    {
        match: "local_task_job.task_exit.*.*.*.*",
        name: "airflow_local_task_job_task_exit",
        // The first component is the job ID: not a label, so the series stay per task, not per run.
        labels: ["", "dag_id", "task_id", "return_code"],
        kind: "counter",
        help: "Task processes exited, by return code (Airflow 2.x)",
        tagged: "local_task_job.task_exit",
    },
    // Tasks inside TaskGroups have dotted task IDs (`group.task`); globs cannot span dots, so regex rules catch them.
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
    ...(["duration", "queued_duration", "scheduled_duration"] as const).map<Rule>((kind) => ({
        match: String.raw`dag\.([^.]+)\.(.+)\.` + kind,
        regex: true,
        name: `airflow_task_${kind}`,
        labels: ["dag_id", "task_id"],
        kind: "timer",
        help: "Task timings of tasks in TaskGroups (seconds)",
    })),
    ...(["running", "queued", "scheduled", "deferred"] as const).map<Rule>((state) => ({
        match: String.raw`ti\.${state}\.([^.]+)\.([^.]+)\.(.+)`,
        regex: true,
        name: `airflow_ti_${state}`,
        labels: ["queue", "dag_id", "task_id"],
        kind: "gauge",
        help: `Task instances in state ${state}, per queue, DAG and task`,
    })),

    // --- Operators ------------------------------------------------------------------------------------------------
    {
        match: String.raw`operator_failures_(\w+)`,
        regex: true,
        name: "airflow_operator_failures",
        labels: ["operator"],
        kind: "counter",
        help: "Operator failures, by operator class",
        tagged: "operator_failures",
    },
    {
        match: String.raw`operator_successes_(\w+)`,
        regex: true,
        name: "airflow_operator_successes",
        labels: ["operator"],
        kind: "counter",
        help: "Operator successes, by operator class",
        tagged: "operator_successes",
    },
    {
        match: String.raw`task_instance_created[_-](\w+)`,
        regex: true,
        name: "airflow_task_instance_created",
        labels: ["operator"],
        kind: "counter",
        help: "Task instances created, by operator class",
        tagged: "task_instance_created",
    },

    // --- DAG runs -------------------------------------------------------------------------------------------------
    ...(["success", "failed"] as const).map<Rule>((state) => ({
        match: `dagrun.duration.${state}.*`,
        name: "airflow_dagrun_duration",
        labels: ["dag_id"],
        fixed: { state },
        kind: "timer",
        help: "DAG run duration (seconds), by final state",
        tagged: `dagrun.duration.${state}`,
    })),
    {
        match: "dagrun.schedule_delay.*",
        name: "airflow_dagrun_schedule_delay",
        labels: ["dag_id"],
        kind: "timer",
        help: "Delay between a run's scheduled date and its actual start (seconds)",
        tagged: "dagrun.schedule_delay",
    },
    {
        match: "dagrun.dependency-check.*",
        name: "airflow_dagrun_dependency_check",
        labels: ["dag_id"],
        kind: "timer",
        help: "Time to check a DAG run's dependencies (seconds)",
        tagged: "dagrun.dependency-check",
    },
    {
        match: "dagrun.*.first_task_scheduling_delay",
        name: "airflow_dagrun_first_task_scheduling_delay",
        labels: ["dag_id"],
        kind: "timer",
        help: "Delay between a run's start and its first task's start (seconds)",
        tagged: "dagrun.first_task_scheduling_delay",
    },
    {
        match: "task_removed_from_dag.*",
        name: "airflow_task_removed_from_dag",
        labels: ["dag_id"],
        kind: "counter",
        help: "Tasks removed from a DAG",
        tagged: "task_removed_from_dag",
    },
    {
        match: "task_restored_to_dag.*",
        name: "airflow_task_restored_to_dag",
        labels: ["dag_id"],
        kind: "counter",
        help: "Tasks restored to a DAG",
        tagged: "task_restored_to_dag",
    },

    // --- DAG files ------------------------------------------------------------------------------------------------
    {
        match: "dag_processing.last_duration.*",
        name: "airflow_dag_processing_last_duration",
        labels: ["dag_file"],
        kind: "timer",
        help: "Time to parse one DAG file (seconds)",
        tagged: "dag_processing.last_duration",
    },
    {
        match: "dag_processing.last_runtime.*",
        name: "airflow_dag_processing_last_runtime",
        labels: ["dag_file"],
        kind: "gauge",
        help: "Last parse time of one DAG file (seconds, Airflow 2.x)",
        tagged: "dag_processing.last_runtime",
    },
    {
        match: "dag_processing.last_run.seconds_ago.*",
        name: "airflow_dag_processing_last_run_seconds_ago",
        labels: ["dag_file"],
        kind: "gauge",
        help: "Seconds since a DAG file was last parsed",
        tagged: "dag_processing.last_run.seconds_ago",
    },
    {
        match: "dag_processing.last_num_of_db_queries.*",
        name: "airflow_dag_processing_last_num_of_db_queries",
        labels: ["dag_file"],
        kind: "gauge",
        help: "Database queries made while parsing one DAG file",
        tagged: "dag_processing.last_num_of_db_queries",
    },

    // DAG file names are file stems: a stem with a dot (`etl.daily.py`) spans components, so regex rules catch it.
    ...(["last_duration", "last_run.seconds_ago"] as const).map<Rule>((kind) => ({
        match: String.raw`dag_processing\.${kind.replace(".", "\\.")}\.(.+)`,
        regex: true,
        name: `airflow_dag_processing_${kind.replace(".", "_")}`,
        labels: ["dag_file"],
        kind: kind === "last_duration" ? "timer" : "gauge",
        help: kind === "last_duration" ? "Time to parse one DAG file (seconds)" : "Seconds since a DAG file was last parsed",
    })),

    // --- Pools ----------------------------------------------------------------------------------------------------
    ...(["open", "queued", "running", "deferred", "scheduled", "used"] as const).map<Rule>((kind) => ({
        match: `pool.${kind}_slots.*`,
        name: `airflow_pool_${kind}_slots`,
        labels: ["pool"],
        kind: "gauge",
        help: `Pool slots ${kind === "open" ? "free" : kind}`,
        tagged: `pool.${kind}_slots`,
    })),
    {
        match: "pool.starving_tasks.*",
        name: "airflow_pool_starving_tasks",
        labels: ["pool"],
        kind: "gauge",
        help: "Tasks waiting for a free slot in the pool",
        tagged: "pool.starving_tasks",
    },

    // --- Executors: `.<ExecutorClass>` only when several executors are configured; the bare name otherwise. ---------
    ...(["open_slots", "queued_tasks", "running_tasks"] as const).flatMap<Rule>((kind) => [
        {
            match: `executor.${kind}.*`,
            name: `airflow_executor_${kind}`,
            labels: ["executor"],
            kind: "gauge",
            help: `Executor ${kind.replace("_", " ")}, by executor class`,
        },
        {
            match: `executor.${kind}`,
            name: `airflow_executor_${kind}`,
            labels: [],
            fixed: { executor: SINGLE_EXECUTOR_LABEL },
            kind: "gauge",
            help: `Executor ${kind.replace("_", " ")}, by executor class`,
        },
    ]),

    // --- Triggerer ------------------------------------------------------------------------------------------------
    {
        match: "triggers.running.*",
        name: "airflow_triggers_running",
        labels: ["hostname"],
        kind: "gauge",
        help: "Triggers running on one triggerer",
        tagged: "triggers.running",
    },
    {
        match: "triggerer.capacity_left.*",
        name: "airflow_triggerer_capacity_left",
        labels: ["hostname"],
        kind: "gauge",
        help: "Trigger capacity left on one triggerer",
        tagged: "triggerer.capacity_left",
    },

    // --- Jobs (`schedulerjob_start`, `triggererjob_heartbeat_failure`, …) -----------------------------------------
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
 * The mapping list for statsd-exporter: the mapping rules, then `drop` rules for the ID-less tagged twins Airflow also
 * sends. `ttl` (a Go duration such as "48h"; statsd-exporter knows no "d") is set on every mapping rule, so the series
 * of a deleted DAG, task, file or pool disappear that long after their last sample.
 */
export function airflowStatsdMappings(opts: { ttl: string; prefix?: string }): StatsdMapping[] {
    const prefix = opts.prefix ?? AIRFLOW_STATSD_PREFIX;
    const mapped = RULES.map((rule) => {
        const labels: Record<string, string> = {};
        rule.labels.forEach((label, i) => {
            if (label) labels[label] = `$${i + 1}`;
        });
        Object.assign(labels, rule.fixed ?? {});
        const mapping: StatsdMapping = rule.regex
            ? { match: `^${escapeRegex(prefix)}\\.${rule.match}$`, match_type: "regex", name: rule.name }
            : { match: `${prefix}.${rule.match}`, name: rule.name };
        mapping.labels = labels;
        mapping.help = rule.help;
        mapping.ttl = opts.ttl;
        if (rule.kind === "timer") {
            mapping.observer_type = "summary";
            mapping.summary_options = { quantiles: SUMMARY_QUANTILES };
        }
        return mapping;
    });
    const seen = new Set<string>();
    const drops: StatsdMapping[] = [];
    for (const rule of RULES) {
        if (!rule.tagged || seen.has(rule.tagged)) continue;
        seen.add(rule.tagged);
        drops.push({ match: `${prefix}.${rule.tagged}`, name: "dropped", action: "drop" });
    }
    return [...mapped, ...drops];
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
