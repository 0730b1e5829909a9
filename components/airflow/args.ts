/**
 * What the Airflow component reads: plain types with their defaults (`withAirflowDefaults`, one pure function). The
 * stack layer maps the Pulumi config to these (stacks/args/airflow.ts); another program can build them by hand.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Cluster, DatabaseConnection } from "../cluster/types";
import { type DefaultsOf, frozen } from "../defaults";
import { type Resources, parseMemory } from "../quantities";

/**
 * The executor. celery-kubernetes is CeleryKubernetesExecutor on 2.x and the multi-executor
 * `CeleryExecutor,KubernetesExecutor` on 3.x; the two explicit forms pin one of them.
 */
export type AirflowExecutor =
    "celery-kubernetes" | "celery" | "kubernetes" | "CeleryKubernetesExecutor" | "CeleryExecutor,KubernetesExecutor";

/** The chart's containers whose requests the component sets. */
export type AirflowComponent =
    | "scheduler"
    | "apiServer"
    | "dagProcessor"
    | "triggerer"
    | "workers"
    | "kubernetesTask"
    | "redis"
    | "pgbouncer"
    | "statsd"
    | "postgres"
    | "gitSync";

/** Requests per Airflow component: small so a shared dev cluster holds several, production-sized with `production`. */
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

/** The defaults that follow `production`: requests, control-plane replicas and the workers' autoscaling bounds. */
export function airflowSizing(production: boolean) {
    return {
        resources: DEFAULT_AIRFLOW_RESOURCES[production ? "production" : "small"],
        /** API server, scheduler, triggerer and DAG processor. */
        replicas: production ? 2 : 1,
        /** One warm worker in production, none otherwise. */
        minWorkers: production ? 1 : 0,
        maxWorkers: production ? 20 : 3,
    };
}

/** How git-sync authenticates to the DAG repository. The secrets become a Kubernetes Secret, never a chart value. */
export type GitCredentials =
    | { kind: "none" }
    | {
          kind: "ssh";
          /** Secret: the deploy key (a missing final newline is added; ssh rejects a key without it). */
          privateKey: pulumi.Input<string>;
          /** known_hosts lines for the ssh host (not secret); required, or git-sync would skip host key checking. */
          knownHosts: string;
      }
    | {
          kind: "https";
          /** Not secret. */
          username: string;
          /** Secret: the token or password. */
          token: pulumi.Input<string>;
      };

/** Where the DAGs come from (git-sync). */
export interface GitSyncArgs {
    /** An https:// or ssh (git@… / ssh://…) Git URL, matching `credentials`. */
    repo: string;
    /** @default "main" */
    branch?: string;
    /** Folder of the DAGs inside the repository. @default "dags" */
    subPath?: string;
    /** Polling period, e.g. "60s". @default "60s" */
    period?: string;
    /** @default { kind: "none" } */
    credentials?: GitCredentials;
}

/** Where task logs go. */
export type AirflowLogs =
    /** One ReadWriteMany claim on the cluster's shared storage class, mounted by every pod. */
    | {
          kind: "shared-volume";
          /** Size of the claim. @default "50Gi" */
          size?: string;
      }
    /** A bucket (s3:// or gs://), written through the cluster's workload identity. */
    | {
          kind: "bucket";
          /** e.g. "s3://my-logs/airflow"; the bucket is the first path segment. */
          baseFolder: string;
      };

/** The metadata database. */
export type AirflowDatabase =
    /** The chart's bundled Postgres (a StatefulSet with a ReadWriteOnce volume). */
    | { kind: "bundled" }
    /** A database outside the chart (the cluster layer's managed one), reached through PgBouncer. */
    | { kind: "external"; connection: DatabaseConnection };

/** KEDA's scaling of the Celery workers (the chart's ScaledObject). */
export interface WorkerAutoscalingArgs {
    /** Applies only with a Celery executor and KEDA in the cluster (`AirflowArgs.keda`). @default true */
    enabled?: boolean;
    /** @default 1 with `production`, else 0 */
    minReplicas?: number;
    /** @default 20 with `production`, else 3 */
    maxReplicas?: number;
    /** KEDA's cooldownPeriod. @default 300 */
    cooldownSeconds?: number;
    /** KEDA's pollingInterval. @default 5 */
    pollingSeconds?: number;
    /** How KEDA's query reaches an external database: through PgBouncer or straight. @default "pgbouncer" */
    connection?: "pgbouncer" | "direct";
}

