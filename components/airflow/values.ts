/**
 * The Helm values of the apache-airflow/airflow chart, as a pure function of typed config. No Pulumi here: the
 * component resolves its Outputs (storage class, service account annotations) first and then calls `airflowValues`,
 * so that tests can check the values directly and against the chart's values.schema.json.
 *
 * Every credential reaches the chart as the NAME of a Kubernetes Secret the component created; the values themselves
 * hold no secret, so the Helm release's inputs stay readable in the plan and in the state.
 */
import type { Placement, PoolPlacements } from "../cluster/types";
import { STATSD_MAPPING_CHECKSUM_ANNOTATION, statsdMappingChecksum } from "@airflow-platform/airflow-mixin";
import { AIRFLOW_STATSD_SERVICE } from "./statsd-service";
import { createHash } from "crypto";
import { type Resources, containerResources } from "../quantities";
import { AIRFLOW_DEFAULTS, type ResolvedAirflowSettings } from "./args";
import { dockerHubMirrorParts, viaDockerHubMirror } from "../images";

/** The Helm release name; the chart then names its objects `airflow-…`. */
export const AIRFLOW_RELEASE_NAME = "airflow";

/** Ports the chart gives its services (chart defaults; the component does not change them). */
export const AIRFLOW_PORTS = {
    /** API server (3.x) and webserver (2.x) service port. */
    ui: 8080,
    flower: 5555,
    pgbouncer: 6543,
    postgres: 5432,
} as const;

/**
 * Labels of the bundled Postgres pod: the chart's dependency, bitnami postgresql 13.2.24, labels its primary with
 * `app.kubernetes.io/name` (the chart's name) and `app.kubernetes.io/component: primary` (primary/statefulset.yaml).
 */
export const BUNDLED_POSTGRES_POD_LABELS = {
    "app.kubernetes.io/name": "postgresql",
    "app.kubernetes.io/component": "primary",
} as const;

/** The keys the chart reads in each Secret it is given by name. */
export const CHART_SECRET_KEYS = {
    fernet: "fernet-key",
    webserverSecretKey: "webserver-secret-key",
    apiSecretKey: "api-secret-key",
    jwt: "jwt-secret",
    /** `data.metadataSecretName`, `data.brokerUrlSecretName`, pgbouncer `statsSecretName`. */
    connection: "connection",
    /** KEDA's own connection in the metadata Secret, read when PgBouncer is on and `workers.keda.usePgbouncer` is false. */
    kedaConnection: "kedaConnection",
    redisPassword: "password",
    /** The bitnami postgresql subchart's `auth.secretKeys.adminPasswordKey` default. */
    postgresPassword: "postgres-password",
    /** git-sync: the chart mounts this key of `dags.gitSync.sshKeySecret` as the private key. */
    gitSshKey: "gitSshKey",
    flowerBasicAuth: "basicAuth",
    adminPassword: "password",
} as const;

/** Env var of the create-user job that holds the generated admin password; Kubernetes expands `$(NAME)` in args. */
export const ADMIN_PASSWORD_ENV = "AIRFLOW_ADMIN_PASSWORD";

/** Names of the Kubernetes Secrets the component creates and the chart reads. */
export interface AirflowSecretNames {
    fernetKey: string;
    webserverSecretKey: string;
    apiSecretKey: string;
    jwtSecret: string;
    metadata: string;
    brokerUrl: string;
    redisPassword: string;
    adminPassword: string;
    /** git-sync ssh key (`gitSshKey`) or HTTPS credentials (GITSYNC_USERNAME/GITSYNC_PASSWORD and the v3 names). */
    gitCredentials?: string;
    flower?: string;
    /** PgBouncer's own pgbouncer.ini + users.txt, when it fronts the managed database. */
    pgbouncerConfig?: string;
    pgbouncerStats?: string;
    /** Admin password of the bundled Postgres. */
    postgresAuth?: string;
}

/** The chart components whose service accounts write or read task logs in a bucket (remote logging). */
export const LOG_WRITERS = ["workers", "scheduler", "triggerer", "dagProcessor", "ui"] as const;
export type LogWriter = (typeof LOG_WRITERS)[number];

export type LogsPlan =
    | { mode: "shared-volume"; claimName: string }
    | {
          mode: "remote";
          baseFolder: string;
          serviceAccountAnnotations: Partial<Record<LogWriter, Record<string, string>>>;
      };

