/**
 * The statsd-exporter mapping for Airflow 2.11+ and 3.x, generated from one catalogue of the metrics in Airflow's
 * metrics reference (metric_tables.rst / metrics.rst in apache/airflow): every ID in a dotted StatsD name (DAG, task,
 * pool, executor, queue, DAG file, operator, host, edge worker, state) becomes a label, the ID-less "tagged" twins are
 * dropped, and a typed catch-all takes whatever Airflow adds later. The order of the list is what the real mapper
 * honours (test/observability-statsd-model.test.ts replays the recorded behaviour of statsd_exporter v0.28.0):
 * - glob rules go first, shortest first: in the FSM a glob whose final state already exists (a wildcard-free glob after
 *   a longer glob that shares its path) is dead, so `airflow.pool.open_slots` (the twin's drop) precedes
 *   `airflow.pool.open_slots.*`; between globs of one length the first listed wins;
 * - regex rules run only when no glob matched, in order: the fallbacks for IDs with dots (TaskGroup task IDs
 *   `grp.load`, dotted DAG IDs, DAG file stems, fully qualified host names) and the names with an ID inside one
 *   component (`operator_failures_<operator>`), then the catch-all.
 * Fed to the Airflow chart's statsd-exporter through `statsd.overrideMappings` (the chart renders only `mappings:`), so
 * the TTL is set on every rule. docs/observability.md explains the semantics and how to add a rule safely.
 */

import { createHash } from "crypto";

/** The StatsD prefix Airflow uses (`[metrics] statsd_prefix`); the mapping's rules start with it. */
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
    summary_options?: {
        quantiles?: { quantile: number; error: number }[];
        max_age?: string;
        age_buckets?: number;
        buf_cap?: number;
    };
    histogram_options?: { buckets: number[] };
    /** `drop` discards the metric; the default is `map`. */
    action?: "map" | "drop";
}

/** The `executor` label of the bare `executor.*` gauges, which Airflow sends when only one executor is configured. */
export const SINGLE_EXECUTOR_LABEL = "default";

/**
 * How a timer is exposed. Histograms for everything per DAG or task: their buckets never age out (a daily DAG's panel
 * stays filled; summaries without observations in `max_age` show NaN) and a child costs a fraction of a summary's
 * age-bucketed streams. Summaries only for the scheduler's own loop timers, observed many times a minute.
 */
export const TIMINGS = {
    /** A task's run time: 10 s to 2 h. */
    task: { observer_type: "histogram", histogram_options: { buckets: [10, 60, 300, 1800, 7200] } },
    /** Waits: scheduled -> queued -> running, a run's delay to its schedule or first task: 1 s to 30 min. */
    wait: { observer_type: "histogram", histogram_options: { buckets: [1, 10, 60, 300, 1800] } },
    /** A DAG run: 1 min to 6 h. */
    run: { observer_type: "histogram", histogram_options: { buckets: [60, 300, 1800, 7200, 21600] } },
    /** Parsing one DAG file. */
    parse: { observer_type: "histogram", histogram_options: { buckets: [1, 10, 60] } },
    /** Sub-second checks, read as `_sum / _count`. */
    check: { observer_type: "histogram", histogram_options: { buckets: [0.1, 1] } },
    /** Scheduler internals, observed every loop: quantiles over the last 10 minutes. */
    loop: {
        observer_type: "summary",
        summary_options: {
            quantiles: [
                { quantile: 0.5, error: 0.05 },
                { quantile: 0.95, error: 0.01 },
            ],
            max_age: "10m",
            age_buckets: 5,
        },
    },
} as const satisfies Record<string, Pick<StatsdMapping, "observer_type" | "summary_options" | "histogram_options">>;
export type Timing = keyof typeof TIMINGS;

/**
 * One Airflow metric. `statsd` is its name after the prefix, with `{label}` for each ID component and `{_name}` for a
 * component that is captured but not kept (a job ID, which would make a new series per run).
 */
