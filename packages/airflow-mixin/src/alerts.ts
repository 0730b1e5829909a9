/**
 * The Airflow alerts and the recording rules they and the dashboards stand on, as Prometheus rule groups. Every alert
 * has a `summary`, a `description` and a `runbook` annotation (the steps, inline: there is no hosted runbook site to
 * link with `runbook_url`, and a link nobody hosts is worse than the text).
 */
import { eventsInWindow as eventsAfterGap } from "./common";
import { CLOUD_SPOT_LABELS, ResolvedAirflowMixinConfig } from "./config";

export interface AlertingRule {
    alert: string;
    expr: string;
    for?: string;
    labels: { severity: "critical" | "warning" | "info" };
    annotations: { summary: string; description: string; runbook: string };
}
export interface RecordingRule {
    record: string;
    expr: string;
}
export interface RuleGroup {
    name: string;
    interval?: string;
    rules: (AlertingRule | RecordingRule)[];
}

/** kube-state-metrics' name for a node label in `kube_node_labels` (non-alphanumerics become `_`). */
export function kubeStateMetricsLabel(key: string): string {
    return `label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Recording rule expression: one series per node with `capacity_type` "spot", "fallback" or "on-demand". */
export function nodeCapacityTypeExpr(
    spotLabels: Record<string, string>,
    fallbackLabels: Record<string, string> = {},
): string {
    const typed = (labels: Record<string, string>, type: string) =>
        Object.entries(labels).map(
            ([key, value]) =>
                `label_replace(kube_node_labels{${kubeStateMetricsLabel(key)}="${value}"}, "capacity_type", "${type}", "", "")`,
        );
    const onDemand = `label_replace(kube_node_labels, "capacity_type", "on-demand", "", "")`;
    return `max by (node, capacity_type) (\n  ${[...typed(spotLabels, "spot"), ...typed(fallbackLabels, "fallback"), onDemand].join("\n  or on (node) ")}\n)`;
}

const SPOT = `node:capacity_type:info{capacity_type="spot"}`;

/** The recording rules: each node's capacity type (spot, fallback, on-demand) and the spot node counts. */
export function airflowRecordingRules(config: ResolvedAirflowMixinConfig): RuleGroup[] {
    const spotLabels = { ...CLOUD_SPOT_LABELS, ...config.selectors.spotNodeLabels };
    return [
        {
            name: "airflow-platform.nodes",
            rules: [
                {
                    record: "node:capacity_type:info",
                    expr: nodeCapacityTypeExpr(spotLabels, config.selectors.fallbackNodeLabels),
                },
                { record: "airflow_platform:spot_nodes:count", expr: `count(${SPOT}) or vector(0)` },
                {
                    record: "airflow_platform:spot_nodes_created:1h",
                    expr: `count((time() - kube_node_created) < 3600 and on (node) ${SPOT}) or vector(0)`,
                },
            ],
        },
    ];
}

/** Whole minutes of a Prometheus duration in m or h (the heartbeat alerts say how long a heartbeat has been missing). */
function minutes(duration: string): number {
    const m = /^(\d+)(m|h)$/.exec(duration);
    if (!m)
        throw new Error(
            `a Prometheus duration in whole minutes or hours, such as "5m" or "1h", was expected: "${duration}"`,
        );
    return Number(m[1]) * (m[2] === "h" ? 60 : 1);
}

/** The alerts, in groups by what they watch. */
export function airflowAlerts(config: ResolvedAirflowMixinConfig): RuleGroup[] {
    const failureRatio = config.thresholds.taskFailureRatio;
    const backlog = config.thresholds.queuedBacklogSlots;
    const churn = config.thresholds.spotNodeReplacementsPerHour;
    const scheduleDelay = config.thresholds.scheduleDelaySeconds;
    const RATE_WINDOW = config.windows.rate;
    const RATIO_WINDOW = config.windows.ratio;
    const eventsInWindow = (selector: string, window: string) =>
        eventsAfterGap(selector, window, config.windows.seriesGapTolerance);
    const exporter = config.statsdExporter;
    const SCRAPE_ENDPOINT = `endpoint="${exporter.scrapePortName}"`;
    const INGEST = `${exporter.ingestProtocol} ${exporter.ingestPort}`;
    const HEARTBEAT_FOR = "2m";

    const heartbeat = (component: string, metric: string, what: string): AlertingRule => ({
        alert: `Airflow${component}HeartbeatMissing`,
        expr: `sum by (namespace) (rate(${metric}[${RATE_WINDOW}])) == 0`,
        for: HEARTBEAT_FOR,
        labels: { severity: "critical" },
        annotations: {
            summary: `The Airflow ${what} in {{ $labels.namespace }} stopped heartbeating`,
            description: `No ${metric} increase for ${minutes(RATE_WINDOW) + minutes(HEARTBEAT_FOR)} minutes in namespace {{ $labels.namespace }}: the ${what} is down, stuck or cannot reach StatsD.`,
            runbook: `kubectl -n {{ $labels.namespace }} get pods -l component=${component === "DagProcessor" ? "dag-processor" : component.toLowerCase()}; check restarts and logs (kubectl logs --previous), the metadata database connection and the node it runs on.`,
        },
    });

    return [
        {
            name: "airflow.components",
            rules: [
                heartbeat("Scheduler", "airflow_scheduler_heartbeat", "scheduler"),
                heartbeat("DagProcessor", "airflow_dag_processor_heartbeat", "DAG processor"),
                heartbeat("Triggerer", "airflow_triggerer_heartbeat", "triggerer"),
                {
                    alert: "AirflowStatsdExporterDown",
                    expr: `up{${SCRAPE_ENDPOINT}} == 0`,
                    for: "5m",
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "statsd-exporter in {{ $labels.namespace }} cannot be scraped",
                        description:
                            "Prometheus failed to scrape {{ $labels.pod }} for 5 minutes; every Airflow metric of the namespace is missing meanwhile.",
                        runbook: `kubectl -n {{ $labels.namespace }} get pods -l component=statsd. If it runs, \`kubectl -n {{ $labels.namespace }} port-forward deploy/<release>-statsd ${exporter.scrapePort}\` and \`curl -s localhost:${exporter.scrapePort}/metrics | head\`: an HTTP 500 \`collected metric ... has help ... but should have ...\` is a mapping that gives one name two HELP texts (the liveness probe then restarts the pod); otherwise check its logs for mapping load errors and its memory limit (OOMKilled).`,
                    },
                },
                {
                    alert: "AirflowStatsdExporterAbsent",
                    expr: `count by (namespace) (kube_service_info{service=~".+-statsd"})\nunless on (namespace) count by (namespace) (up{${SCRAPE_ENDPOINT}})`,
                    for: "10m",
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "No statsd-exporter target in {{ $labels.namespace }}",
                        description:
                            "The namespace has an Airflow statsd Service but Prometheus has no target for it: no Airflow metric of the namespace is collected, and `up == 0` alerts cannot fire.",
                        runbook: `kubectl -n {{ $labels.namespace }} get servicemonitor,endpoints; the ServiceMonitor must exist and select the Service's port \`${exporter.scrapePortName}\`; the exporter pod must be Ready for the Endpoints to list it; check the Prometheus operator's logs for rejected ServiceMonitors.`,
                    },
                },
                {
                    alert: "AirflowMetricsMissing",
                    expr: `sum by (namespace) (rate(statsd_exporter_samples_total[10m])) == 0 and on (namespace) max by (namespace) (up{${SCRAPE_ENDPOINT}}) == 1`,
                    for: "10m",
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "No Airflow metrics arrive in {{ $labels.namespace }}",
                        description: `statsd-exporter is up but received no StatsD sample for 20 minutes: Airflow's [metrics] statsd settings or the network path to ${INGEST} are broken.`,
                        runbook: `Check AIRFLOW__METRICS__STATSD_ON/STATSD_HOST/STATSD_PORT in the scheduler's environment, and NetworkPolicies between Airflow pods and the statsd Service (${INGEST}).`,
                    },
                },
                {
                    alert: "AirflowStatsdMappingConflict",
                    expr: `sum by (namespace) (rate(statsd_exporter_events_conflict_total[${RATE_WINDOW}])) > 0`,
                    for: "15m",
                    labels: { severity: "info" },
                    annotations: {
                        summary: "statsd-exporter in {{ $labels.namespace }} drops metrics on name conflicts",
                        description:
                            "Some StatsD metric maps to a Prometheus name already used with another type (counter, gauge, timer); those events are dropped.",
                        runbook: `The exporter logs conflicts only at debug level: add \`--log.level=debug\` to the statsd args for a while (or port-forward ${exporter.scrapePort} and list the airflow_unmapped* series), find the StatsD name whose type differs from an existing metric's, and add or fix its entry in AIRFLOW_METRICS (packages/airflow-mixin/src/statsd-mapping.ts; docs/observability.md, "How to add a mapping rule safely").`,
                    },
                },
            ],
        },
        {
            name: "airflow.tasks",
            rules: [
                {
                    alert: "AirflowHighTaskFailureRate",
                    expr:
                        `sum by (namespace) (increase(airflow_ti_finish{state="failed"}[${RATIO_WINDOW}]))\n` +
                        `  / sum by (namespace) (increase(airflow_ti_finish{state=~"success|failed"}[${RATIO_WINDOW}])) > ${failureRatio}\n` +
                        `and sum by (namespace) (increase(airflow_ti_finish{state="failed"}[${RATIO_WINDOW}])) >= 3`,
                    for: "10m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Many Airflow tasks fail in {{ $labels.namespace }}",
                        description: `{{ $value | humanizePercentage }} of the task instances that finished in the last ${RATIO_WINDOW} failed (threshold ${failureRatio * 100}%).`,
                        runbook:
                            "Open the Airflow overview dashboard, then the DAG drill-down for the DAGs with failures; a burst across many DAGs points at a shared dependency (database, connection, spot reclaim), one DAG at its code.",
                    },
                },
                {
                    alert: "AirflowDagRunFailed",
                    expr: `sum by (namespace, dag_id) (${eventsInWindow(`airflow_dagrun_duration_count{state="failed"}`, "30m")}) > 0`,
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "DAG {{ $labels.dag_id }} failed in {{ $labels.namespace }}",
                        description:
                            "A run of {{ $labels.dag_id }} ended failed within the last 30 minutes (its first failure included).",
                        runbook:
                            "Open the DAG's grid view in the Airflow UI, read the failed task's log, fix and clear the task.",
                    },
                },
                {
                    alert: "AirflowTaskFailed",
                    expr: `sum by (namespace, dag_id, task_id) (${eventsInWindow(`airflow_ti_finish{state="failed"}`, "30m")}) > 0`,
                    labels: { severity: "info" },
                    annotations: {
                        summary: "Task {{ $labels.dag_id }}.{{ $labels.task_id }} failed in {{ $labels.namespace }}",
                        description:
                            "A task instance of {{ $labels.task_id }} in {{ $labels.dag_id }} ended failed within the last 30 minutes (its first failure included).",
                        runbook:
                            "Read the task instance's log in the Airflow UI (Grid view > the red square > Logs); if it retries, the DAG run alert follows only when the retries are exhausted.",
                    },
                },
                {
                    alert: "AirflowExecutorNoOpenSlots",
                    expr:
                        `max by (namespace, executor) (airflow_executor_open_slots) <= 0\n` +
                        `and on (namespace, executor) max by (namespace, executor) (airflow_executor_queued_tasks) > 0`,
                    for: "15m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary:
                            "Executor {{ $labels.executor }} in {{ $labels.namespace }} has no free slot while tasks queue",
                        description:
                            "The executor has reached [core] parallelism for 15 minutes and tasks are waiting for it.",
                        runbook:
                            "Raise [core] parallelism or the worker count (airflow.workers.replicas / concurrency), or find the long-running tasks that hold the slots.",
                    },
                },
                {
                    // QUEUED in the database, per pool: executor.queued_tasks counts only what waits for [core] parallelism.
                    alert: "AirflowQueuedTaskBacklog",
                    expr: `sum by (namespace) (airflow_pool_queued_slots) > ${backlog}`,
                    for: "30m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "A backlog of queued Airflow tasks in {{ $labels.namespace }}",
                        description: `{{ $value }} pool slots have been held by QUEUED task instances for 30 minutes (threshold ${backlog}): tasks wait for a worker or a pod.`,
                        runbook:
                            "Check that Celery workers run and consume the queues (Flower, worker logs), that KubernetesExecutor pods start (AirflowWorkerPodsPending) and that spot capacity is available (Workers and spot capacity dashboard).",
                    },
                },
                {
                    alert: "AirflowWorkerPodsPending",
                    expr: `sum by (namespace) (\n  kube_pod_status_phase{phase="Pending"}\n  * on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_labels{label_tier="airflow", label_component="worker"})\n) > 0`,
                    for: "15m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Airflow worker pods wait for capacity in {{ $labels.namespace }}",
                        description:
                            "{{ $value }} Celery worker or KubernetesExecutor task pods have been Pending for 15 minutes: no node (often no spot capacity) takes them.",
                        runbook:
                            "kubectl -n {{ $labels.namespace }} get pods -l component=worker --field-selector=status.phase=Pending; `kubectl describe pod` shows the scheduling failure; check the spot pool's max size and the cluster autoscaler's events (spot capacity in the zone), or move the queue to on-demand.",
                    },
                },
                {
                    // pool.starving_tasks is not sent while every slot is taken: a full pool is seen on its open slots.
                    alert: "AirflowPoolFull",
                    expr: `max by (namespace, pool) (airflow_pool_open_slots) <= 0`,
                    for: "15m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Pool {{ $labels.pool }} in {{ $labels.namespace }} has no free slot",
                        description:
                            "Every slot of pool {{ $labels.pool }} has been taken for 15 minutes; further tasks of the pool wait.",
                        runbook:
                            "Admin > Pools shows running and queued slots; raise the pool's slots, or find the long-running tasks that hold them (Browse > Task Instances, filter by pool and state running).",
                    },
                },
                {
                    alert: "AirflowPoolStarving",
                    expr: `max by (namespace, pool) (airflow_pool_starving_tasks) > 0`,
                    for: "15m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Pool {{ $labels.pool }} in {{ $labels.namespace }} starves tasks",
                        description:
                            "{{ $value }} tasks have waited 15 minutes for a free slot in pool {{ $labels.pool }}.",
                        runbook:
                            "Raise the pool's slots (Admin > Pools) or lower the tasks' pool_slots; check whether running tasks in the pool are stuck.",
                    },
                },
            ],
        },
        {
            name: "airflow.capacity",
            rules: [
                {
                    // The schedulers' heartbeats share one series: a dead replica among several is seen in the workload.
                    alert: "AirflowComponentReplicasUnavailable",
                    expr:
                        `max by (namespace, deployment) (kube_deployment_spec_replicas{deployment=~".+-(scheduler|dag-processor|triggerer|api-server|webserver)"})\n` +
                        `> max by (namespace, deployment) (kube_deployment_status_replicas_available{deployment=~".+-(scheduler|dag-processor|triggerer|api-server|webserver)"})`,
                    for: "10m",
                    labels: { severity: "critical" },
                    annotations: {
                        summary:
                            "{{ $labels.deployment }} in {{ $labels.namespace }} runs fewer replicas than it should",
                        description:
                            "Fewer replicas of {{ $labels.deployment }} have been available than requested for 10 minutes; with several schedulers their heartbeat metric keeps counting, so this is the alert that sees one of them dead.",
                        runbook:
                            "kubectl -n {{ $labels.namespace }} get pods -o wide | grep {{ $labels.deployment }}; describe the missing or crash-looping pod (events, OOMKilled, failed liveness), check its node and the metadata database connection.",
                    },
                },
                {
                    alert: "AirflowTasksKilledWithoutHeartbeat",
                    expr: `sum by (namespace) (\n  ${eventsInWindow("airflow_task_instances_without_heartbeats_killed", "15m")}\n  or ${eventsInWindow("airflow_zombies_killed", "15m")}\n) > 0`,
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Airflow killed tasks whose heartbeats stopped in {{ $labels.namespace }}",
                        description:
                            "{{ $value }} task instances were killed in the last 15 minutes because their heartbeats stopped: their worker or pod vanished, typically a spot node reclaimed.",
                        runbook:
                            "Compare with SpotNodeChurn and the Workers and spot capacity dashboard (evictions, node removals); make such tasks retry-safe (retries, idempotent writes) or run them on on-demand nodes.",
                    },
                },
                {
                    alert: "AirflowScheduleDelayHigh",
                    expr:
                        `sum by (namespace) (increase(airflow_dagrun_schedule_delay_sum[1h]))\n` +
                        `  / sum by (namespace) (increase(airflow_dagrun_schedule_delay_count[1h])) > ${scheduleDelay}`,
                    for: "15m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "DAG runs start late in {{ $labels.namespace }}",
                        description: `DAG runs of the last hour started {{ $value | humanizeDuration }} after their scheduled time on average (threshold ${scheduleDelay} s).`,
                        runbook:
                            "The scheduler is saturated or slowed: check its loop duration and CPU in the overview dashboard, max_active_runs and catchup of the late DAGs, and the metadata database's latency; add a scheduler replica if the loop is CPU-bound.",
                    },
                },
                {
                    alert: "AirflowTriggererAtCapacity",
                    expr: `min by (namespace, hostname) (airflow_triggerer_capacity_left) <= 0`,
                    for: "10m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Triggerer {{ $labels.hostname }} in {{ $labels.namespace }} is full",
                        description:
                            "The triggerer has had no capacity left for 10 minutes: deferred tasks wait for a trigger slot.",
                        runbook:
                            "Raise [triggerer] capacity (default_capacity) or the triggerer replicas (airflow.triggerer.replicas); triggers.blocked_main_thread shows triggers that are not truly async.",
                    },
                },
                {
                    alert: "AirflowPgbouncerDown",
                    expr: `max by (namespace, service) (up{${config.selectors.pgbouncer}}) == 0`,
                    for: "5m",
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "PgBouncer in {{ $labels.namespace }} cannot be scraped",
                        description:
                            "The PgBouncer metrics endpoint of {{ $labels.service }} has failed for 5 minutes: PgBouncer (every Airflow component's database path) or its exporter is down.",
                        runbook:
                            "kubectl -n {{ $labels.namespace }} get pods -l component=pgbouncer; check both containers' logs (pgbouncer, metrics-exporter) and that the metadata database accepts PgBouncer's connections.",
                    },
                },
            ],
        },
        {
            name: "airflow.dags",
            rules: [
                {
                    alert: "AirflowDagImportErrors",
                    expr: `max by (namespace) (airflow_dag_processing_import_errors) > 0`,
                    for: "10m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "DAG files fail to import in {{ $labels.namespace }}",
                        description: "{{ $value }} DAG file(s) raise errors on import; their DAGs are not updated.",
                        runbook:
                            "The Airflow UI lists import errors on the DAGs page; `airflow dags list-import-errors` in the scheduler or DAG processor pod prints them.",
                    },
                },
            ],
        },
        {
            name: "airflow-platform.capacity",
            rules: [
                {
                    alert: "NodeMemoryPressure",
                    expr: `max by (node) (kube_node_status_condition{condition="MemoryPressure", status="true"}) == 1`,
                    for: "5m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Node {{ $labels.node }} is under memory pressure",
                        description: "The kubelet reports MemoryPressure: it evicts pods from this node.",
                        runbook:
                            "Look at the node in the 'Node Exporter / Nodes' dashboard and at the pods' memory in the Workers dashboard; lower worker concurrency or raise the tasks' memory requests so the scheduler spreads them.",
                    },
                },
                {
                    alert: "AirflowWorkersOnFallbackCapacity",
                    expr: `count by (namespace) (\n  (kube_pod_labels{label_component="worker"} * on (namespace, pod) group_left (node) kube_pod_info)\n  * on (node) group_left () node:capacity_type:info{capacity_type="fallback"}\n) > 0`,
                    for: "30m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Airflow workers in {{ $labels.namespace }} run on on-demand fallback nodes",
                        description:
                            "{{ $value }} Celery worker or KubernetesExecutor task pods have run on the on-demand fallback pool for 30 minutes: no spot pool could grow (a spot shortage), and they cost on-demand prices.",
                        runbook:
                            "The Workers and spot capacity dashboard shows the fallback's share; the cluster autoscaler's events (EKS) or the ComputeClass status (GKE: kubectl describe computeclass airflow-workers) say which spot pools failed. Add spot families or sizes (nodePools.spot.machineTypes); the work returns to spot by itself when capacity does.",
                    },
                },
                {
                    alert: "SpotNodeChurn",
                    expr:
                        `airflow_platform:spot_nodes_created:1h\n` +
                        `  - clamp_min(airflow_platform:spot_nodes:count - (airflow_platform:spot_nodes:count offset 1h), 0)\n` +
                        `>= ${churn}`,
                    for: "5m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Spot nodes are being replaced often",
                        description: `{{ $value }} spot nodes were replaced (created beyond the pool's growth) in the last hour (threshold ${churn}); tasks on them were interrupted.`,
                        runbook:
                            "Diversify spot instance types (nodePools.spot.machineTypes on EKS), move long tasks to on-demand, or make tasks retry-safe; the Workers and spot capacity dashboard shows evictions.",
                    },
                },
            ],
        },
    ];
}

/** Every PromQL expression of the groups, with where it comes from (for tests and the metric inventory). */
export function ruleExpressions(groups: RuleGroup[]): { where: string; expr: string }[] {
    return groups.flatMap((g) =>
        g.rules.map((r) => ({ where: `${g.name}/${"alert" in r ? r.alert : r.record}`, expr: r.expr })),
    );
}