/** The Celery workers (and, for their resources, the KubernetesExecutor's pod template). */
export interface AirflowWorkersArgs {
    /** Fixed worker count, read only without autoscaling. @default 1 */
    replicas?: number;
    /** Tasks per worker. @default what the worker memory holds: (memory - 256Mi) / memoryPerTask, at least 1 */
    concurrency?: number;
    /** Memory one running task takes on a worker; sizes the default concurrency. @default "384Mi" */
    memoryPerTask?: string;
    /** Warm-shutdown time on drains and scale-downs. @default 3600 */
    terminationGracePeriodSeconds?: number;
    /** @default enabled, bounds from `production` */
    autoscaling?: WorkerAutoscalingArgs;
}

/** The chart's statsd-exporter. */
export interface AirflowStatsdArgs {
    /** Go duration after which the series of a deleted DAG or task expire. @default "48h" */
    mappingTtl?: string;
    /** quay.io/prometheus/statsd-exporter tag; the mapping is written for it. @default "v0.28.0" */
    exporterImageTag?: string;
}

/** What the release's values are made of: plain data (the git credentials' secrets as inputs). */
export interface AirflowSettings {
    /** Namespace of the release. @default "airflow" */
    namespace?: string;
    /** Exact Airflow version (the apache/airflow image tag). @default "3.1.8" */
    version?: string;
    /** Version of the apache-airflow/airflow chart. @default "1.20.0" */
    chartVersion?: string;
    /** @default { repository: "apache/airflow", tag: version } */
    image?: { repository?: string; tag?: string };
    /**
     * Registry prefix that serves Docker Hub (a pull-through cache): every Docker Hub image of the release (Airflow,
     * PgBouncer, Redis, the bundled Postgres) is pulled through it. @default undefined (straight from Docker Hub)
     */
    dockerHubMirror?: string;
    /** @default "celery-kubernetes" */
    executor?: AirflowExecutor;
    /** Airflow 2.x: the Celery queue whose tasks run as KubernetesExecutor pods. @default "kubernetes" */
    kubernetesQueue?: string;
    /** @default one worker's worth of defaults, autoscaled */
    workers?: AirflowWorkersArgs;
    /** `[core] default_task_retries` and `default_task_retry_delay`. @default { retries: 2, retryDelaySeconds: 120 } */
    tasks?: { retries?: number; retryDelaySeconds?: number };
    /** `airflow db clean` as a weekly CronJob. @default { enabled: true, retentionDays: 90 } */
    databaseCleanup?: { enabled?: boolean; retentionDays?: number };
    /** @default 2 with `production`, else 1 */
    apiServerReplicas?: number;
    /** @default 2 with `production`, else 1 */
    schedulerReplicas?: number;
    /** @default 2 with `production`, else 1 */
    triggererReplicas?: number;
    /** @default 2 with `production`, else 1 */
    dagProcessorReplicas?: number;
    dags: GitSyncArgs;
    /** @default { kind: "shared-volume", size: "50Gi" } */
    logs?: AirflowLogs;
    /** Celery Flower, with basic auth from a generated secret; `urlPrefix` is its path behind a shared load balancer. @default { enabled: false } */
    flower?: { enabled?: boolean; urlPrefix?: string };
    /** Requests per component, over the defaults. @default DEFAULT_AIRFLOW_RESOURCES, small or production */
    resources?: Partial<Record<AirflowComponent, Resources>>;
    /** Extra airflow.cfg settings by section. @default {} */
    extraConfig?: Record<string, Record<string, string>>;
    /** Production sizing: PodDisruptionBudgets, two PgBouncers, larger pools and requests. @default false */
    production?: boolean;
    /** @default { mappingTtl: "48h", exporterImageTag: "v0.28.0" } */
    statsd?: AirflowStatsdArgs;
    /** Absolute URL the UI is served at (`base_url`), no trailing slash. @default unset: not exposed */
    baseUrl?: string;
}