export interface AirflowMetric {
    statsd: string;
    name: string;
    kind: "counter" | "gauge" | "timer";
    help: string;
    /** For timers: how they are exposed. */
    timing?: Timing;
    /** The ID-less name Airflow sends alongside (tags lost on plain StatsD): dropped, it only repeats the sum. */
    twin?: string;
    /** Labels with fixed values, e.g. the run state that is a literal of the StatsD name. */
    fixed?: Record<string, string>;
    /** Airflow majors that send it (both when absent). */
    since?: 2 | 3;
    until?: 2;
}

/** IDs Airflow allows dots in: DAG IDs, task IDs (TaskGroups: `group.task`), DAG file stems, host and worker names. */
const DOTTED = new Set(["dag_id", "task_id", "_task", "dag_file", "hostname", "worker_name"]);

const t = (
    statsd: string,
    name: string,
    help: string,
    timing: Timing,
    extra: Partial<AirflowMetric> = {},
): AirflowMetric => ({
    statsd,
    name,
    kind: "timer",
    help,
    timing,
    ...extra,
});
const c = (statsd: string, name: string, help: string, extra: Partial<AirflowMetric> = {}): AirflowMetric => ({
    statsd,
    name,
    kind: "counter",
    help,
    ...extra,
});
const g = (statsd: string, name: string, help: string, extra: Partial<AirflowMetric> = {}): AirflowMetric => ({
    statsd,
    name,
    kind: "gauge",
    help,
    ...extra,
});

