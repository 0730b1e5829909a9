/** Defaults that depend on the cloud or the environment, in one place. */
import { parseMemory } from "../../components/quantities";
import type { AirflowResourceOverrides, Resources } from "./schema";

/** Default pools per cloud: general-purpose on-demand nodes, and several spot types for capacity diversity. */
export const DEFAULT_NODE_POOLS: Record<"gke" | "eks", { onDemand: string[]; spot: string[] }> = {
    // Three families (Intel N2, AMD N2D, shared-core E2) of the same size: a stockout of one family leaves the others.
    gke: { onDemand: ["e2-standard-4"], spot: ["n2-standard-4", "n2d-standard-4", "e2-standard-4"] },
    // Two spot groups (m: 4 vCPU/16 GiB, r: 4 vCPU/32 GiB), each of several generations and vendors.
    eks: {
        onDemand: ["m6i.xlarge"],
        spot: ["m6i.xlarge", "m6a.xlarge", "m5.xlarge", "m7i.xlarge", "r6i.xlarge", "r5.xlarge"],
    },
};

export type AirflowComponent = keyof AirflowResourceOverrides;

/** Requests per Airflow component: small in dev so a shared cluster holds several, production-sized in prod. */
export const DEFAULT_AIRFLOW_RESOURCES: Record<"small" | "production", Record<AirflowComponent, Resources>> = {
    small: {
        scheduler: { cpu: "250m", memory: "512Mi" },
        apiServer: { cpu: "200m", memory: "768Mi" },
        dagProcessor: { cpu: "100m", memory: "384Mi" },
        triggerer: { cpu: "100m", memory: "256Mi" },
        workers: { cpu: "250m", memory: "768Mi" },
        kubernetesTask: { cpu: "100m", memory: "256Mi" },
        redis: { cpu: "50m", memory: "64Mi" },
        pgbouncer: { cpu: "50m", memory: "64Mi" },
        statsd: { cpu: "50m", memory: "64Mi" },
        postgres: { cpu: "100m", memory: "256Mi" },
        gitSync: { cpu: "25m", memory: "64Mi" },
    },
    production: {
        scheduler: { cpu: "1", memory: "2Gi" },
        apiServer: { cpu: "500m", memory: "2Gi" },
        dagProcessor: { cpu: "500m", memory: "1Gi" },
        triggerer: { cpu: "250m", memory: "512Mi" },
        workers: { cpu: "1", memory: "4Gi" },
        kubernetesTask: { cpu: "500m", memory: "1Gi" },
        redis: { cpu: "100m", memory: "256Mi" },
        pgbouncer: { cpu: "100m", memory: "128Mi" },
        // 1,000 DAGs x 10 tasks: about 214 MiB estimated, x1.25 headroom (npm run series; docs/observability.md "Sizing").
        statsd: { cpu: "100m", memory: "288Mi" },
        postgres: { cpu: "250m", memory: "512Mi" },
        gitSync: { cpu: "50m", memory: "64Mi" },
    },
};

/** What a Celery worker's own process (Celery and Airflow imported, no task) holds, before any task runs. */
export const CELERY_WORKER_BASE_MEMORY = "256Mi";

/**
 * Default `[celery] worker_concurrency`: as many tasks as the worker's memory holds beside the worker process, at least
 * one. The container's memory limit is its request, so an over-committed worker is OOM-killed with every task on it.
 */
export function workerConcurrencyFor(workerMemory: string, memoryPerTask: string): number {
    const free = parseMemory(workerMemory) - parseMemory(CELERY_WORKER_BASE_MEMORY);
    return Math.max(1, Math.floor(free / parseMemory(memoryPerTask)));
}