/** The Airflow component's Args. */
export interface AirflowArgs extends AirflowSettings {
    /** The cluster layer: provider, placement, storage classes, workload identity. */
    cluster: Cluster;
    /** @default { kind: "bundled" } */
    database?: AirflowDatabase;
    /** Protect the generated keys, the log claim and the key-holding Secrets (`protect`). @default false */
    protect?: boolean;
    /** Create the namespace (a cluster-scoped object); false when the caller owns it. @default true */
    createNamespace?: boolean;
    /**
     * KEDA in the cluster: the release waits for it (its CRDs come with it) and the chart's Celery ScaledObject is
     * turned on. A resource (this program's `Keda`), or `true` when another program installed it.
     * @default unset: fixed `workers.replicas`
     */
    keda?: pulumi.Resource | true;
}

/** `AirflowSettings` with every default applied. */
export interface ResolvedAirflowSettings {
    namespace: string;
    version: string;
    /** 2 or 3: it decides the executor string and the chart's component names. */
    majorVersion: 2 | 3;
    chartVersion: string;
    image: { repository: string; tag: string };
    /** Undefined: images straight from Docker Hub. */
    dockerHubMirror: string | undefined;
    executor: AirflowExecutor;
    kubernetesQueue: string;
    workers: Required<Omit<AirflowWorkersArgs, "replicas" | "autoscaling">> & {
        /** Unset: 1 (read only without autoscaling). */
        replicas?: number;
        autoscaling: Required<WorkerAutoscalingArgs>;
    };
    tasks: { retries: number; retryDelaySeconds: number };
    databaseCleanup: { enabled: boolean; retentionDays: number };
    apiServerReplicas: number;
    schedulerReplicas: number;
    triggererReplicas: number;
    dagProcessorReplicas: number;
    dags: Required<Omit<GitSyncArgs, "credentials">> & { credentials: GitCredentials };
    logs: { kind: "shared-volume"; size: string } | { kind: "bucket"; baseFolder: string };
    flower: { enabled: boolean; urlPrefix?: string };
    resources: Record<AirflowComponent, Resources>;
    extraConfig: Record<string, Record<string, string>>;
    production: boolean;
    statsd: Required<AirflowStatsdArgs>;
    baseUrl?: string;
}

/** `AirflowArgs` with every default applied. */
export interface ResolvedAirflowArgs extends ResolvedAirflowSettings {
    cluster: Cluster;
    database: AirflowDatabase;
    protect: boolean;
    createNamespace: boolean;
    keda?: pulumi.Resource | true;
}

/**
 * Every default of the Airflow component that is a value (the ones that follow `production` are `airflowSizing`'s).
 * `withAirflowDefaults` reads it, and so do the config schema's defaults (stacks/config/schema.ts).
 */
export const AIRFLOW_DEFAULTS = frozen({
    namespace: "airflow",
    // Chart 1.20.0's appVersion (its chart/Chart.yaml, as apache/airflow#64081 shows when bumping it to 1.21.0).
    version: "3.1.8",
    chartVersion: "1.20.0",
    /** The image's tag defaults to `version`. */
    image: { repository: "apache/airflow" },
    executor: "celery-kubernetes",
    kubernetesQueue: "kubernetes",
    workers: {
        /** Read only without autoscaling: the resolved `workers.replicas` stays unset, as the chart's check needs. */
        replicas: 1,
        memoryPerTask: "384Mi",
        terminationGracePeriodSeconds: 3600,
        autoscaling: { enabled: true, cooldownSeconds: 300, pollingSeconds: 5, connection: "pgbouncer" },
    },
    tasks: { retries: 2, retryDelaySeconds: 120 },
    databaseCleanup: { enabled: true, retentionDays: 90 },
    dags: { branch: "main", subPath: "dags", period: "60s", credentials: { kind: "none" } },
    logs: { kind: "shared-volume", size: "50Gi" },
    flower: { enabled: false },
    extraConfig: {},
    production: false,
    statsd: { mappingTtl: "48h", exporterImageTag: "v0.28.0" },
    database: { kind: "bundled" },
    protect: false,
    createNamespace: true,
} as const satisfies DefaultsOf<ResolvedAirflowArgs>);

