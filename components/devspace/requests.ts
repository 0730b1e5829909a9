/**
 * Pure: what a devspace asks of the shared cluster. Sums the CPU and memory requests of everything the planned
 * resources would run in the devspace's namespace (the Airflow chart's pods from its Helm values, plain workloads
 * from their specs), filling containers that set none with the namespace's LimitRange default, and compares the
 * figure with the ResourceQuota.
 */
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../quantities";
import type { DevspaceQuota } from "./args";
import { limitRangeSpec, resourceQuotaSpec } from "./frame";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

/** A planned resource, as tools/offline/runtime.ts's `PlannedResource` has it (only what this module reads). */
export interface PlannedObject {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** CPU in millicores and memory in bytes. */
export interface Amount {
    cpuMillis: number;
    memoryBytes: number;
}

const add = (a: Amount, b: Amount): Amount => ({
    cpuMillis: a.cpuMillis + b.cpuMillis,
    memoryBytes: a.memoryBytes + b.memoryBytes,
});
const times = (a: Amount, n: number): Amount => ({ cpuMillis: a.cpuMillis * n, memoryBytes: a.memoryBytes * n });
const ZERO: Amount = { cpuMillis: 0, memoryBytes: 0 };

/** One container (times its pod's replicas) and the request it counts for. */
export interface RequestLine {
    /** e.g. "airflow: scheduler/scheduler-log-groomer" or "Deployment tools/main". */
    what: string;
    replicas: number;
    /** Per replica. */
    request: Amount;
    /** True when the container sets no request and the LimitRange default stands in. */
    defaulted: boolean;
}

export interface DevspaceRequests {
    /** Long-running pods: what the devspace holds all the time. */
    steady: Amount;
    /** The steady figure plus every run-once Job (migrations, user creation) running at the same time. */
    peak: Amount;
    lines: RequestLine[];
    jobs: RequestLine[];
    /** Request of one KubernetesExecutor task pod (the chart's pod template reads `workers.resources`). */
    taskPod?: Amount;
    /** The namespace's ResourceQuota `requests.cpu` / `requests.memory`, when the plan has one. */
    quota?: Amount;
    /** How many task pods fit next to the steady pods under the quota. */
    taskPodsThatFit?: number;
}

/** The LimitRange's default container request, applied by Kubernetes to containers that set none. */
function limitRangeDefault(objects: PlannedObject[]): Amount | undefined {
    const lr = objects.find((o) => o.type === "kubernetes:core/v1:LimitRange");
    if (!lr) return undefined;
    const limits = (asObj(lr.inputs.spec).limits as Obj[] | undefined) ?? [];
    const container = limits.find((l) => l.type === "Container");
    const d = asObj(container?.defaultRequest);
    if (d.cpu === undefined || d.memory === undefined) return undefined;
    return { cpuMillis: parseCpu(d.cpu), memoryBytes: parseMemory(d.memory) };
}

function requestOf(
    resources: unknown,
    fallback: Amount | undefined,
    what: string,
): { request: Amount; defaulted: boolean } {
    const requests = asObj(asObj(resources).requests);
    if (requests.cpu !== undefined && requests.memory !== undefined)
        return {
            request: { cpuMillis: parseCpu(requests.cpu), memoryBytes: parseMemory(requests.memory) },
            defaulted: false,
        };
    if (!fallback) throw new Error(`${what} sets no requests and the namespace has no LimitRange default`);
    return {
        request: {
            cpuMillis: requests.cpu !== undefined ? parseCpu(requests.cpu) : fallback.cpuMillis,
            memoryBytes: requests.memory !== undefined ? parseMemory(requests.memory) : fallback.memoryBytes,
        },
        defaulted: true,
    };
}

const on = (v: unknown, dflt: boolean) => (typeof v === "boolean" ? v : dflt);
const count = (v: unknown, dflt: number) => (typeof v === "number" ? v : dflt);

/**
 * The pods the apache-airflow/airflow chart (1.20) runs for a set of values, with the values path of each container's
 * resources. Follows the chart's templates: the log groomer sidecars are on by default; git-sync runs as a sidecar of
 * the DAG processor, the triggerer and Celery workers (and of the scheduler only without a standalone DAG processor).
 */
export function airflowChartPods(values: Obj): {
    steady: { what: string; replicas: number; resources: unknown }[];
    jobs: { what: string; resources: unknown }[];
    taskPod: unknown;
} {
    const v = (path: string): unknown => path.split(".").reduce<unknown>((o, k) => asObj(o)[k], values);
    const executor = String(v("executor") ?? "CeleryExecutor");
    const celery = /Celery/.test(executor);
    const major = Number(String(v("airflowVersion") ?? v("defaultAirflowTag") ?? "3").split(".")[0]) || 3;
    const dagProcessor = on(v("dagProcessor.enabled"), major >= 3);
    const gitSync = on(v("dags.gitSync.enabled"), false);
    const gitSyncResources = v("dags.gitSync.resources");
    const steady: { what: string; replicas: number; resources: unknown }[] = [];
    const pod = (component: string, replicas: number, opts: { groomer: boolean; gitSync: boolean }) => {
        steady.push({ what: `${component}`, replicas, resources: v(`${component}.resources`) });
        if (opts.groomer && on(v(`${component}.logGroomerSidecar.enabled`), true))
            steady.push({
                what: `${component}/log-groomer`,
                replicas,
                resources: v(`${component}.logGroomerSidecar.resources`),
            });
        if (opts.gitSync && gitSync)
            steady.push({ what: `${component}/git-sync`, replicas, resources: gitSyncResources });
    };

    pod("scheduler", count(v("scheduler.replicas"), 1), {
        groomer: true,
        gitSync: !dagProcessor || /Local/.test(executor),
    });
    if (major >= 3) pod("apiServer", count(v("apiServer.replicas"), 1), { groomer: false, gitSync: false });
    else pod("webserver", count(v("webserver.replicas"), 1), { groomer: false, gitSync: false });
    if (dagProcessor) pod("dagProcessor", count(v("dagProcessor.replicas"), 1), { groomer: true, gitSync: true });
    if (on(v("triggerer.enabled"), true))
        pod("triggerer", count(v("triggerer.replicas"), 1), { groomer: true, gitSync: true });
    if (celery) {
        // With KEDA (workers.keda.enabled) the ScaledObject may run up to maxReplicaCount workers: the quota must hold them.
        const keda = on(v("workers.keda.enabled"), false);
        const replicas = keda
            ? count(v("workers.keda.maxReplicaCount"), 10)
            : count(v("workers.celery.replicas"), count(v("workers.replicas"), 1));
        // worker-deployment.yaml runs the workers' log groomer only beside the StatefulSet's volume (persistence on).
        const persistence = on(v("workers.celery.persistence.enabled"), on(v("workers.persistence.enabled"), true));
        pod("workers", replicas, { groomer: persistence, gitSync: true });
        if (on(v("redis.enabled"), true)) pod("redis", 1, { groomer: false, gitSync: false });
        if (on(v("flower.enabled"), false)) pod("flower", 1, { groomer: false, gitSync: false });
    }
    if (on(v("statsd.enabled"), true)) pod("statsd", 1, { groomer: false, gitSync: false });
    if (on(v("pgbouncer.enabled"), false)) {
        const replicas = count(v("pgbouncer.replicas"), 1);
        pod("pgbouncer", replicas, { groomer: false, gitSync: false });
        steady.push({
            what: "pgbouncer/metrics-exporter",
            replicas,
            resources: v("pgbouncer.metricsExporterSidecar.resources"),
        });
    }
    if (on(v("postgresql.enabled"), true))
        steady.push({ what: "postgresql", replicas: 1, resources: v("postgresql.primary.resources") });

    const jobs: { what: string; resources: unknown }[] = [];
    if (on(v("migrateDatabaseJob.enabled"), true))
        jobs.push({ what: "migrateDatabaseJob", resources: v("migrateDatabaseJob.resources") });
    if (on(v("createUserJob.enabled"), true))
        jobs.push({ what: "createUserJob", resources: v("createUserJob.resources") });
    if (on(v("cleanup.enabled"), false)) jobs.push({ what: "cleanup", resources: v("cleanup.resources") });
    if (on(v("databaseCleanup.enabled"), false))
        jobs.push({ what: "databaseCleanup", resources: v("databaseCleanup.resources") });

    const kubernetesTasks = /Kubernetes/.test(executor);
    return { steady, jobs, taskPod: kubernetesTasks ? (v("workers.resources") ?? {}) : undefined };
}

const WORKLOAD_PODS: Record<string, { spec: string[]; replicas?: string[] }> = {
    "kubernetes:apps/v1:Deployment": { spec: ["spec", "template", "spec"], replicas: ["spec", "replicas"] },
    "kubernetes:apps/v1:StatefulSet": { spec: ["spec", "template", "spec"], replicas: ["spec", "replicas"] },
    "kubernetes:core/v1:Pod": { spec: ["spec"] },
};

/**
 * The requests of a devspace's planned resources. `namespace` selects what runs in the devspace (Helm releases and
 * workloads whose namespace is it); the LimitRange and ResourceQuota are read from the plan.
 */
export function devspaceRequestsOf(objects: PlannedObject[], namespace: string): DevspaceRequests {
    const inNamespace = (o: PlannedObject) =>
        asObj(o.inputs.metadata).namespace === namespace ||
        (o.type === "kubernetes:helm.sh/v3:Release" && o.inputs.namespace === namespace);
    const fallback = limitRangeDefault(objects.filter(inNamespace));
    const lines: RequestLine[] = [];
    const jobs: RequestLine[] = [];
    let taskPod: Amount | undefined;

    for (const o of objects.filter(inNamespace)) {
        if (o.type === "kubernetes:helm.sh/v3:Release" && String(o.inputs.chart).endsWith("airflow")) {
            const pods = airflowChartPods(asObj(o.inputs.values));
            for (const p of pods.steady) {
                const what = `${o.name}: ${p.what}`;
                lines.push({ what, replicas: p.replicas, ...requestOf(p.resources, fallback, what) });
            }
            for (const j of pods.jobs) {
                const what = `${o.name}: ${j.what}`;
                jobs.push({ what, replicas: 1, ...requestOf(j.resources, fallback, what) });
            }
            if (pods.taskPod !== undefined) taskPod = requestOf(pods.taskPod, fallback, `${o.name}: task pod`).request;
        } else if (o.type === "kubernetes:helm.sh/v3:Release") {
            throw new Error(
                `${o.name}: cannot count the pods of chart ${String(o.inputs.chart)}; teach devspaceRequestsOf about it`,
            );
        }
        const workload = WORKLOAD_PODS[o.type];
        if (workload) {
            const spec = workload.spec.reduce<unknown>((x, k) => asObj(x)[k], o.inputs);
            const replicas = workload.replicas
                ? count(
                      workload.replicas.reduce<unknown>((x, k) => asObj(x)[k], o.inputs),
                      1,
                  )
                : 1;
            for (const c of (asObj(spec).containers as Obj[] | undefined) ?? []) {
                const what = `${o.type.split(":").pop()} ${o.name}/${String(c.name)}`;
                lines.push({ what, replicas, ...requestOf(c.resources, fallback, what) });
            }
        }
    }

    const steady = lines.reduce((sum, l) => add(sum, times(l.request, l.replicas)), ZERO);
    // The chart's run-once jobs (migrations, user creation) can run together during an install: count them all.
    const peak = jobs.reduce((sum, j) => add(sum, j.request), steady);
    const quotaObject = objects.find((o) => o.type === "kubernetes:core/v1:ResourceQuota" && inNamespace(o));
    const hard = asObj(asObj(quotaObject?.inputs.spec).hard);
    const quota =
        hard["requests.cpu"] !== undefined && hard["requests.memory"] !== undefined
            ? { cpuMillis: parseCpu(hard["requests.cpu"]), memoryBytes: parseMemory(hard["requests.memory"]) }
            : undefined;
    const taskPodsThatFit =
        quota && taskPod && taskPod.cpuMillis > 0 && taskPod.memoryBytes > 0
            ? Math.max(
                  0,
                  Math.min(
                      Math.floor((quota.cpuMillis - steady.cpuMillis) / taskPod.cpuMillis),
                      Math.floor((quota.memoryBytes - steady.memoryBytes) / taskPod.memoryBytes),
                  ),
              )
            : undefined;
    return { steady, peak, lines, jobs, taskPod, quota, taskPodsThatFit };
}

/** One line for the plan summary. */
export function describeDevspaceRequests(r: DevspaceRequests): string {
    const amount = (a: Amount) => `${formatCpu(a.cpuMillis)} CPU, ${formatMemory(a.memoryBytes)}`;
    const parts = [`steady ${amount(r.steady)}`, `peak (with the run-once jobs) ${amount(r.peak)}`];
    if (r.quota) parts.push(`quota ${amount(r.quota)}`);
    if (r.taskPod)
        parts.push(
            `task pod ${amount(r.taskPod)}${r.taskPodsThatFit !== undefined ? `, ${r.taskPodsThatFit} fit beside the steady pods` : ""}`,
        );
    const defaulted = r.lines.filter((l) => l.defaulted).length;
    if (defaulted > 0) parts.push(`${defaulted} container(s) on the LimitRange default`);
    return parts.join("; ");
}

/**
 * The dev stack's frame of a devspace (its LimitRange and ResourceQuota) as planned objects, so that a devspace plan,
 * which has neither of its own, is summed against the frame its namespace really has.
 */
export function frameObjects(namespace: string, quota: DevspaceQuota): PlannedObject[] {
    const metadata = { name: "devspace", namespace };
    return [
        {
            type: "kubernetes:core/v1:LimitRange",
            name: "frame-limits",
            inputs: { metadata, spec: limitRangeSpec(quota) },
        },
        {
            type: "kubernetes:core/v1:ResourceQuota",
            name: "frame-quota",
            inputs: { metadata, spec: resourceQuotaSpec(quota) },
        },
    ];
}
