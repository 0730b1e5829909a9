/**
 * A simulated stretch of platform traffic for the end-to-end test: Airflow 3.x StatsD lines per namespace fed through
 * the exporter model (`statsd-matcher.ts`) and scraped every step, plus the kube-state-metrics, cAdvisor and `up`
 * series the rules and dashboards read, as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
 *
 * Namespaces: `airflow` runs healthy all along (DAGs, a retry that succeeds, a daily DAG that ran once hours ago);
 * `incident` is healthy until the incident, then everything goes wrong at once (failures, a spot reclaim that kills
 * tasks and Pending worker pods, full pools, a dead scheduler replica, a full triggerer, late runs, import errors,
 * a type conflict, PgBouncer down); `exporter-down` loses its exporter (`up` 0), `metrics-missing` stops sending
 * StatsD, and `exporter-absent` appears at the incident with a statsd Service that no target scrapes. At the
 * incident three spot nodes are replaced and an on-demand node reports memory pressure.
 */
import { airflowStatsdMappings } from "./statsd-mapping";
import { StatsdExporterModel, StatsdMapper } from "./statsd-matcher";

export interface PlatformSimulation {
    /** OpenMetrics lines (samples with timestamps in seconds, then `# EOF`). */
    lines: string[];
    start: number;
    end: number;
    stepSeconds: number;
    /** Unix time of the incident: everything is healthy before it. */
    incident: number;
    /** The namespace each incident lives in. */
    namespaces: {
        healthy: string;
        incident: string;
        exporterDown: string;
        metricsMissing: string;
        exporterAbsent: string;
    };
    /** The DAG that runs once a day (its panels must not be blank hours after its run). */
    dailyDag: string;
}

const NAMESPACES = {
    healthy: "airflow",
    incident: "incident",
    exporterDown: "exporter-down",
    metricsMissing: "metrics-missing",
    exporterAbsent: "exporter-absent",
};
const P = "airflow";

function labelText(labels: Record<string, string>): string {
    const keys = Object.keys(labels).sort();
    return keys.length
        ? `{${keys.map((k) => `${k}="${labels[k].replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`
        : "";
}

/** The StatsD lines of one DAG run (3.x names, with the twins): scheduled, queued, running, finished per task. */
export function dagRunStatsdLines(o: {
    dagId: string;
    tasks: string[];
    failing?: string[];
    retried?: string[];
    scheduleDelayMs?: number;
    queue?: string;
}): string[] {
    const lines: string[] = [];
    const queue = o.queue ?? "default";
    lines.push(`${P}.dagrun.dependency-check.${o.dagId}:12|ms`, `${P}.dagrun.dependency-check:12|ms`);
    lines.push(
        `${P}.dagrun.schedule_delay.${o.dagId}:${o.scheduleDelayMs ?? 2400}|ms`,
        `${P}.dagrun.schedule_delay:${o.scheduleDelayMs ?? 2400}|ms`,
    );
    let failed = false;
    for (const task of o.tasks) {
        const states = o.failing?.includes(task)
            ? ["up_for_retry", "failed"]
            : o.retried?.includes(task)
              ? ["up_for_retry", "success"]
              : ["success"];
        for (const state of states) {
            for (const gauge of ["scheduled", "queued", "running"]) {
                lines.push(
                    `${P}.ti.${gauge}.${queue}.${o.dagId}.${task}:1|g`,
                    `${P}.ti.${gauge}:1|g`,
                    `${P}.ti.${gauge}.${queue}.${o.dagId}.${task}:0|g`,
                );
            }
            lines.push(`${P}.dag.${o.dagId}.${task}.scheduled_duration:40|ms`, `${P}.task.scheduled_duration:40|ms`);
            lines.push(`${P}.dag.${o.dagId}.${task}.queued_duration:9000|ms`, `${P}.task.queued_duration:9000|ms`);
            lines.push(`${P}.ti.start.${o.dagId}.${task}:1|c`, `${P}.ti.start:1|c`);
            lines.push(
                `${P}.task.cpu_usage_percent.${o.dagId}.${task}:35|g`,
                `${P}.task.memory_mb.${o.dagId}.${task}:310|g`,
            );
            lines.push(
                `${P}.dag.${o.dagId}.${task}.duration:${45000 + task.length * 1000}|ms`,
                `${P}.task.duration:45000|ms`,
            );
            lines.push(`${P}.ti.finish.${o.dagId}.${task}.${state}:1|c`, `${P}.ti.finish:1|c`);
            lines.push(`${P}.${state === "success" ? "ti_successes" : "ti_failures"}:1|c`);
            lines.push(
                `${P}.operator_${state === "success" ? "successes" : "failures"}_PythonOperator:1|c`,
                `${P}.operator_${state === "success" ? "successes" : "failures"}:1|c`,
            );
        }
        if (states.at(-1) === "failed") {
            failed = true;
            break;
        }
    }
    lines.push(
        `${P}.task_instance_created_PythonOperator:${o.tasks.length}|c`,
        `${P}.task_instance_created:${o.tasks.length}|c`,
    );
    const state = failed ? "failed" : "success";
    lines.push(`${P}.dagrun.duration.${state}.${o.dagId}:600000|ms`, `${P}.dagrun.duration.${state}:600000|ms`);
    if (!failed)
        lines.push(
            `${P}.dagrun.${o.dagId}.first_task_scheduling_delay:3100|ms`,
            `${P}.dagrun.first_task_scheduling_delay:3100|ms`,
        );
    return lines;
}