/** The catalogue: Airflow's metric tables for 2.11 and 3.x (counters, gauges, timers), plus the edge worker's gauges. */
export const AIRFLOW_METRICS: AirflowMetric[] = [
    // --- Task instances: per DAG and task ---------------------------------------------------------------------------
    c("ti.start.{dag_id}.{task_id}", "airflow_ti_start", "Task instances started", { twin: "ti.start" }),
    c("ti.finish.{dag_id}.{task_id}.{state}", "airflow_ti_finish", "Task instances finished, by final state", {
        twin: "ti.finish",
    }),
    t("dag.{dag_id}.{task_id}.duration", "airflow_task_duration", "Task run time (seconds)", "task", {
        twin: "task.duration",
    }),
    // Waits are a property of capacity, not of one task: per DAG, which keeps 16 series per task off the exporter.
    t(
        "dag.{dag_id}.{_task}.queued_duration",
        "airflow_task_queued_duration",
        "Time task instances of a DAG spent queued (seconds)",
        "wait",
        {
            twin: "task.queued_duration",
        },
    ),
    t(
        "dag.{dag_id}.{_task}.scheduled_duration",
        "airflow_task_scheduled_duration",
        "Time task instances of a DAG spent scheduled before being queued (seconds)",
        "wait",
        {
            twin: "task.scheduled_duration",
        },
    ),
    g("task.cpu_usage.{dag_id}.{task_id}", "airflow_task_cpu_usage", "CPU usage of a running task (percent)", {
        twin: "task.cpu_usage",
        until: 2,
    }),
    g("task.mem_usage.{dag_id}.{task_id}", "airflow_task_mem_usage", "Memory usage of a running task (percent)", {
        twin: "task.mem_usage",
        until: 2,
    }),
    g(
        "task.cpu_usage_percent.{dag_id}.{task_id}",
        "airflow_task_cpu_usage_percent",
        "CPU usage of a running task (percent)",
        { twin: "task.cpu_usage_percent", since: 3 },
    ),
    g("task.memory_mb.{dag_id}.{task_id}", "airflow_task_memory_mb", "Memory (RSS) of a running task (MB)", {
        twin: "task.memory_mb",
        since: 3,
    }),
    ...(["scheduled", "queued", "running", "deferred"] as const).map((state) =>
        g(
            `ti.${state}.{queue}.{dag_id}.{task_id}`,
            `airflow_ti_${state}`,
            `Task instances in state ${state}, per queue, DAG and task`,
            { twin: `ti.${state}` },
        ),
    ),
    c(
        "local_task_job.task_exit.{_job_id}.{dag_id}.{task_id}.{return_code}",
        "airflow_local_task_job_task_exit",
        "Task processes exited, by return code",
        {
            twin: "local_task_job.task_exit",
            until: 2,
        },
    ),
    c("ti_failures", "airflow_ti_failures", "Task instances failed (all DAGs)"),
    c("ti_successes", "airflow_ti_successes", "Task instances succeeded (all DAGs)"),
    c("previously_succeeded", "airflow_previously_succeeded", "Task instances found already succeeded"),
    c("zombies_killed", "airflow_zombies_killed", "Zombie task instances killed (no heartbeat)", { until: 2 }),
    c(
        "task_instances_without_heartbeats_killed",
        "airflow_task_instances_without_heartbeats_killed",
        "Task instances killed because their heartbeats stopped",
        { since: 3 },
    ),
    c(
        "scheduler.tasks.killed_externally",
        "airflow_scheduler_tasks_killed_externally",
        "Task instances killed outside Airflow",
    ),
    c("operator_failures_{operator}", "airflow_operator_failures", "Operator failures, by operator class", {
        twin: "operator_failures",
    }),
    c("operator_successes_{operator}", "airflow_operator_successes", "Operator successes, by operator class", {
        twin: "operator_successes",
    }),
    c(
        "task_instance_created_{operator}",
        "airflow_task_instance_created",
        "Task instances created, by operator class",
        { twin: "task_instance_created" },
    ),
    c(
        "task_instance_created-{operator}",
        "airflow_task_instance_created",
        "Task instances created, by operator class",
        { until: 2 },
    ),
    c("task_removed_from_dag.{dag_id}", "airflow_task_removed_from_dag", "Tasks removed from a DAG", {
        twin: "task_removed_from_dag",
    }),
    c("task_restored_to_dag.{dag_id}", "airflow_task_restored_to_dag", "Tasks restored to a DAG", {
        twin: "task_restored_to_dag",
    }),
    c("sla_missed", "airflow_sla_missed", "SLA misses", { until: 2 }),
    c(
        "sla_callback_notification_failure",
        "airflow_sla_callback_notification_failure",
        "Failed SLA miss callbacks or notifications",
        { until: 2 },
    ),
    c(
        "sla_email_notification_failure",
        "airflow_sla_email_notification_failure",
        "Failed SLA miss email notifications",
        { until: 2 },
    ),

    // --- DAG runs ---------------------------------------------------------------------------------------------------
    ...(["success", "failed"] as const).map((state) =>
        t(
            `dagrun.duration.${state}.{dag_id}`,
            "airflow_dagrun_duration",
            "DAG run duration (seconds), by final state",
            "run",
            {
                fixed: { state },
                twin: `dagrun.duration.${state}`,
            },
        ),
    ),
    t(
        "dagrun.schedule_delay.{dag_id}",
        "airflow_dagrun_schedule_delay",
        "Delay between a run's scheduled date and its start (seconds)",
        "wait",
        {
            twin: "dagrun.schedule_delay",
        },
    ),
    t(
        "dagrun.{dag_id}.first_task_scheduling_delay",
        "airflow_dagrun_first_task_scheduling_delay",
        "Delay between a run's start and its first task's start (seconds)",
        "wait",
        {
            twin: "dagrun.first_task_scheduling_delay",
        },
    ),
    t(
        "dagrun.dependency-check.{dag_id}",
        "airflow_dagrun_dependency_check",
        "Time to check a DAG run's dependencies (seconds)",
        "check",
        {
            twin: "dagrun.dependency-check",
        },
    ),
    c("dag.callback_exceptions", "airflow_dag_callback_exceptions", "Exceptions raised by DAG callbacks"),

    // --- DAG files and the DAG processor -------------------------------------------------------------------------------
    t(
        "dag_processing.last_duration.{dag_file}",
        "airflow_dag_processing_last_duration",
        "Time to parse one DAG file (seconds)",
        "parse",
        {
            twin: "dag_processing.last_duration",
        },
    ),
    g(
        "dag_processing.last_runtime.{dag_file}",
        "airflow_dag_processing_last_runtime",
        "Last parse time of one DAG file (seconds)",
        { until: 2 },
    ),
    g(
        "dag_processing.last_run.seconds_ago.{dag_file}",
        "airflow_dag_processing_last_run_seconds_ago",
        "Seconds since a DAG file was last parsed",
    ),
    g(
        "dag_processing.last_num_of_db_queries.{dag_file}",
        "airflow_dag_processing_last_num_of_db_queries",
        "Database queries made while parsing one DAG file",
    ),
    g("dag_processing.import_errors", "airflow_dag_processing_import_errors", "DAG files that fail to import"),
    g(
        "dag_processing.total_parse_time",
        "airflow_dag_processing_total_parse_time",
        "Seconds to parse all DAG files once",
    ),
    g(
        "dag_processing.file_path_queue_size",
        "airflow_dag_processing_file_path_queue_size",
        "DAG files waiting to be parsed",
    ),
    g("dagbag_size", "airflow_dagbag_size", "DAGs found in the last scan"),
    c(
        "dag_processing.processes",
        "airflow_dag_processing_processes",
        "DAG parsing processes started (negative deltas are dropped by the exporter)",
    ),
    c(
        "dag_processing.processor_timeouts",
        "airflow_dag_processing_processor_timeouts",
        "DAG file processors killed for taking too long",
    ),
    c(
        "dag_file_processor_timeouts",
        "airflow_dag_file_processor_timeouts",
        "DAG file processors killed for taking too long (deprecated name)",
        { until: 2 },
    ),
    c("dag_processing.sla_callback_count", "airflow_dag_processing_sla_callback_count", "SLA callbacks received", {
        until: 2,
    }),
    c(
        "dag_processing.other_callback_count",
        "airflow_dag_processing_other_callback_count",
        "Non-SLA callbacks received",
    ),
    c(
        "dag_processing.file_path_queue_update_count",
        "airflow_dag_processing_file_path_queue_update_count",
        "Scans of the DAG folder that queued every file",
    ),
    c("dag_processing.manager_stalls", "airflow_dag_processing_manager_stalls", "Stalled DAG file processor managers"),
    c("dag_file_refresh_error", "airflow_dag_file_refresh_error", "Failures loading any DAG file"),
    t(
        "collect_db_dags",
        "airflow_collect_db_dags",
        "Time to fetch all serialized DAGs from the database (seconds)",
        "loop",
    ),

    // --- Components: heartbeats and jobs (Airflow >= 2.6 names jobs `job_*`: every job is the class Job) -----------------
    c("scheduler_heartbeat", "airflow_scheduler_heartbeat", "Scheduler heartbeats"),
    c("dag_processor_heartbeat", "airflow_dag_processor_heartbeat", "DAG processor heartbeats"),
    c("triggerer_heartbeat", "airflow_triggerer_heartbeat", "Triggerer heartbeats"),
    c("job_start", "airflow_job_start", "Jobs started (scheduler, triggerer, DAG processor, task jobs)"),
    c("job_end", "airflow_job_end", "Jobs ended"),
    c("job_heartbeat_failure", "airflow_job_heartbeat_failure", "Job heartbeats that failed to reach the database"),
    c(
        "local_task_job_prolonged_heartbeat_failure",
        "airflow_local_task_job_prolonged_heartbeat_failure",
        "Task jobs killed after their heartbeat time limit",
        { until: 2 },
    ),
    c(
        "dag_processor_heartbeat_failure",
        "airflow_dag_processor_heartbeat_failure",
        "DAG processor API heartbeats that failed",
        { since: 3 },
    ),

    // --- Scheduler ----------------------------------------------------------------------------------------------------
    g(
        "scheduler.tasks.starving",
        "airflow_scheduler_tasks_starving",
        "Tasks that cannot be scheduled for lack of a pool slot",
    ),
    g("scheduler.tasks.executable", "airflow_scheduler_tasks_executable", "Tasks ready to be queued"),
    g("scheduler.tasks.running", "airflow_scheduler_tasks_running", "Tasks running in the executor", { until: 2 }),
    g("scheduler.dagruns.running", "airflow_scheduler_dagruns_running", "DAGs whose latest run is running", {
        since: 3,
    }),
    c(
        "scheduler.orphaned_tasks.cleared",
        "airflow_scheduler_orphaned_tasks_cleared",
        "Orphaned tasks cleared by the scheduler",
    ),
    c(
        "scheduler.orphaned_tasks.adopted",
        "airflow_scheduler_orphaned_tasks_adopted",
        "Orphaned tasks adopted by the scheduler",
    ),
    c(
        "scheduler.critical_section_busy",
        "airflow_scheduler_critical_section_busy",
        "Times the critical section was locked by another scheduler",
    ),
    t(
        "scheduler.critical_section_duration",
        "airflow_scheduler_critical_section_duration",
        "Time in the scheduler's critical section (seconds)",
        "loop",
    ),
    t(
        "scheduler.critical_section_query_duration",
        "airflow_scheduler_critical_section_query_duration",
        "Time of the critical section's query (seconds)",
        "loop",
    ),
    t(
        "scheduler.scheduler_loop_duration",
        "airflow_scheduler_scheduler_loop_duration",
        "Time of one scheduler loop (seconds)",
        "loop",
    ),

    // --- Executors: `.<ExecutorClass>` when several executors are configured, the bare name otherwise --------------------
    ...(["open_slots", "queued_tasks", "running_tasks"] as const).flatMap((kind) => [
        g(
            `executor.${kind}.{executor}`,
            `airflow_executor_${kind}`,
            `Executor ${kind.replace("_", " ")}, by executor class`,
        ),
        g(`executor.${kind}`, `airflow_executor_${kind}`, `Executor ${kind.replace("_", " ")}, by executor class`, {
            fixed: { executor: SINGLE_EXECUTOR_LABEL },
        }),
    ]),
    c(
        "celery.task_timeout_error",
        "airflow_celery_task_timeout_error",
        "Timeouts publishing a task to the Celery broker",
    ),
    c("celery.execute_command.failure", "airflow_celery_execute_command_failure", "Celery tasks that exited non-zero", {
        until: 2,
    }),
    t(
        "kubernetes_executor.clear_not_launched_queued_tasks.duration",
        "airflow_kubernetes_executor_clear_not_launched_queued_tasks_duration",
        "Time to clear queued tasks that never launched (seconds)",
        "loop",
    ),
    t(
        "kubernetes_executor.adopt_task_instances.duration",
        "airflow_kubernetes_executor_adopt_task_instances_duration",
        "Time to adopt task instances (seconds)",
        "loop",
    ),

    // --- Pools --------------------------------------------------------------------------------------------------------
    ...(["open", "queued", "running", "deferred", "scheduled"] as const).map((kind) =>
        g(`pool.${kind}_slots.{pool}`, `airflow_pool_${kind}_slots`, `Pool slots ${kind === "open" ? "free" : kind}`, {
            twin: `pool.${kind}_slots`,
        }),
    ),
    g("pool.starving_tasks.{pool}", "airflow_pool_starving_tasks", "Tasks waiting for a free slot in the pool", {
        twin: "pool.starving_tasks",
    }),

    // --- Triggerer ----------------------------------------------------------------------------------------------------
    g("triggers.running.{hostname}", "airflow_triggers_running", "Triggers running on one triggerer", {
        twin: "triggers.running",
    }),
    g(
        "triggerer.capacity_left.{hostname}",
        "airflow_triggerer_capacity_left",
        "Trigger capacity left on one triggerer",
        { twin: "triggerer.capacity_left" },
    ),
    c(
        "triggers.blocked_main_thread",
        "airflow_triggers_blocked_main_thread",
        "Triggers that blocked the triggerer's event loop",
    ),
    c("triggers.failed", "airflow_triggers_failed", "Triggers that errored before firing"),
    c("triggers.succeeded", "airflow_triggers_succeeded", "Triggers that fired"),

    // --- Assets (3.x) and datasets (2.x) --------------------------------------------------------------------------------
    c("asset.updates", "airflow_asset_updates", "Asset updates", { since: 3 }),
    c("asset.orphaned", "airflow_asset_orphaned", "Assets marked orphaned", { since: 3 }),
    c("asset.triggered_dagruns", "airflow_asset_triggered_dagruns", "DAG runs triggered by asset updates", {
        since: 3,
    }),
    c("dataset.updates", "airflow_dataset_updates", "Dataset updates", { until: 2 }),
    c("dataset.orphaned", "airflow_dataset_orphaned", "Datasets marked orphaned", { until: 2 }),
    c("dataset.triggered_dagruns", "airflow_dataset_triggered_dagruns", "DAG runs triggered by dataset updates", {
        until: 2,
    }),

    // --- Edge workers (apache-airflow-providers-edge3, EdgeWorkerModel.set_metrics) -----------------------------------
    ...(["connected", "maintenance", "jobs_active", "concurrency", "free_concurrency", "num_queues"] as const).map(
        (kind) =>
            g(
                `edge_worker.${kind}.{worker_name}`,
                `airflow_edge_worker_${kind}`,
                `Edge worker ${kind.replace("_", " ")}`,
                { twin: `edge_worker.${kind}` },
            ),
    ),
    // A counter, though the 3.x table says gauge: the edge3 provider sends it with Stats.incr (worker_api/routes/worker.py).
    c(
        "edge_worker.heartbeat_count.{worker_name}",
        "airflow_edge_worker_heartbeat_count",
        "Heartbeats of an edge worker",
        { twin: "edge_worker.heartbeat_count", since: 3 },
    ),

    // --- OpenLineage provider (plugins/adapter.py: Stats.timer around each emit) --------------------------------------
    t(
        "ol.emit.attempts.{event_type}.{transport_type}",
        "airflow_ol_emit_attempts",
        "Time to emit an OpenLineage event (seconds), by event and transport type",
        "check",
        {
            twin: "ol.emit.attempts",
        },
    ),
];