/** The defaults, applied once. Pure. */
export function withAirflowDefaults(args: AirflowArgs): ResolvedAirflowArgs;
export function withAirflowDefaults(args: AirflowSettings): ResolvedAirflowSettings;
export function withAirflowDefaults(
    args: AirflowSettings | AirflowArgs,
): ResolvedAirflowSettings | ResolvedAirflowArgs {
    const D = AIRFLOW_DEFAULTS;
    const production = args.production ?? D.production;
    const sizing = airflowSizing(production);
    const version = args.version ?? D.version;
    const resources = { ...sizing.resources };
    for (const [name, value] of Object.entries(args.resources ?? {}))
        if (value) resources[name as AirflowComponent] = value;
    const workers = args.workers ?? {};
    const memoryPerTask = workers.memoryPerTask ?? D.workers.memoryPerTask;
    const scaling = workers.autoscaling ?? {};
    const logs = args.logs ?? { kind: D.logs.kind };
    const settings: ResolvedAirflowSettings = {
        namespace: args.namespace ?? D.namespace,
        version,
        majorVersion: Number(version.split(".")[0]) >= 3 ? 3 : 2,
        chartVersion: args.chartVersion ?? D.chartVersion,
        image: { repository: args.image?.repository ?? D.image.repository, tag: args.image?.tag ?? version },
        dockerHubMirror: args.dockerHubMirror,
        executor: args.executor ?? D.executor,
        kubernetesQueue: args.kubernetesQueue ?? D.kubernetesQueue,
        workers: {
            ...(workers.replicas !== undefined ? { replicas: workers.replicas } : {}),
            concurrency: workers.concurrency ?? workerConcurrencyFor(resources.workers.memory, memoryPerTask),
            memoryPerTask,
            terminationGracePeriodSeconds:
                workers.terminationGracePeriodSeconds ?? D.workers.terminationGracePeriodSeconds,
            autoscaling: {
                enabled: scaling.enabled ?? D.workers.autoscaling.enabled,
                minReplicas: scaling.minReplicas ?? sizing.minWorkers,
                maxReplicas: scaling.maxReplicas ?? sizing.maxWorkers,
                cooldownSeconds: scaling.cooldownSeconds ?? D.workers.autoscaling.cooldownSeconds,
                pollingSeconds: scaling.pollingSeconds ?? D.workers.autoscaling.pollingSeconds,
                connection: scaling.connection ?? D.workers.autoscaling.connection,
            },
        },
        tasks: {
            retries: args.tasks?.retries ?? D.tasks.retries,
            retryDelaySeconds: args.tasks?.retryDelaySeconds ?? D.tasks.retryDelaySeconds,
        },
        databaseCleanup: {
            enabled: args.databaseCleanup?.enabled ?? D.databaseCleanup.enabled,
            retentionDays: args.databaseCleanup?.retentionDays ?? D.databaseCleanup.retentionDays,
        },
        apiServerReplicas: args.apiServerReplicas ?? sizing.replicas,
        schedulerReplicas: args.schedulerReplicas ?? sizing.replicas,
        triggererReplicas: args.triggererReplicas ?? sizing.replicas,
        dagProcessorReplicas: args.dagProcessorReplicas ?? sizing.replicas,
        dags: {
            repo: args.dags.repo,
            branch: args.dags.branch ?? D.dags.branch,
            subPath: args.dags.subPath ?? D.dags.subPath,
            period: args.dags.period ?? D.dags.period,
            credentials: args.dags.credentials ?? { ...D.dags.credentials },
        },
        logs: logs.kind === "shared-volume" ? { kind: "shared-volume", size: logs.size ?? D.logs.size } : logs,
        flower: {
            enabled: args.flower?.enabled ?? D.flower.enabled,
            ...(args.flower?.urlPrefix !== undefined ? { urlPrefix: args.flower.urlPrefix } : {}),
        },
        resources,
        extraConfig: args.extraConfig ?? { ...D.extraConfig },
        production,
        statsd: {
            mappingTtl: args.statsd?.mappingTtl ?? D.statsd.mappingTtl,
            exporterImageTag: args.statsd?.exporterImageTag ?? D.statsd.exporterImageTag,
        },
        ...(args.baseUrl !== undefined ? { baseUrl: args.baseUrl } : {}),
    };
    if (!("cluster" in args)) return settings;
    return {
        ...settings,
        cluster: args.cluster,
        database: args.database ?? { ...D.database },
        protect: args.protect ?? D.protect,
        createNamespace: args.createNamespace ?? D.createNamespace,
        ...(args.keda !== undefined ? { keda: args.keda } : {}),
    };
}