interface Dag {
    id: string;
    file: string;
    tasks: string[];
    /** Runs every this many steps, at this step offset; `once` runs only at the offset. */
    every: number;
    offset: number;
    once?: boolean;
}

export function simulatePlatform(o: {
    end: number;
    hours?: number;
    stepSeconds?: number;
    ttl?: string;
}): PlatformSimulation {
    const stepSeconds = o.stepSeconds ?? 120;
    const steps = Math.round(((o.hours ?? 2.5) * 3600) / stepSeconds);
    const start = o.end - steps * stepSeconds;
    const incidentStep = steps - Math.round(3000 / stepSeconds); // 50 minutes before the end
    const killStep = steps - Math.round(600 / stepSeconds); // 10 minutes before the end
    const dailyDag = "etl_daily";
    const dags: Dag[] = [
        {
            id: dailyDag,
            file: "etl_daily",
            tasks: ["extract", "transform", "load"],
            every: steps,
            offset: 5,
            once: true,
        },
        {
            id: "hourly_sales",
            file: "sales",
            tasks: ["fetch", "grp.clean", "grp.load"],
            every: Math.round(3600 / stepSeconds),
            offset: 2,
        },
        {
            id: "ml-nightly.v2",
            file: "ml.nightly",
            tasks: ["train-model", "publish"],
            every: Math.round(7200 / stepSeconds),
            offset: 7,
        },
    ];
    const mappings = airflowStatsdMappings({ ttl: o.ttl ?? "48h" });
    const exporters = new Map<string, StatsdExporterModel>();
    const received = new Map<string, number>();
    for (const ns of [NAMESPACES.healthy, NAMESPACES.incident, NAMESPACES.exporterDown, NAMESPACES.metricsMissing]) {
        exporters.set(ns, new StatsdExporterModel(new StatsdMapper(mappings)));
        received.set(ns, 0);
    }
    const out: string[] = [];
    const emit = (name: string, labels: Record<string, string>, value: number, t: number) =>
        out.push(`${name}${labelText(labels)} ${value} ${t}`);
    const counters = new Map<string, number>();
    const grow = (key: string, by: number) => {
        const v = (counters.get(key) ?? 0) + by;
        counters.set(key, v);
        return v;
    };

    for (let s = 0; s < steps; s += 1) {
        const t = start + (s + 1) * stepSeconds;
        const broken = s >= incidentStep;
        // --- Airflow traffic, through each namespace's exporter -------------------------------------------------------
        for (const [ns, exporter] of exporters) {
            const incident = ns === NAMESPACES.incident && broken;
            const silent = ns === NAMESPACES.metricsMissing && broken;
            const lines: string[] = [];
            if (!silent) {
                if (!incident)
                    lines.push(
                        `${P}.scheduler_heartbeat:24|c`,
                        `${P}.dag_processor_heartbeat:24|c`,
                        `${P}.triggerer_heartbeat:24|c`,
                    );
                lines.push(`${P}.job_start:0|c`);
                for (const [executor, open, queued, running] of [
                    ["CeleryExecutor", incident ? 0 : 14, incident ? 5 : 0, 2],
                    ["KubernetesExecutor", 30, 0, 1],
                ] as const) {
                    lines.push(
                        `${P}.executor.open_slots.${executor}:${open}|g`,
                        `${P}.executor.queued_tasks.${executor}:${queued}|g`,
                        `${P}.executor.running_tasks.${executor}:${running}|g`,
                    );
                }
                for (const [pool, open, queued, starving] of [
                    ["default_pool", 120, incident ? 80 : 3, incident ? 3 : 0],
                    ["etl_pool", incident ? 0 : 4, incident ? 6 : 0, 0],
                ] as const) {
                    lines.push(`${P}.pool.open_slots.${pool}:${open}|g`, `${P}.pool.open_slots:${open}|g`);
                    lines.push(
                        `${P}.pool.queued_slots.${pool}:${queued}|g`,
                        `${P}.pool.running_slots.${pool}:2|g`,
                        `${P}.pool.scheduled_slots.${pool}:0|g`,
                    );
                    lines.push(
                        `${P}.pool.deferred_slots.${pool}:0|g`,
                        `${P}.pool.starving_tasks.${pool}:${starving}|g`,
                        `${P}.pool.starving_tasks:${starving}|g`,
                    );
                }
                for (const host of [
                    "airflow-triggerer-0.airflow-triggerer.airflow.svc.cluster.local",
                    "airflow-triggerer-1.airflow-triggerer.airflow.svc.cluster.local",
                ]) {
                    const left = incident && host.startsWith("airflow-triggerer-0") ? 0 : 990;
                    lines.push(
                        `${P}.triggerer.capacity_left.${host}:${left}|g`,
                        `${P}.triggers.running.${host}:${1000 - left}|g`,
                        `${P}.triggers.running:${1000 - left}|g`,
                    );
                }
                lines.push(
                    `${P}.dag_processing.import_errors:${incident ? 2 : 0}|g`,
                    `${P}.dag_processing.total_parse_time:1.7|g`,
                    `${P}.dag_processing.file_path_queue_size:0|g`,
                );
                lines.push(
                    `${P}.dagbag_size:3|g`,
                    `${P}.scheduler.tasks.starving:0|g`,
                    `${P}.scheduler.tasks.executable:1|g`,
                    `${P}.scheduler.dagruns.running:1|g`,
                );
                lines.push(
                    `${P}.scheduler.scheduler_loop_duration:310|ms`,
                    `${P}.scheduler.critical_section_duration:12|ms`,
                );
                for (const dag of dags) {
                    lines.push(
                        `${P}.dag_processing.last_duration.${dag.file}:640|ms`,
                        `${P}.dag_processing.last_duration:640|ms`,
                    );
                    lines.push(
                        `${P}.dag_processing.last_run.seconds_ago.${dag.file}:12|g`,
                        `${P}.dag_processing.last_num_of_db_queries.${dag.file}:3|g`,
                    );
                    const due = dag.once ? s === dag.offset : s % dag.every === dag.offset % dag.every;
                    if (due && !incident)
                        lines.push(
                            ...dagRunStatsdLines({
                                dagId: dag.id,
                                tasks: dag.tasks,
                                retried: ns === NAMESPACES.healthy ? [dag.tasks[0]] : [],
                            }),
                        );
                }
                if (incident) {
                    // Every step a run of hourly_sales fails late, and starts 15 minutes behind its schedule.
                    lines.push(
                        ...dagRunStatsdLines({
                            dagId: "hourly_sales",
                            tasks: ["fetch", "grp.clean"],
                            failing: ["grp.clean"],
                            scheduleDelayMs: 900_000,
                        }),
                    );
                    // A new metric sent as a counter under a name the mapping has as a gauge: a type conflict.
                    lines.push(`${P}.dagbag_size:1|c`);
                    if (s === killStep) lines.push(`${P}.task_instances_without_heartbeats_killed:2|c`);
                }
            }
            received.set(ns, received.get(ns)! + lines.length);
            exporter.send(lines);
            exporter.advance(stepSeconds * 1000);
            // The target labels the ServiceMonitor gives (service, container and airflow_release left out: no query reads them).
            const target = { namespace: ns, endpoint: "statsd-scrape", job: "airflow-statsd", pod: "airflow-statsd-0" };
            const down = ns === NAMESPACES.exporterDown && broken;
            emit("up", target, down ? 0 : 1, t);
            if (down) continue;
            if (s === steps - 1) {
                const scrape = exporter.scrape();
                if (scrape.status !== 200)
                    throw new Error(`the exporter model answered ${scrape.status} in ${ns}: ${scrape.error}`);
            }
            emit("statsd_exporter_samples_total", target, received.get(ns)!, t);
            for (const sample of exporter.samples())
                emit(sample.name, { ...sample.labels, ...target }, sample.value, t);
        }

        // --- kube-state-metrics, cAdvisor and the PgBouncer scrape ----------------------------------------------------
        const ksm = { job: "kube-state-metrics" };
        const allNs = [NAMESPACES.healthy, NAMESPACES.incident, NAMESPACES.exporterDown, NAMESPACES.metricsMissing];
        if (broken) allNs.push(NAMESPACES.exporterAbsent);
        const spot = broken ? ["spot-4", "spot-5", "spot-6"] : ["spot-1", "spot-2", "spot-3"];
        for (const ns of allNs) {
            const incident = ns === NAMESPACES.incident && broken;
            emit("kube_service_info", { ...ksm, namespace: ns, service: "airflow-statsd" }, 1, t);
            emit("kube_deployment_spec_replicas", { ...ksm, namespace: ns, deployment: "airflow-scheduler" }, 2, t);
            emit(
                "kube_deployment_status_replicas_available",
                { ...ksm, namespace: ns, deployment: "airflow-scheduler" },
                incident ? 1 : 2,
                t,
            );
            const pods: [string, string, string, string][] = [
                ["airflow-worker-0", "worker", "", spot[0]],
                ["airflow-worker-1", "worker", "", spot[1]],
                ["hourly-sales-fetch-x7k2", "worker", "True", spot[2]],
                ["airflow-scheduler-6c9f-a", "scheduler", "", "ondemand-1"],
            ];
            if (incident) pods.push(["hourly-sales-clean-p9q1", "worker", "True", ""]);
            // A spot shortage: one task pod runs on the on-demand fallback pool.
            if (incident) pods.push(["hourly-sales-load-f4m8", "worker", "True", "fallback-1"]);
            for (const [pod, component, ke, node] of pods) {
                const podLabels = { ...ksm, namespace: ns, pod };
                emit(
                    "kube_pod_labels",
                    {
                        ...podLabels,
                        label_tier: "airflow",
                        label_component: component,
                        label_kubernetes_executor: ke,
                        label_release: "airflow",
                    },
                    1,
                    t,
                );
                if (node) emit("kube_pod_info", { ...podLabels, node }, 1, t);
                emit("kube_pod_status_phase", { ...podLabels, phase: "Pending" }, node ? 0 : 1, t);
                emit("kube_pod_status_phase", { ...podLabels, phase: "Running" }, node ? 1 : 0, t);
                emit(
                    "kube_pod_status_reason",
                    { ...podLabels, reason: "Evicted" },
                    incident && pod === "airflow-worker-0" ? 1 : 0,
                    t,
                );
                emit(
                    "kube_pod_container_status_restarts_total",
                    { ...podLabels, container: component },
                    grow(`${ns}/${pod}/restarts`, incident && pod === "airflow-worker-1" ? 1 : 0),
                    t,
                );
                const cadvisor = { job: "kubelet", namespace: ns, pod, container: component };
                if (node) {
                    emit("container_cpu_usage_seconds_total", cadvisor, grow(`${ns}/${pod}/cpu`, 0.3 * stepSeconds), t);
                    emit("container_memory_working_set_bytes", cadvisor, 512 * 2 ** 20, t);
                }
            }
            emit(
                "up",
                {
                    job: "kubernetes-service-endpoints",
                    namespace: ns,
                    service: "airflow-pgbouncer",
                    pod: "airflow-pgbouncer-0",
                },
                incident ? 0 : 1,
                t,
            );
        }
        for (const node of ["ondemand-1", "ondemand-2", ...spot, ...(broken ? ["fallback-1"] : [])]) {
            const labels: Record<string, string> = { ...ksm, node };
            if (node.startsWith("spot")) labels.label_cloud_google_com_gke_spot = "true";
            else labels.label_airflow_platform_capacity = node.startsWith("fallback") ? "fallback" : "on-demand";
            emit("kube_node_labels", labels, 1, t);
            const created = node.startsWith("spot") && broken ? start + incidentStep * stepSeconds : start - 86_400;
            emit("kube_node_created", { ...ksm, node }, created, t);
            emit(
                "kube_node_status_condition",
                { ...ksm, node, condition: "MemoryPressure", status: "true" },
                broken && node === "ondemand-2" ? 1 : 0,
                t,
            );
        }
    }
    out.push("# EOF");
    return {
        lines: out,
        start,
        end: o.end,
        stepSeconds,
        incident: start + incidentStep * stepSeconds,
        namespaces: NAMESPACES,
        dailyDag,
    };
}