/** The catch-all's names, one per StatsD type so that a new metric can never collide on type or HELP. */
export const CATCH_ALL = {
    counter: "airflow_unmapped_total",
    gauge: "airflow_unmapped",
    observer: "airflow_unmapped_seconds",
} as const;
const CATCH_ALL_HELP = "Airflow metric without a mapping rule of its own; its StatsD name is the metric label";

function escapeRegex(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The placeholders of a catalogue pattern, in order. */
function placeholders(statsd: string): string[] {
    return [...statsd.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** True when every placeholder is a whole dot-separated component, so that a glob can match it. */
function globbable(statsd: string): boolean {
    return statsd.split(".").every((part) => !part.includes("{") || /^\{[a-z_]+\}$/.test(part));
}

function labelsOf(metric: AirflowMetric): Record<string, string> {
    const labels: Record<string, string> = {};
    placeholders(metric.statsd).forEach((p, i) => {
        if (!p.startsWith("_")) labels[p] = `$${i + 1}`;
    });
    return { ...labels, ...(metric.fixed ?? {}) };
}

function withKind(mapping: StatsdMapping, metric: AirflowMetric, ttl: string): StatsdMapping {
    mapping.labels = labelsOf(metric);
    mapping.help = metric.help;
    mapping.ttl = ttl;
    if (metric.kind === "timer") Object.assign(mapping, structuredClone(TIMINGS[metric.timing ?? "wait"]));
    return mapping;
}

/** The regex a pattern becomes: the last ID that may hold dots takes them (`(.+)`), every other ID one component. */
function patternRegex(prefix: string, statsd: string): string {
    const names = placeholders(statsd);
    const dottedIndex = names.map((n) => DOTTED.has(n)).lastIndexOf(true);
    let i = -1;
    const body = statsd
        .split(PLACEHOLDER)
        .map((part, k) => {
            if (k % 2 === 0) return escapeRegex(part);
            i += 1;
            return i === dottedIndex ? "(.+)" : "([^.]+)";
        })
        .join("");
    return `^${escapeRegex(prefix)}\\.${body}$`;
}

export interface StatsdMappingOptions {
    /** Go duration after which a series without an update disappears ("48h"; statsd-exporter knows no "d"). */
    ttl: string;
    prefix?: string;
}

/**
 * The mapping list for statsd-exporter: globs (the twins' drops and every metric a glob can match), shortest first;
 * then regex fallbacks for IDs with dots and IDs inside a component; then the typed catch-all. Every rule carries `ttl`.
 */
export function airflowStatsdMappings(opts: StatsdMappingOptions): StatsdMapping[] {
    const prefix = opts.prefix ?? AIRFLOW_STATSD_PREFIX;
    const globs: StatsdMapping[] = [];
    const regexes: StatsdMapping[] = [];
    const twins = new Set<string>();
    for (const metric of AIRFLOW_METRICS) {
        if (metric.twin && !twins.has(metric.twin)) {
            twins.add(metric.twin);
            globs.push({ match: `${prefix}.${metric.twin}`, name: "dropped", action: "drop" });
        }
        if (globbable(metric.statsd)) {
            const match = `${prefix}.${metric.statsd.replace(PLACEHOLDER, "*")}`;
            globs.push(withKind({ match, name: metric.name }, metric, opts.ttl));
        }
        if (!globbable(metric.statsd) || placeholders(metric.statsd).some((p) => DOTTED.has(p))) {
            regexes.push(
                withKind(
                    { match: patternRegex(prefix, metric.statsd), match_type: "regex", name: metric.name },
                    metric,
                    opts.ttl,
                ),
            );
        }
    }
    // Stable sort: between globs of one length the catalogue order stays, and it is the one the mapper honours.
    globs.sort((a, b) => a.match.split(".").length - b.match.split(".").length);
    const rest = `^${escapeRegex(prefix)}\\.(.+)$`;
    const catchAll: StatsdMapping[] = (["counter", "gauge", "observer"] as const).map((type) => ({
        match: rest,
        match_type: "regex",
        match_metric_type: type,
        name: CATCH_ALL[type],
        labels: { metric: "$1" },
        help: CATCH_ALL_HELP,
        ttl: opts.ttl,
        ...(type === "observer" ? structuredClone(TIMINGS.wait) : {}),
    }));
    return [...globs, ...regexes, ...catchAll];
}

/** Every metric name the mapping can produce, with its labels and type: the catalogue the dashboards and rules use. */
export function mappedMetrics(): { name: string; labels: string[]; kind: AirflowMetric["kind"] }[] {
    const byName = new Map<string, { name: string; labels: string[]; kind: AirflowMetric["kind"] }>();
    for (const metric of AIRFLOW_METRICS) {
        const labels = Object.keys(labelsOf(metric));
        const seen = byName.get(metric.name);
        byName.set(metric.name, {
            name: metric.name,
            labels: [...new Set([...(seen?.labels ?? []), ...labels])],
            kind: metric.kind,
        });
    }
    return [...byName.values()];
}

/**
 * Pod annotation that carries the mapping's hash: statsd-exporter reads its mapping file only at start, and the chart
 * adds its own `checksum/statsd-config` only with `extraMappings` or `podAnnotations` set (chart/templates/statsd/
 * statsd-deployment.yaml), never for `overrideMappings` alone; so a changed mapping rolls the exporter's pod.
 */
export const STATSD_MAPPING_CHECKSUM_ANNOTATION = "airflow-platform/statsd-mapping-sha256";

/** SHA-256 of the mapping list in a canonical form (sorted keys), so that key order never rolls the pod. */
export function statsdMappingChecksum(mappings: unknown[]): string {
    const canonical = (v: unknown): unknown =>
        Array.isArray(v)
            ? v.map(canonical)
            : v && typeof v === "object"
              ? Object.fromEntries(
                    Object.keys(v)
                        .sort()
                        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
                )
              : v;
    return createHash("sha256")
        .update(JSON.stringify(canonical(mappings)))
        .digest("hex");
}