/** The statsd-exporter image the chart runs; its tag comes from `statsd.exporterImageTag`. */
export const STATSD_EXPORTER_IMAGE = "quay.io/prometheus/statsd-exporter";

/** The chart's Docker Hub images beside Airflow's (values.yaml `images.*`, `postgresql.image` of chart 1.20.0-dev). */
export const CHART_DOCKER_HUB_IMAGES = {
    redis: "redis",
    pgbouncer: "apache/airflow",
    pgbouncerExporter: "apache/airflow",
    postgresql: "bitnamilegacy/postgresql",
} as const;

export interface AirflowValuesInput {
    airflow: ResolvedAirflowSettings;
    releaseName: string;
    placement: PoolPlacements;
    databaseMode: "bundled" | "managed";
    secretNames: AirflowSecretNames;
    logs: LogsPlan;
    /** Absolute URL the UI is served at; unset when it is not exposed. */
    baseUrl?: string;
    /** The statsd-exporter mapping list (`statsd.overrideMappings`). */
    statsdMappings: unknown[];
    /** `[metrics] statsd_prefix`; must be the prefix the mapping's globs start with. */
    statsdPrefix: string;
    /** Tag of the chart's statsd-exporter image (quay.io/prometheus/statsd-exporter); the mapping is written for it. */
    statsdExporterImageTag: string;
    /** The path Flower is served under behind the shared load balancer (`[celery] flower_url_prefix`); unset: `/`. */
    flowerUrlPrefix?: string;
    /** Production: PodDisruptionBudgets and two PgBouncers. */
    production: boolean;
    /** The cluster's ReadWriteOnce StorageClass for Redis' and the bundled Postgres' volumes; empty or unset: the cluster's default. */
    blockStorageClassName?: string;
    /** KEDA runs in the cluster (its CRDs exist), so the chart's Celery ScaledObject can be created. Default: false. */
    kedaInstalled?: boolean;
    /** Hashes of the Secrets the component owns, as pod annotations, so that a changed Secret rolls the pods that read it. */
    secretChecksums?: SecretChecksums;
}

/** sha256 of the data of the Secrets each group of pods reads (the chart hashes only the Secrets it renders itself). */
export interface SecretChecksums {
    /** Every Secret the Airflow pods read: keys, connections, broker URL, git credentials. */
    airflow: string;
    pgbouncer?: string;
    redis?: string;
    flower?: string;
}

/** sha256 of Secrets' data, in a stable order: keys sorted, so only a changed value changes it. */
export function checksumOf(secrets: [string, Record<string, string>][]): string {
    const canonical = secrets
        .map(
            ([name, data]) =>
                [
                    name,
                    Object.keys(data)
                        .sort()
                        .map((k) => [k, data[k]]),
                ] as const,
        )
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

/** The pod annotation that carries a checksum; a new value rolls the pods. */
export const SECRETS_CHECKSUM_ANNOTATION = "checksum/airflow-platform-secrets";
/**
 * Flower's own Secret's checksum, under another key: flower-deployment.yaml merges `flower.podAnnotations` over
 * `airflowPodAnnotations` (mustMerge, first wins), and Flower reads the Airflow Secrets too.
 */
export const FLOWER_SECRET_CHECKSUM_ANNOTATION = "checksum/airflow-platform-flower-secret";

/** `[core] hostname_callable`: a Celery worker is a Deployment pod with no DNS name of its own, but a routable IP. */
export const HOSTNAME_CALLABLE = "airflow.utils.net.get_host_ip_address";

/** The restricted Pod Security Standard's settings, for every pod and container that runs the Airflow image. */
export const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
} as const;

