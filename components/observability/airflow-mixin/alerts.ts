/**
 * The Airflow alerts and the recording rules they and the dashboards stand on, as PrometheusRule groups. Every alert has
 * a `summary`, a `description` and a `runbook` annotation (the steps, inline: there is no hosted runbook site to link
 * with `runbook_url`, and a link nobody hosts is worse than the text).
 */
import { AIRFLOW_STATSD_SERVICE, RATE_WINDOW, RATIO_WINDOW } from "./common";

const SCRAPE_ENDPOINT = `endpoint="${AIRFLOW_STATSD_SERVICE.scrapePort.name}"`;
const INGEST = `${AIRFLOW_STATSD_SERVICE.ingestPort.protocol} ${AIRFLOW_STATSD_SERVICE.ingestPort.port}`;

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

export interface AlertOptions {
    /** Node labels that mark a spot node, beyond the clouds' own (GKE, EKS managed node groups, Karpenter). */
    spotNodeLabels?: Record<string, string>;
    /** Failed share of finished task instances that raises AirflowHighTaskFailureRate. Default 0.25. */
    taskFailureRatio?: number;
    /** Tasks queued in an executor that count as a backlog. Default 50. */
    queuedBacklog?: number;
    /** Spot nodes replaced within an hour that count as churn. Default 3. */
    spotReplacementsPerHour?: number;
}

/** The clouds' own spot labels: GKE spot node pools, EKS managed node groups, Karpenter. */
export const CLOUD_SPOT_LABELS: Record<string, string> = {
    "cloud.google.com/gke-spot": "true",
    "eks.amazonaws.com/capacityType": "SPOT",
    "karpenter.sh/capacity-type": "spot",
};

/** kube-state-metrics' name for a node label in `kube_node_labels` (non-alphanumerics become `_`). */
export function kubeStateMetricsLabel(key: string): string {
    return `label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Recording rule expression: one series per node with `capacity_type` "spot" or "on-demand". */
export function nodeCapacityTypeExpr(spotLabels: Record<string, string>): string {
    const spot = Object.entries(spotLabels).map(
        ([key, value]) => `label_replace(kube_node_labels{${kubeStateMetricsLabel(key)}="${value}"}, "capacity_type", "spot", "", "")`,
    );
    const onDemand = `label_replace(kube_node_labels, "capacity_type", "on-demand", "", "")`;
    return `max by (node, capacity_type) (\n  ${[...spot, onDemand].join("\n  or on (node) ")}\n)`;
}

const SPOT = `node:capacity_type:info{capacity_type="spot"}`;

export function airflowRuleGroups(options: AlertOptions = {}): RuleGroup[] {
    const failureRatio = options.taskFailureRatio ?? 0.25;
    const backlog = options.queuedBacklog ?? 50;
    const churn = options.spotReplacementsPerHour ?? 3;
    const spotLabels = { ...CLOUD_SPOT_LABELS, ...(options.spotNodeLabels ?? {}) };

    const heartbeat = (component: string, metric: string, what: string): AlertingRule => ({
        alert: `Airflow${component}HeartbeatMissing`,
        expr: `sum by (namespace) (rate(${metric}[${RATE_WINDOW}])) == 0`,
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
            summary: `The Airflow ${what} in {{ $labels.namespace }} stopped heartbeating`,
            description: `No ${metric} increase for 7 minutes in namespace {{ $labels.namespace }}: the ${what} is down, stuck or cannot reach StatsD.`,
            runbook: `kubectl -n {{ $labels.namespace }} get pods -l component=${component === "DagProcessor" ? "dag-processor" : component.toLowerCase()}; check restarts and logs (kubectl logs --previous), the metadata database connection and the node it runs on.`,
        },
    });

    return [
        {
            name: "airflow-platform.nodes",
            rules: [
                { record: "node:capacity_type:info", expr: nodeCapacityTypeExpr(spotLabels) },
                { record: "airflow_platform:spot_nodes:count", expr: `count(${SPOT}) or vector(0)` },
                {
                    record: "airflow_platform:spot_nodes_created:1h",
                    expr: `count((time() - kube_node_created) < 3600 and on (node) ${SPOT}) or vector(0)`,
                },
            ],
        },
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
                        description: "Prometheus failed to scrape {{ $labels.pod }} for 5 minutes; every Airflow metric of the namespace is missing meanwhile.",
                        runbook: "kubectl -n {{ $labels.namespace }} get pods -l component=statsd; check the pod's logs for mapping errors (a bad mapping stops the exporter from starting) and its resource limits.",
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
                        description: "Some StatsD metric maps to a Prometheus name already used with other labels; those samples are dropped.",
                        runbook: `Port-forward ${AIRFLOW_STATSD_SERVICE.scrapePort.port} of the statsd pod, find the conflicting name in its logs, and add a mapping or drop rule in components/observability/airflow-mixin/statsd-mapping.ts.`,
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
                        runbook: "Open the Airflow overview dashboard, then the DAG drill-down for the DAGs with failures; a burst across many DAGs points at a shared dependency (database, connection, spot reclaim), one DAG at its code.",
                    },
                },
                {
                    alert: "AirflowDagRunFailed",
                    expr: `sum by (namespace, dag_id) (increase(airflow_dagrun_duration_count{state="failed"}[30m])) > 0`,
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "DAG {{ $labels.dag_id }} failed in {{ $labels.namespace }}",
                        description: "A run of {{ $labels.dag_id }} ended failed within the last 30 minutes.",
                        runbook: "Open the DAG's grid view in the Airflow UI, read the failed task's log, fix and clear the task.",
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
                        summary: "Executor {{ $labels.executor }} in {{ $labels.namespace }} has no free slot while tasks queue",
                        description: "The executor has reached [core] parallelism for 15 minutes and tasks are waiting for it.",
                        runbook: "Raise [core] parallelism or the worker count (airflow.workers.replicas / concurrency), or find the long-running tasks that hold the slots.",
                    },
                },
                {
                    alert: "AirflowQueuedTaskBacklog",
                    expr: `sum by (namespace) (airflow_executor_queued_tasks) > ${backlog}`,
                    for: "30m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "A backlog of queued Airflow tasks in {{ $labels.namespace }}",
                        description: `{{ $value }} tasks have been queued in the executors for 30 minutes (threshold ${backlog}).`,
                        runbook: "Check that Celery workers run and consume the queues (Flower, worker logs) and that spot capacity is available (Workers and spot capacity dashboard).",
                    },
                },
                {
                    alert: "AirflowPoolStarving",
                    expr: `max by (namespace, pool) (airflow_pool_starving_tasks) > 0`,
                    for: "15m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Pool {{ $labels.pool }} in {{ $labels.namespace }} starves tasks",
                        description: "{{ $value }} tasks have waited 15 minutes for a free slot in pool {{ $labels.pool }}.",
                        runbook: "Raise the pool's slots (Admin > Pools) or lower the tasks' pool_slots; check whether running tasks in the pool are stuck.",
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
                        runbook: "The Airflow UI lists import errors on the DAGs page; `airflow dags list-import-errors` in the scheduler or DAG processor pod prints them.",
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
                        runbook: "Look at the node in the Node Exporter Full dashboard and at the pods' memory in the Workers dashboard; lower worker concurrency or raise the tasks' memory requests so the scheduler spreads them.",
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
                        runbook: "Diversify spot instance types (nodePools.spot.machineTypes on EKS), move long tasks to on-demand, or make tasks retry-safe; the Workers and spot capacity dashboard shows evictions.",
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