/** A pod security context: a fixed non-root user, RuntimeDefault seccomp; `fsGroup` makes mounted volumes writable. */
function restrictedPod(uid: number, gid: number) {
    return {
        runAsUser: uid,
        runAsGroup: gid,
        fsGroup: gid,
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The chart's image users (values.yaml `uid`/`gid`, `statsd.uid`, `pgbouncer.uid`, `dags.gitSync.uid`) and redis' own. */
export const CHART_UIDS = {
    airflow: 50000,
    airflowGid: 0,
    statsd: 65534,
    pgbouncer: 65534,
    gitSync: 65533,
    redis: 999,
} as const;

/** What the stack's `airflow.executor` becomes for the chart and airflow.cfg. */
export interface ExecutorSetting {
    /** The chart's `executor` value, which is also `[core] executor`. */
    executor: string;
    /** airflow.cfg sections the executor needs. */
    config: Record<string, Record<string, string>>;
    usesCelery: boolean;
    usesKubernetes: boolean;
}

/**
 * The executor string. celery-kubernetes is CeleryKubernetesExecutor on 2.x (tasks on `kubernetes_queue` get their own
 * pod) and the multi-executor on 3.x, which removed CeleryKubernetesExecutor (tasks pick `executor="KubernetesExecutor"`).
 * The chart's schema accepts a comma-separated list without spaces (`^(…Executor)(,(…Executor))*$`).
 */
export function executorSetting(
    airflow: Pick<ResolvedAirflowSettings, "executor" | "majorVersion" | "kubernetesQueue">,
): ExecutorSetting {
    const celeryKubernetes2x = {
        executor: "CeleryKubernetesExecutor",
        config: { celery_kubernetes_executor: { kubernetes_queue: airflow.kubernetesQueue } },
        usesCelery: true,
        usesKubernetes: true,
    };
    const multi = { executor: "CeleryExecutor,KubernetesExecutor", config: {}, usesCelery: true, usesKubernetes: true };
    switch (airflow.executor) {
        case "celery":
            return { executor: "CeleryExecutor", config: {}, usesCelery: true, usesKubernetes: false };
        case "kubernetes":
            return { executor: "KubernetesExecutor", config: {}, usesCelery: false, usesKubernetes: true };
        case "CeleryKubernetesExecutor":
            if (airflow.majorVersion >= 3)
                throw new Error("CeleryKubernetesExecutor does not exist in Airflow 3 (the config check rejects it)");
            return celeryKubernetes2x;
        case "CeleryExecutor,KubernetesExecutor":
            return multi;
        case "celery-kubernetes":
            return airflow.majorVersion >= 3 ? multi : celeryKubernetes2x;
    }
}

/** The chart's `airflow.fullname`: the release name when it contains "airflow", else `<release>-airflow`. */
export function chartFullname(releaseName: string): string {
    const name = releaseName.includes("airflow") ? releaseName : `${releaseName}-airflow`;
    return name.slice(0, 63).replace(/-+$/, "");
}

/** Services other components route to or scrape. */
export function airflowServiceNames(releaseName: string, majorVersion: 2 | 3) {
    const fullname = chartFullname(releaseName);
    return {
        ui: `${fullname}-${majorVersion >= 3 ? "api-server" : "webserver"}`,
        flower: `${fullname}-flower`,
        statsd: `${fullname}-statsd`,
        // The chart names PgBouncer and the bundled Postgres after the release, not the fullname.
        pgbouncer: `${releaseName}-pgbouncer`,
        postgres: `${releaseName}-postgresql`,
    };
}

// Sidecars with no config key of their own: the log groomer (bash + find) and PgBouncer's exporter.
const LOG_GROOMER: Resources = { cpu: "10m", memory: "64Mi" };
const PGBOUNCER_EXPORTER: Resources = { cpu: "10m", memory: "32Mi" };
// Flower imports Airflow and Celery; it has no config key either, as it is a debugging aid.
const FLOWER: Resources = { cpu: "50m", memory: "512Mi" };

function place(p: Placement) {
    return { nodeSelector: { ...p.nodeSelector }, tolerations: p.tolerations.map((t) => ({ ...t })) };
}

/**
 * The workers' placement (Celery workers and the KubernetesExecutor pod template). The chart takes
 * `or .Values.workers.nodeSelector .Values.nodeSelector` (worker-deployment.yaml, pod-template-file): an empty selector
 * would fall back to the global on-demand one, so an empty one becomes a selector every Linux node matches. A given
 * affinity replaces the chart's default, so its preferred anti-affinity between workers is kept alongside.
 */
function placeWorkers(p: Placement) {
    const nodeSelector =
        Object.keys(p.nodeSelector).length > 0 ? { ...p.nodeSelector } : { "kubernetes.io/os": "linux" };
    const spreadWorkers = {
        preferredDuringSchedulingIgnoredDuringExecution: [
            {
                weight: 100,
                podAffinityTerm: {
                    labelSelector: { matchLabels: { component: "worker" } },
                    topologyKey: "kubernetes.io/hostname",
                },
            },
        ],
    };
    return {
        nodeSelector,
        ...(p.affinity ? { affinity: { ...structuredClone(p.affinity), podAntiAffinity: spreadWorkers } } : {}),
        tolerations: p.tolerations.map((t) => ({ ...t })),
    };
}

function pdb(enabled: boolean) {
    return { podDisruptionBudget: { enabled, config: { maxUnavailable: 1 } } };
}

/** The Helm values for the apache-airflow/airflow chart. */
export function airflowValues(input: AirflowValuesInput): Record<string, unknown> {
    const { airflow: a, placement, secretNames: s, releaseName } = input;
    const r = a.resources;
    const v3 = a.majorVersion >= 3;
    const exec = executorSetting(a);
    const names = airflowServiceNames(releaseName, a.majorVersion);
    const onDemand = place(placement.onDemand);
    const spot = placeWorkers(placement.workers ?? placement.spot);
    const imageTag = a.image.tag;
    const mirror = a.dockerHubMirror;
    const airflowRepository = viaDockerHubMirror(a.image.repository, mirror);
    // Only the repository: the chart's default tag stays. Unset without a mirror, so today's values are unchanged.
    const mirrored = (chartImage: keyof typeof CHART_DOCKER_HUB_IMAGES) =>
        mirror ? { [chartImage]: { repository: viaDockerHubMirror(CHART_DOCKER_HUB_IMAGES[chartImage], mirror) } } : {};
    const postgresImage = dockerHubMirrorParts(CHART_DOCKER_HUB_IMAGES.postgresql, mirror);
    const remote = input.logs.mode === "remote" ? input.logs : undefined;
    const saAnnotations = (who: LogWriter) => ({
        serviceAccount: { annotations: { ...(remote?.serviceAccountAnnotations[who] ?? {}) } },
    });
    const jobs = { resources: containerResources(r.scheduler), ...onDemand };
    // Unset (not empty) leaves the claim to the cluster's default class; an empty class name would disable provisioning.
    const blockClass = input.blockStorageClassName;
    // On the shared volume one groomer (the scheduler's) trims the one log tree; remote logs leave each pod its own emptyDir.
    const groomer = (enabled: boolean) => ({
        logGroomerSidecar: enabled ? { resources: containerResources(LOG_GROOMER) } : { enabled: false },
    });
    const ownGroomer = input.logs.mode === "remote";
    const sums = input.secretChecksums;
    const checksum = (sum: string | undefined) =>
        sum ? { podAnnotations: { [SECRETS_CHECKSUM_ANNOTATION]: sum } } : {};
    const keda = exec.usesCelery && a.workers.autoscaling.enabled && input.kedaInstalled === true;
    const scaling = a.workers.autoscaling;

    const uiComponent = {
        replicas: a.apiServerReplicas,
        resources: containerResources(r.apiServer),
        ...onDemand,
        ...pdb(input.production && a.apiServerReplicas > 1),
        ...saAnnotations("ui"),
    };

    const config: Record<string, Record<string, string>> = {
        core: {
            // The API server fetches a running task's log from the worker's log server by this name.
            hostname_callable: HOSTNAME_CALLABLE,
            // A reclaimed spot node fails its running tasks (heartbeat timeout); retries bring them back. DAGs may override.
            default_task_retries: String(a.tasks.retries),
            default_task_retry_delay: String(a.tasks.retryDelaySeconds),
        },
        celery: {
            worker_concurrency: String(a.workers.concurrency),
            ...(input.flowerUrlPrefix ? { flower_url_prefix: input.flowerUrlPrefix } : {}),
        },
        metrics: {
            statsd_on: "True",
            statsd_host: names.statsd,
            statsd_port: String(AIRFLOW_STATSD_SERVICE.ingestPort.port),
            statsd_prefix: input.statsdPrefix,
        },
        ...exec.config,
    };
    if (input.baseUrl)
        config[v3 ? "api" : "webserver"] = { ...(config[v3 ? "api" : "webserver"] ?? {}), base_url: input.baseUrl };
    // [core] execution_api_server_url is left to the chart: its configmap.yaml points it at the API server's Service and
    // keeps base_url's sub-path.
    if (remote) {
        const s3 = remote.baseFolder.startsWith("s3://");
        config.logging = {
            remote_logging: "True",
            remote_base_log_folder: remote.baseFolder,
            remote_log_conn_id: s3 ? "aws_default" : "google_cloud_default",
            // Each pod's local logs are an emptyDir; once uploaded they are only in the way.
            delete_local_logs: "True",
        };
    }
    for (const [section, entries] of Object.entries(a.extraConfig))
        config[section] = { ...(config[section] ?? {}), ...entries };

    const values: Record<string, unknown> = {
        airflowVersion: a.version,
        defaultAirflowRepository: airflowRepository,
        defaultAirflowTag: imageTag,
        images: {
            airflow: { repository: airflowRepository, tag: imageTag },
            statsd: { repository: STATSD_EXPORTER_IMAGE, tag: input.statsdExporterImageTag },
            ...mirrored("redis"),
            ...mirrored("pgbouncer"),
            ...mirrored("pgbouncerExporter"),
        },
        executor: exec.executor,
        // Anything without its own placement (future chart components) lands on on-demand nodes.
        ...onDemand,
        // Read by every pod running the Airflow image (and the KubernetesExecutor pod template) without its own.
        securityContexts: {
            pod: restrictedPod(CHART_UIDS.airflow, CHART_UIDS.airflowGid),
            containers: { ...RESTRICTED_CONTAINER },
        },
        // Merged into the annotations of every Airflow pod template: the chart's checksums miss the Secrets we own.
        ...(sums ? { airflowPodAnnotations: { [SECRETS_CHECKSUM_ANNOTATION]: sums.airflow } } : {}),

        fernetKeySecretName: s.fernetKey,
        webserverSecretKeySecretName: s.webserverSecretKey,
        apiSecretKeySecretName: s.apiSecretKey,
        jwtSecretName: s.jwtSecret,
        data: { metadataSecretName: s.metadata, brokerUrlSecretName: s.brokerUrl },

        scheduler: {
            replicas: a.schedulerReplicas,
            resources: containerResources(r.scheduler),
            ...groomer(true),
            ...onDemand,
            ...pdb(input.production && a.schedulerReplicas > 1),
            ...saAnnotations("scheduler"),
        },
        // Standalone DAG processor on 2.x too: parsing DAGs stays out of the scheduler's loop.
        dagProcessor: {
            enabled: true,
            replicas: a.dagProcessorReplicas,
            resources: containerResources(r.dagProcessor),
            ...groomer(ownGroomer),
            ...onDemand,
            ...pdb(input.production && a.dagProcessorReplicas > 1),
            ...saAnnotations("dagProcessor"),
        },
        triggerer: {
            resources: containerResources(r.triggerer),
            // Logs go to the shared volume or the bucket; no per-triggerer PVC.
            persistence: { enabled: false },
            replicas: a.triggererReplicas,
            ...groomer(ownGroomer),
            ...onDemand,
            ...pdb(input.production && a.triggererReplicas > 1),
            ...saAnnotations("triggerer"),
        },
        ...(v3 ? { apiServer: uiComponent } : { webserver: uiComponent }),

        // Celery workers and the KubernetesExecutor pod template (both read `workers`): the only spot workloads.
        workers: {
            // worker-deployment.yaml reads it only without KEDA (`if and (not $keda) (not $hpa)`).
            ...(keda ? {} : { replicas: a.workers.replicas ?? AIRFLOW_DEFAULTS.workers.replicas }),
            resources: containerResources(exec.usesCelery ? r.workers : r.kubernetesTask),
            terminationGracePeriodSeconds: a.workers.terminationGracePeriodSeconds,
            // A Deployment, not a StatefulSet with a PVC per worker: logs live on the shared volume or in the bucket.
            // Both keys: 1.20 falls back from a null `celery.persistence.enabled` to the deprecated one; later charts
            // default the new key to true and ignore the old one.
            persistence: { enabled: false },
            celery: { persistence: { enabled: false } },
            // The chart's worker log groomer runs only beside the StatefulSet's own volume, which is off.
            // KEDA's ScaledObject (worker-kedaautoscaler.yaml) owns the replica count; its query counts queued and running
            // Celery tasks, divided by worker_concurrency, and leaves the KubernetesExecutor's tasks out.
            keda: {
                enabled: keda,
                ...(keda
                    ? {
                          minReplicaCount: scaling.minReplicas,
                          maxReplicaCount: scaling.maxReplicas,
                          cooldownPeriod: scaling.cooldownSeconds,
                          pollingInterval: scaling.pollingSeconds,
                          usePgbouncer: scaling.connection === "pgbouncer",
                      }
                    : {}),
            },
            safeToEvict: false,
            ...spot,
            ...saAnnotations("workers"),
        },

        redis: {
            enabled: exec.usesCelery,
            passwordSecretName: s.redisPassword,
            // The broker's queue survives a restart of Redis (the chart's default volume, on the cluster's block class).
            persistence: { enabled: true, ...(blockClass ? { storageClassName: blockClass } : {}) },
            resources: containerResources(r.redis),
            // The chart runs redis-server as root (redis.uid 0); the image's own redis user needs nothing more.
            securityContexts: {
                pod: restrictedPod(CHART_UIDS.redis, CHART_UIDS.redis),
                container: { ...RESTRICTED_CONTAINER },
            },
            ...checksum(sums?.redis),
            ...onDemand,
        },
        flower: {
            enabled: a.flower.enabled && exec.usesCelery,
            ...(s.flower ? { secretName: s.flower } : {}),
            resources: containerResources(FLOWER),
            ...(sums?.flower ? { podAnnotations: { [FLOWER_SECRET_CHECKSUM_ANNOTATION]: sums.flower } } : {}),
            ...onDemand,
        },
        statsd: {
            enabled: true,
            // Sized from packages/airflow-mixin/src/exporter-sizing.ts (docs/observability.md, "Sizing").
            resources: containerResources(r.statsd),
            overrideMappings: input.statsdMappings,
            // The exporter reads its mapping only at start: a changed mapping must roll its pod.
            podAnnotations: { [STATSD_MAPPING_CHECKSUM_ANNOTATION]: statsdMappingChecksum(input.statsdMappings) },
            // statsd/statsd-deployment.yaml reads only these (localPodSecurityContext, externalContainerSecurityContext).
            securityContexts: {
                pod: restrictedPod(CHART_UIDS.statsd, CHART_UIDS.statsd),
                container: { ...RESTRICTED_CONTAINER },
            },
            ...onDemand,
        },
        pgbouncer:
            input.databaseMode === "managed"
                ? {
                      enabled: true,
                      replicas: input.production ? 2 : 1,
                      configSecretName: s.pgbouncerConfig,
                      resources: containerResources(r.pgbouncer),
                      metricsExporterSidecar: {
                          resources: containerResources(PGBOUNCER_EXPORTER),
                          // The chart reads the key `connection` when statsSecretKey is left unset.
                          statsSecretName: s.pgbouncerStats,
                          securityContexts: { container: { ...RESTRICTED_CONTAINER } },
                      },
                      securityContexts: {
                          pod: restrictedPod(CHART_UIDS.pgbouncer, CHART_UIDS.pgbouncer),
                          container: { ...RESTRICTED_CONTAINER },
                      },
                      // pgbouncer.ini is mounted by subPath, which never updates in place: only a new pod reads a new one.
                      ...checksum(sums?.pgbouncer),
                      ...pdb(input.production),
                      ...onDemand,
                  }
                : { enabled: false, resources: containerResources(r.pgbouncer), ...onDemand },
        postgresql:
            input.databaseMode === "bundled"
                ? {
                      enabled: true,
                      // bitnami's common.images.image joins `image.registry` and `image.repository`.
                      ...(postgresImage ? { image: postgresImage } : {}),
                      auth: { enablePostgresUser: true, existingSecret: s.postgresAuth },
                      primary: {
                          resources: containerResources(r.postgres),
                          // The bitnami subchart names the key `storageClass`, not `storageClassName`.
                          ...(blockClass ? { persistence: { enabled: true, storageClass: blockClass } } : {}),
                          ...onDemand,
                      },
                  }
                : { enabled: false },

        migrateDatabaseJob: { ...jobs },
        createUserJob: {
            ...jobs,
            defaultUser: {
                role: "Admin",
                username: "admin",
                email: "admin@example.com",
                firstName: "Airflow",
                lastName: "Admin",
                password: `$(${ADMIN_PASSWORD_ENV})`,
            },
            env: [
                {
                    name: ADMIN_PASSWORD_ENV,
                    valueFrom: { secretKeyRef: { name: s.adminPassword, key: CHART_SECRET_KEYS.adminPassword } },
                },
            ],
        },
        // Failed and finished KubernetesExecutor pods the executor left behind (`airflow kubernetes cleanup-pods`).
        cleanup: { enabled: exec.usesKubernetes, ...jobs },
        // `airflow db clean` on the chart's weekly schedule; no archive tables, so the database really shrinks.
        databaseCleanup: {
            enabled: a.databaseCleanup.enabled,
            retentionDays: a.databaseCleanup.retentionDays,
            skipArchive: true,
            ...jobs,
        },

        dags: {
            gitSync: {
                enabled: true,
                repo: a.dags.repo,
                branch: a.dags.branch,
                ref: a.dags.branch,
                rev: "HEAD",
                depth: 1,
                subPath: a.dags.subPath,
                period: a.dags.period,
                resources: containerResources(r.gitSync),
                securityContexts: { container: { ...RESTRICTED_CONTAINER, runAsUser: CHART_UIDS.gitSync } },
                ...(a.dags.credentials.kind === "ssh"
                    ? {
                          sshKeySecret: s.gitCredentials,
                          ...(a.dags.credentials.knownHosts ? { knownHosts: a.dags.credentials.knownHosts } : {}),
                      }
                    : {}),
                ...(a.dags.credentials.kind === "https" ? { credentialsSecret: s.gitCredentials } : {}),
            },
        },
        logs:
            input.logs.mode === "shared-volume"
                ? { persistence: { enabled: true, existingClaim: input.logs.claimName } }
                : { persistence: { enabled: false } },
        config,
    };
    return values;
}

export interface MetadataConnectionInput {
    releaseName: string;
    namespace: string;
    user: string;
    password: string;
    /** The managed database behind PgBouncer; unset: the chart's bundled Postgres. */
    managed?: { host: string; port: number; database: string };
    /** KEDA's query goes straight to the managed database (`workers.keda.usePgbouncer: false`). */
    kedaDirect: boolean;
}

/**
 * The metadata Secret's keys: `connection` (Airflow, and KEDA through the worker's AIRFLOW_CONN_AIRFLOW_DB) and, when
 * KEDA bypasses PgBouncer, `kedaConnection` (the chart's KEDA_DB_CONN). Hosts carry the namespace: KEDA's operator
 * resolves them from its own.
 */
export function metadataConnections(o: MetadataConnectionInput): Record<string, string> {
    const names = airflowServiceNames(o.releaseName, 3);
    const url = (host: string, port: number, database: string, sslmode: string) =>
        `postgresql://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@${host}:${port}/${database}?sslmode=${sslmode}`;
    if (!o.managed)
        return {
            [CHART_SECRET_KEYS.connection]: url(
                `${names.postgres}.${o.namespace}`,
                AIRFLOW_PORTS.postgres,
                "postgres",
                "disable",
            ),
        };
    return {
        // PgBouncer's database alias; PgBouncer itself talks TLS to the managed database (pgbouncerIni).
        [CHART_SECRET_KEYS.connection]: url(
            `${names.pgbouncer}.${o.namespace}`,
            AIRFLOW_PORTS.pgbouncer,
            `${o.releaseName}-metadata`,
            "disable",
        ),
        // Outside the VPC peering the managed databases want TLS; `require` is understood by every Postgres client KEDA has used.
        ...(o.kedaDirect
            ? { [CHART_SECRET_KEYS.kedaConnection]: url(o.managed.host, o.managed.port, o.managed.database, "require") }
            : {}),
    };
}

/** PgBouncer's config for the managed database: the chart's own template, with our Secret instead of plain values. */
export function pgbouncerIni(o: {
    releaseName: string;
    host: string;
    port: number;
    database: string;
    user: string;
    production: boolean;
}): string {
    const pool = `host=${o.host} dbname=${o.database} port=${o.port}`;
    return [
        "[databases]",
        `${o.releaseName}-metadata = ${pool} pool_size=${o.production ? 20 : 10}`,
        `${o.releaseName}-result-backend = ${pool} pool_size=${o.production ? 10 : 5}`,
        "",
        "[pgbouncer]",
        "pool_mode = transaction",
        `listen_port = ${AIRFLOW_PORTS.pgbouncer}`,
        "listen_addr = *",
        "auth_type = scram-sha-256",
        "auth_file = /etc/pgbouncer/users.txt",
        `stats_users = ${o.user}`,
        "ignore_startup_parameters = extra_float_digits",
        `max_client_conn = ${o.production ? 500 : 100}`,
        "verbose = 0",
        "log_disconnections = 0",
        "log_connections = 0",
        // The managed databases require TLS from outside their VPC peering; prefer it always.
        "server_tls_sslmode = prefer",
        "server_tls_ciphers = normal",
        "",
    ].join("\n");
}
