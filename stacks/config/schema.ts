/**
 * The schema of everything a stack can set, with its documented defaults (docs/config.md is generated from it).
 *
 * Every key lives under the `airflow-platform:` namespace in `Pulumi.<stack>.yaml`. Secrets are separate top-level
 * keys (see `SECRET_KEYS`) so that `pulumi config set --secret` can hold them without making whole objects secret.
 */
import { z } from "zod";
import { AIRFLOW_DEFAULTS, CELERY_WORKER_BASE_MEMORY, airflowSizing } from "../../components/airflow/args";
import { AWS_LBC_CHART_VERSIONS, INGRESS_DEFAULTS } from "../../components/cluster/ingress/args";
import {
    type DevspaceAccessRequest,
    type DevspaceEntry,
    DEVSPACE_FRAME_DEFAULTS,
} from "../../components/devspace/args";
import { EXPOSURE_DEFAULTS } from "../../components/exposure/args";
import type { Resources } from "../../components/quantities";
import type { NodePoolArgs } from "../../components/cluster/args";
import { DEFAULT_NODE_POOL_SIZES } from "./defaults";
import { DEFAULT_EKS_KUBERNETES_VERSION } from "../../components/cluster/eks/addons";
import { EKS_CLUSTER_DEFAULTS, RDS_DEFAULTS } from "../../components/cluster/eks/args";
import { EXISTING_CLUSTER_DEFAULTS } from "../../components/cluster/existing/args";
import { DEFAULT_DATABASE_TIER, MANAGED_DATABASE_DEFAULTS } from "../../components/cluster/database";
import { GKE_CLUSTER_DEFAULTS } from "../../components/cluster/gke/args";
import {
    type AlertmanagerReceivers,
    type GrafanaArgs,
    type PrometheusArgs,
    KUBE_PROMETHEUS_STACK_VERSIONS,
    OBSERVABILITY_DEFAULTS,
    PROMETHEUS_OPERATOR_CRDS_VERSIONS,
} from "../../components/observability/args";
import { DEVSPACE_AIRFLOW_DEFAULTS } from "./defaults";

export const PROJECT = "airflow-platform";

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

const quantityCpu = z.string().regex(/^\d+(\.\d+)?m?$/, 'a Kubernetes CPU quantity such as "250m" or "2"');
const quantityMemory = z
    .string()
    .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'a Kubernetes memory quantity such as "512Mi" or "4Gi"');
const duration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, 'a duration such as "30s", "15m", "24h" or "15d"');
const semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'an exact version such as "3.1.8" (never a range or "latest")');
const labelMap = z.record(z.string(), z.string());

/** Requests (and optional limits) for one component. */
export const resourcesSchema = z.strictObject({
    cpu: quantityCpu.describe("CPU request"),
    memory: quantityMemory.describe("Memory request; also the memory limit"),
}) satisfies z.ZodType<Resources>;
// The components declare the type; the schema's inferred type must stay assignable to it (checked above).
export type { Resources };

const tolerationSchema = z.strictObject({
    key: z.string().min(1),
    operator: z.enum(["Equal", "Exists"]).default("Equal"),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

const placementSchema = z.strictObject({
    nodeSelector: labelMap
        .default(EXISTING_CLUSTER_DEFAULTS.placement.nodeSelector)
        .describe("Node labels the pool's nodes carry"),
    tolerations: z
        .array(tolerationSchema)
        .default(EXISTING_CLUSTER_DEFAULTS.placement.tolerations)
        .describe("Tolerations for the pool's taints"),
});

// ---------------------------------------------------------------------------------------------------------------
// Cloud sections
// ---------------------------------------------------------------------------------------------------------------

const gcpSchema = z.strictObject({
    project: z
        .string({ error: "is required with cloud gke: the GCP project ID" })
        .min(1, "is required with cloud gke: the GCP project ID")
        .describe("GCP project ID. Required with cloud=gke"),
    region: z
        .string({ error: "is required with cloud gke: a GCP region such as europe-west1" })
        .min(1, "is required with cloud gke: a GCP region such as europe-west1")
        .describe("GCP region, e.g. europe-west1. Required with cloud=gke"),
    releaseChannel: z
        .enum(["RAPID", "REGULAR", "STABLE"])
        .default(GKE_CLUSTER_DEFAULTS.releaseChannel)
        .describe("GKE release channel"),
    sharedStorage: z
        .enum(["basic-hdd", "enterprise-multishare"])
        .default(GKE_CLUSTER_DEFAULTS.sharedStorage)
        .describe(
            "Filestore behind the ReadWriteMany class: basic-hdd makes one zonal BASIC_HDD instance per PVC; " +
                "enterprise-multishare packs PVCs (10Gi..128Gi each, up to 80) as shares of one regional Enterprise instance. See docs/cluster.md",
        ),
    maintenanceWindow: z
        .strictObject({
            days: z
                .array(z.enum(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]))
                .min(1)
                .default(GKE_CLUSTER_DEFAULTS.maintenanceWindow.days)
                .describe("Days (RFC 5545 BYDAY) on which GKE may upgrade and repair the cluster automatically"),
            startTimeUtc: z
                .string()
                .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time of day such as "01:00"')
                .default(GKE_CLUSTER_DEFAULTS.maintenanceWindow.startTimeUtc)
                .describe("Start of each window (UTC, HH:MM)"),
            hours: z
                .number()
                .int()
                .min(4)
                .max(24)
                .default(GKE_CLUSTER_DEFAULTS.maintenanceWindow.hours)
                .describe("Length of each window; GKE needs at least 4 contiguous hours"),
        })
        .prefault({})
        .describe(
            "GKE automatic upgrades and maintenance happen only in this recurring window (at least 48 hours in 32 days)",
        ),
    networkPolicy: z
        .enum(["dataplane-v2", "calico"])
        .default(GKE_CLUSTER_DEFAULTS.networkPolicy)
        .describe(
            "How GKE enforces NetworkPolicy: dataplane-v2 (new clusters; creation only, a switch replaces the cluster) or calico " +
                "(in place on a cluster created without Dataplane V2, which GKE re-creates node by node). See docs/cluster.md",
        ),
    network: z
        .strictObject({
            existingNetwork: z.string().optional().describe("Use this VPC network (by name) instead of creating one"),
            privateServicesAccess: z
                .enum(["create", "existing"])
                .optional()
                .describe(
                    "Cloud SQL's private services access: create reserves a range and peers it; existing uses the peering an existing network already has " +
                        "(a second servicenetworking connection fails). Default create on a network the stack creates; required with existingNetwork and a managed database",
                ),
            existingSubnetwork: z
                .string()
                .optional()
                .describe("Use this subnetwork (by name); it must have the pods and services secondary ranges"),
            podsRangeName: z
                .string()
                .default(GKE_CLUSTER_DEFAULTS.network.podsRangeName)
                .describe("Secondary range name for pods"),
            servicesRangeName: z
                .string()
                .default(GKE_CLUSTER_DEFAULTS.network.servicesRangeName)
                .describe("Secondary range name for services"),
            nodesCidr: z
                .string()
                .default(GKE_CLUSTER_DEFAULTS.network.nodesCidr)
                .describe("Primary range of a created subnetwork"),
            podsCidr: z
                .string()
                .default(GKE_CLUSTER_DEFAULTS.network.podsCidr)
                .describe("Pods secondary range of a created subnetwork"),
            servicesCidr: z
                .string()
                .default(GKE_CLUSTER_DEFAULTS.network.servicesCidr)
                .describe("Services secondary range of a created subnetwork"),
            masterIpv4CidrBlock: z
                .string()
                .default(GKE_CLUSTER_DEFAULTS.network.masterIpv4CidrBlock)
                .describe("Control plane range for private nodes"),
        })
        .prefault({}),
});

const controlPlaneSchema = z.strictObject({
    authorizedNetworks: z
        .array(z.cidrv4("an IPv4 CIDR block such as 203.0.113.0/24"))
        .min(1, "list at least one CIDR block, or leave the key out")
        .optional()
        .describe(
            "IPv4 CIDR blocks allowed to reach the Kubernetes API's public endpoint (GKE master authorized networks, EKS publicAccessCidrs). " +
                "Unset: open to the internet (a prod stack warns). On GKE, CI and developers use the DNS endpoint instead (controlPlane.endpoint)",
        ),
    privateAccessCidrs: z
        .array(z.cidrv4("an IPv4 CIDR block such as 10.40.200.0/24"))
        .min(1)
        .optional()
        .describe(
            "EKS: blocks inside the VPC (or peered) admitted to the private endpoint on 443, e.g. the self-hosted CI runners' subnet",
        ),
    endpoint: z
        .enum(["dns", "ip"])
        .optional()
        .describe(
            "GKE: how kubeconfigs reach the API. dns (default): the DNS-based endpoint, admitted by IAM (container.clusters.connect) " +
                "from anywhere, no IP allowlist; ip: the IP endpoint, admitted by authorizedNetworks. EKS has only ip",
        ),
});

const accessEntrySchema = z.strictObject({
    principalArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, "an IAM role or user ARN"),
    accessPolicy: z
        .enum(["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"])
        .default(EKS_CLUSTER_DEFAULTS.accessPolicy),
    namespaces: z.array(z.string()).optional().describe("Limit the policy to these namespaces; cluster-wide if unset"),
});

const awsSchema = z.strictObject({
    region: z
        .string({ error: "is required with cloud eks: an AWS region such as eu-west-1" })
        .min(1, "is required with cloud eks: an AWS region such as eu-west-1")
        .describe("AWS region, e.g. eu-west-1. Required with cloud=eks"),
    authenticationMode: z
        .enum(["API", "API_AND_CONFIG_MAP"])
        .default(EKS_CLUSTER_DEFAULTS.authenticationMode)
        .describe("EKS access mode; API uses access entries only"),
    accessEntries: z
        .array(accessEntrySchema)
        .default(EKS_CLUSTER_DEFAULTS.accessEntries)
        .describe("IAM principals granted cluster access"),
    extendedSupport: z
        .boolean()
        .default(EKS_CLUSTER_DEFAULTS.extendedSupport)
        .describe(
            "EKS upgradePolicy: false (STANDARD) upgrades the control plane when its version leaves standard support; true pays for extended support (about 6x the hourly price). Must be true for a kubernetesVersion already past standard support (1.32, 1.33; 1.34 from 2026-12-02, 1.35 from 2027-03-27)",
        ),
    workloadIdentity: z
        .enum(["pod-identity", "irsa"])
        .default(EKS_CLUSTER_DEFAULTS.workloadIdentity)
        .describe("How service accounts get IAM roles: EKS Pod Identity or IRSA"),
    vpc: z
        .strictObject({
            existingVpcId: z.string().optional().describe("Use this VPC instead of creating one"),
            privateSubnetIds: z
                .array(z.string())
                .optional()
                .describe("Private subnets (nodes, EFS, RDS) of the existing VPC"),
            publicSubnetIds: z.array(z.string()).optional().describe("Public subnets (internet-facing load balancers)"),
            cidrBlock: z.string().default(EKS_CLUSTER_DEFAULTS.vpc.cidrBlock).describe("CIDR of a created VPC"),
            availabilityZones: z
                .number()
                .int()
                .min(2)
                .max(6)
                .default(EKS_CLUSTER_DEFAULTS.vpc.availabilityZones)
                .describe("AZs of a created VPC"),
            natGateways: z
                .enum(["single", "one-per-az"])
                .default(EKS_CLUSTER_DEFAULTS.vpc.natGateways)
                .describe("NAT gateway strategy of a created VPC"),
        })
        .prefault({}),
});

const existingSchema = z.strictObject({
    context: z
        .string()
        .optional()
        .describe("kubeconfig context to use (of the default kubeconfig, or of `existingKubeconfig`)"),
    sharedStorageClassName: z.string().min(1).describe("A ReadWriteMany StorageClass already in the cluster"),
    blockStorageClassName: z
        .string()
        .min(1)
        .optional()
        .describe(
            "A ReadWriteOnce StorageClass already in the cluster, for Prometheus, Alertmanager, Grafana, Redis and the bundled Postgres. " +
                "Default: unset, the volumes take the cluster's default StorageClass",
        ),
    placement: z
        .strictObject({ onDemand: placementSchema.prefault({}), spot: placementSchema.prefault({}) })
        .prefault({})
        .describe("How on-demand and spot nodes are labelled and tainted in this cluster"),
    ingressClassName: z
        .string()
        .default(EXISTING_CLUSTER_DEFAULTS.ingressClassName)
        .describe("Ingress class of the cluster's ingress controller"),
});

// ---------------------------------------------------------------------------------------------------------------
// Node pools, database
// ---------------------------------------------------------------------------------------------------------------

export const poolSchema = z.strictObject({
    machineTypes: z
        .array(z.string().min(1))
        .optional()
        .describe(
            "Machine or instance types. GKE: exactly one on-demand; for spot one per machine family, each its own pool. " +
                "EKS: spot types of one class and size form a group (m*.2xlarge, r*.2xlarge, ...), x86_64 only. " +
                "Default: e2-standard-4 / n2, n2d, e2 -standard-4 on GKE; m6i.xlarge / m6i, m6a, m5, m7i, r6i, r5 .xlarge on EKS",
        ),
    minNodes: z
        .number()
        .int()
        .min(0)
        .max(1000)
        .optional()
        .describe(
            `Autoscaling minimum. Default: ${DEFAULT_NODE_POOL_SIZES.onDemand.minNodes} on-demand, ${DEFAULT_NODE_POOL_SIZES.spot.minNodes} spot and fallback`,
        ),
    maxNodes: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe(
            `Autoscaling maximum, of each spot pool or group (each can carry all the work alone). Default: ${DEFAULT_NODE_POOL_SIZES.onDemand.maxNodes} on-demand, ${DEFAULT_NODE_POOL_SIZES.spot.maxNodes} spot, the spot value for the fallback`,
        ),
    diskSizeGb: z
        .number()
        .int()
        .min(20)
        .max(4000)
        .default(DEFAULT_NODE_POOL_SIZES.diskSizeGb)
        .describe("Boot disk size (GB)"),
});
/** A node pool with every default resolved: the cluster layer's own type. */
export type NodePoolConfig = NodePoolArgs;

const databaseSchema = z.strictObject({
    mode: z
        .enum(["bundled", "managed"])
        .optional()
        .describe(
            "managed: Cloud SQL or RDS PostgreSQL; bundled: the chart's Postgres. Default: managed in prod, bundled otherwise",
        ),
    postgresVersion: z
        .enum(["15", "16", "17"])
        .default(MANAGED_DATABASE_DEFAULTS.postgresVersion)
        .describe("PostgreSQL major version of a managed database"),
    tier: z
        .string()
        .optional()
        .describe(
            `Cloud SQL tier or RDS instance class. Default: ${DEFAULT_DATABASE_TIER.gke} on GKE, ${DEFAULT_DATABASE_TIER.eks} on EKS`,
        ),
    storageGb: z
        .number()
        .int()
        .min(10)
        .max(16384)
        .default(MANAGED_DATABASE_DEFAULTS.storageGb)
        .describe(
            "Allocated storage (GB). Cloud SQL: the initial size only (it grows by itself; later changes are ignored)",
        ),
    maxStorageGb: z
        .number()
        .int()
        .min(10)
        .max(65536)
        .optional()
        .describe(
            "RDS storage autoscaling ceiling (GB), at least 10% above storageGb. Default: 4 x storageGb. Cloud SQL grows its disk without a ceiling",
        ),
    extendedSupport: z
        .boolean()
        .default(RDS_DEFAULTS.extendedSupport)
        .describe(
            "RDS: pay for RDS Extended Support once the major version leaves standard support (false: RDS upgrades it instead). Fixed when the instance is created; restore from a snapshot to change it",
        ),
    highAvailability: z
        .boolean()
        .default(MANAGED_DATABASE_DEFAULTS.highAvailability)
        .describe("Regional Cloud SQL / Multi-AZ RDS"),
    backupRetentionDays: z
        .number()
        .int()
        .min(0)
        .max(35)
        .default(MANAGED_DATABASE_DEFAULTS.backupRetentionDays)
        .describe(
            "Daily backups kept (0: none). On gke, point-in-time recovery keeps one day less of logs (at most 7), so 1 is refused",
        ),
});

// ---------------------------------------------------------------------------------------------------------------
// Airflow
// ---------------------------------------------------------------------------------------------------------------

/** The Airflow defaults that follow the environment (the component's `airflowSizing`), for the descriptions. */
const bySizing = { dev: airflowSizing(false), prod: airflowSizing(true) };
const replicasByEnvironment = `Default: ${bySizing.dev.replicas} in dev, ${bySizing.prod.replicas} in prod`;
const onOff = (enabled: boolean) => (enabled ? "on" : "off");

const airflowComponentsResources = z
    .strictObject({
        scheduler: resourcesSchema.optional(),
        apiServer: resourcesSchema.optional().describe("API server (Airflow 3) or webserver (Airflow 2)"),
        dagProcessor: resourcesSchema.optional(),
        triggerer: resourcesSchema.optional(),
        workers: resourcesSchema.optional(),
        kubernetesTask: resourcesSchema
            .optional()
            .describe(
                "Default requests of a KubernetesExecutor task pod, with executor=kubernetes only: with a Celery executor the chart sizes task pods like workers",
            ),
        redis: resourcesSchema.optional(),
        pgbouncer: resourcesSchema.optional(),
        statsd: resourcesSchema.optional(),
        postgres: resourcesSchema.optional().describe("Bundled Postgres (dev)"),
        gitSync: resourcesSchema.optional(),
    })
    .prefault({})
    .describe("Per-component requests; defaults are small in dev and production-sized in prod");
export type AirflowResourceOverrides = z.infer<typeof airflowComponentsResources>;

const airflowSchema = z.strictObject({
    namespace: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        .default(AIRFLOW_DEFAULTS.namespace)
        .describe("Namespace of the release; a devspace's is always `devspace-<developer>`"),
    version: semver
        .default(AIRFLOW_DEFAULTS.version)
        .describe(
            "Airflow version (image tag of apache/airflow); chart 1.20.0 supports 2.11.0 and later, 3.x included",
        ),
    chartVersion: z
        .enum(["1.20.0"])
        .default(AIRFLOW_DEFAULTS.chartVersion)
        .describe(
            "Version of the apache-airflow/airflow Helm chart: only versions whose values schema the tests check (docs/airflow.md, bumping the chart)",
        ),
    image: z
        .strictObject({
            repository: z.string().default(AIRFLOW_DEFAULTS.image.repository),
            tag: z
                .string()
                .optional()
                .describe("Defaults to `version`; set it for a custom image built on that version"),
        })
        .prefault({}),
    executor: z
        .enum([
            "celery-kubernetes",
            "celery",
            "kubernetes",
            "CeleryKubernetesExecutor",
            "CeleryExecutor,KubernetesExecutor",
        ])
        .default(AIRFLOW_DEFAULTS.executor)
        .describe(
            "celery-kubernetes: CeleryKubernetesExecutor on 2.x, `CeleryExecutor,KubernetesExecutor` on 3.x. " +
                "The two explicit forms pin one: CeleryKubernetesExecutor (2.x only), the multi-executor (2.10+ and 3.x)",
        ),
    kubernetesQueue: z
        .string()
        .min(1)
        .default(AIRFLOW_DEFAULTS.kubernetesQueue)
        .describe("Airflow 2.x: the Celery queue whose tasks run as KubernetesExecutor pods"),
    workers: z
        .strictObject({
            replicas: z
                .number()
                .int()
                .min(0)
                .max(200)
                .optional()
                .describe(
                    "Fixed Celery workers, only with airflow.workers.autoscaling.enabled false (KEDA owns the count otherwise; set autoscaling.minReplicas). " +
                        `Default: ${AIRFLOW_DEFAULTS.workers.replicas}`,
                ),
            concurrency: z
                .number()
                .int()
                .min(1)
                .max(256)
                .optional()
                .describe(
                    `Tasks per Celery worker. Default: what the worker memory holds, (resources.workers.memory - ${CELERY_WORKER_BASE_MEMORY}) / memoryPerTask, at least 1`,
                ),
            memoryPerTask: quantityMemory
                .default(AIRFLOW_DEFAULTS.workers.memoryPerTask)
                .describe(
                    "Memory one running task takes on a Celery worker (Airflow's task supervisor and the task); sizes the default concurrency",
                ),
            terminationGracePeriodSeconds: z
                .number()
                .int()
                .min(30)
                .max(86400)
                .default(AIRFLOW_DEFAULTS.workers.terminationGracePeriodSeconds)
                .describe(
                    "Warm-shutdown time on drains and KEDA scale-downs. A scale-down removes any worker, busy or idle: its running tasks get this long, a longer one is killed and uses a retry. " +
                        "The worker exits as soon as its tasks finish, so a long value costs nothing when they are short. A spot reclaim does not wait for it: GKE gives pods about 15-25 s, EC2 about 2 min, then the task fails and is retried (airflow.tasks.retries)",
                ),
            autoscaling: z
                .strictObject({
                    enabled: z
                        .boolean()
                        .default(AIRFLOW_DEFAULTS.workers.autoscaling.enabled)
                        .describe(
                            "KEDA scales the Celery workers with the queued and running tasks (the chart's ScaledObject)",
                        ),
                    minReplicas: z
                        .number()
                        .int()
                        .min(0)
                        .max(200)
                        .optional()
                        .describe(
                            `Default: ${bySizing.dev.minWorkers} in dev (no idle worker), ${bySizing.prod.minWorkers} in prod (one warm worker)`,
                        ),
                    maxReplicas: z
                        .number()
                        .int()
                        .min(1)
                        .max(200)
                        .optional()
                        .describe(
                            `Default: ${bySizing.dev.maxWorkers} in dev, ${DEVSPACE_AIRFLOW_DEFAULTS.maxWorkers} in a devspace (its quota), ${bySizing.prod.maxWorkers} in prod`,
                        ),
                    cooldownSeconds: z
                        .number()
                        .int()
                        .min(30)
                        .max(86400)
                        .default(AIRFLOW_DEFAULTS.workers.autoscaling.cooldownSeconds)
                        .describe("KEDA's cooldownPeriod: idle time before the last worker goes (min 0)"),
                    pollingSeconds: z
                        .number()
                        .int()
                        .min(1)
                        .max(300)
                        .default(AIRFLOW_DEFAULTS.workers.autoscaling.pollingSeconds)
                        .describe("KEDA's pollingInterval: how often it runs the chart's query"),
                    connection: z
                        .enum(["pgbouncer", "direct"])
                        .default(AIRFLOW_DEFAULTS.workers.autoscaling.connection)
                        .describe(
                            "How KEDA's query reaches the metadata DB when PgBouncer fronts it: through PgBouncer, or straight to the database (workers.keda.usePgbouncer)",
                        ),
                })
                .prefault({}),
        })
        .prefault({}),
    tasks: z
        .strictObject({
            retries: z
                .number()
                .int()
                .min(0)
                .max(100)
                .default(AIRFLOW_DEFAULTS.tasks.retries)
                .describe(
                    "[core] default_task_retries: a task whose spot node is reclaimed is retried; a DAG may set its own",
                ),
            retryDelaySeconds: z
                .number()
                .int()
                .min(0)
                .max(86400)
                .default(AIRFLOW_DEFAULTS.tasks.retryDelaySeconds)
                .describe(
                    "[core] default_task_retry_delay: time for the autoscaler to replace a reclaimed node; a DAG may set its own",
                ),
        })
        .prefault({}),
    databaseCleanup: z
        .strictObject({
            enabled: z
                .boolean()
                .optional()
                .describe(
                    "`airflow db clean` as a weekly CronJob (the chart's databaseCleanup). " +
                        `Default: ${onOff(AIRFLOW_DEFAULTS.databaseCleanup.enabled)}; ${onOff(DEVSPACE_AIRFLOW_DEFAULTS.databaseCleanup)} in a devspace (short-lived, and its quota)`,
                ),
            retentionDays: z
                .number()
                .int()
                .min(1)
                .max(3650)
                .default(AIRFLOW_DEFAULTS.databaseCleanup.retentionDays)
                .describe("Metadata rows older than this are deleted (no archive tables kept)"),
        })
        .prefault({}),
    apiServerReplicas: z.number().int().min(1).max(10).optional().describe(replicasByEnvironment),
    schedulerReplicas: z.number().int().min(1).max(10).optional().describe(replicasByEnvironment),
    triggererReplicas: z
        .number()
        .int()
        .min(1)
        .max(10)
        .optional()
        .describe(`${replicasByEnvironment} (with a PodDisruptionBudget)`),
    dagProcessorReplicas: z
        .number()
        .int()
        .min(1)
        .max(10)
        .optional()
        .describe(`${replicasByEnvironment} (with a PodDisruptionBudget)`),
    dags: z
        .strictObject({
            repo: z
                .string()
                .regex(/^(https:\/\/|git@|ssh:\/\/)/, "an https:// or ssh (git@… / ssh://) Git URL")
                .describe("Git repository of the DAGs"),
            branch: z.string().min(1).default(AIRFLOW_DEFAULTS.dags.branch),
            subPath: z.string().default(AIRFLOW_DEFAULTS.dags.subPath).describe("Folder of the DAGs inside the repo"),
            period: duration.default(AIRFLOW_DEFAULTS.dags.period).describe("git-sync polling period"),
            credentials: z
                .enum(["none", "ssh", "https"])
                .default(AIRFLOW_DEFAULTS.dags.credentials.kind)
                .describe(
                    "ssh: the secret `dagsGitSshKey` + `airflow.dags.knownHosts`; https: `airflow.dags.username` + the secret `dagsGitToken`",
                ),
            knownHosts: z.string().optional().describe("known_hosts lines for the ssh host (not secret)"),
            username: z.string().optional().describe("HTTPS username (not secret; the token is)"),
        })
        .describe("Where the DAGs come from (git-sync)"),
    logs: z
        .strictObject({
            mode: z
                .enum(["shared-volume", "remote"])
                .default(AIRFLOW_DEFAULTS.logs.kind)
                .describe("shared-volume: RWX PVC (EFS/Filestore); remote: a bucket through workload identity"),
            size: quantityMemory.default(AIRFLOW_DEFAULTS.logs.size).describe("Size of the log PVC"),
            remoteBaseFolder: z
                .string()
                .regex(/^(s3|gs):\/\/[^/]+/, "an s3:// or gs:// URL")
                .optional()
                .describe("Bucket URL for remote logging, e.g. s3://my-logs/airflow; required with mode=remote"),
        })
        .prefault({}),
    flower: z
        .strictObject({
            enabled: z
                .boolean()
                .default(AIRFLOW_DEFAULTS.flower.enabled)
                .describe("Run Celery Flower (basic auth from a generated secret)"),
        })
        .prefault({}),
    resources: airflowComponentsResources,
    extraConfig: z
        .record(z.string(), z.record(z.string(), z.string()))
        .default(AIRFLOW_DEFAULTS.extraConfig)
        .describe('Extra airflow.cfg settings by section, e.g. { core: { parallelism: "64" } }'),
});

// ---------------------------------------------------------------------------------------------------------------
// Monitoring, exposure, devspace
// ---------------------------------------------------------------------------------------------------------------

const monitoringSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Install kube-prometheus-stack and the Airflow mixin"),
    namespace: z.string().default(OBSERVABILITY_DEFAULTS.namespace),
    kubePrometheusStackVersion: z
        .enum(KUBE_PROMETHEUS_STACK_VERSIONS)
        .default(OBSERVABILITY_DEFAULTS.kubePrometheusStackVersion)
        .describe(
            "kube-prometheus-stack chart version: only versions whose values the tests check (docs/runbooks.md, bumping a chart)",
        ),
    prometheusOperatorCrdsVersion: z
        .enum(PROMETHEUS_OPERATOR_CRDS_VERSIONS)
        .default(OBSERVABILITY_DEFAULTS.prometheusOperatorCrdsVersion)
        .describe(
            "prometheus-operator-crds chart version: the CRDs of kube-prometheus-stack's operator (bumped with it)",
        ),
    statsdExporterImageTag: z
        .string()
        .regex(/^v\d+\.\d+\.\d+$/)
        .default(AIRFLOW_DEFAULTS.statsd.exporterImageTag)
        .describe(
            "quay.io/prometheus/statsd-exporter tag of the Airflow chart's exporter; the mapping is written for it",
        ),
    statsdMappingTtl: z
        .string()
        // statsd-exporter parses a Go duration: no "d" or "w" unit.
        .regex(
            /^\d+(ms|s|m|h)$/,
            'a Go duration such as "30m" or "48h" (statsd-exporter knows no "d"; write 48h for 2 days)',
        )
        .default(AIRFLOW_DEFAULTS.statsd.mappingTtl)
        .describe("Series of deleted DAGs and tasks expire after this"),
    prometheus: z
        .strictObject({
            retention: duration.default(OBSERVABILITY_DEFAULTS.prometheus.retention),
            storageSize: quantityMemory.default(OBSERVABILITY_DEFAULTS.prometheus.storageSize),
            replicas: z.number().int().min(1).max(3).default(OBSERVABILITY_DEFAULTS.prometheus.replicas),
        })
        .prefault({}) satisfies z.ZodType<Required<PrometheusArgs>>,
    alertmanager: z
        .strictObject({
            replicas: z.number().int().min(1).max(3).default(OBSERVABILITY_DEFAULTS.alertmanager.replicas),
        })
        .prefault({}),
    grafana: z
        .strictObject({ persistence: z.boolean().default(OBSERVABILITY_DEFAULTS.grafana.persistence) })
        .prefault({}) satisfies z.ZodType<Required<Pick<GrafanaArgs, "persistence">>>,
});

const exposureSchema = z.strictObject({
    enabled: z.boolean().default(false).describe("Expose the Airflow UI, Flower and Grafana on one load balancer"),
    host: z
        .string()
        .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, "a DNS name such as airflow.example.com")
        .optional()
        .describe("DNS name the UIs are served on; required when enabled (base_url, root_url, the certificate)"),
    public: z
        .boolean()
        .default(false)
        .describe(
            "Internet-facing load balancer; requires TLS (EKS: tls.certificateArn; GKE: the managed certificate)",
        ),
    tls: z
        .strictObject({
            certificateArn: z
                .string()
                .regex(/^arn:aws[a-z-]*:acm:/, "an ACM certificate ARN")
                .optional()
                .describe("EKS: ACM certificate (in aws.region) for `host`: HTTPS on 443, HTTP redirected"),
            managedCertificate: z
                .boolean()
                .default(true)
                .describe(
                    "GKE, public only: a Google-managed certificate for `host` (none exists for internal load balancers)",
                ),
            secretName: z
                .string()
                .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Kubernetes Secret name")
                .optional()
                .describe(
                    "GKE internal: a kubernetes.io/tls Secret for `host` in the Airflow namespace (e.g. from cert-manager): HTTPS, HTTP redirected",
                ),
        })
        .prefault({}),
    grafanaPath: z
        .string()
        .regex(/^\/[a-z0-9-]+$/, "one path segment such as /grafana")
        .default(EXPOSURE_DEFAULTS.grafana.path)
        .describe("Grafana's path; its root_url and serve_from_sub_path follow"),
    flowerPath: z
        .string()
        .regex(/^\/[a-z0-9-]+$/, "one path segment such as /flower")
        .default(EXPOSURE_DEFAULTS.flower.path)
        .describe("Flower's path (with airflow.flower.enabled); Airflow's [celery] flower_url_prefix follows"),
    awsLoadBalancerControllerVersion: z
        .enum(AWS_LBC_CHART_VERSIONS)
        .default(INGRESS_DEFAULTS.alb.controllerChartVersion)
        .describe(
            "EKS: eks-charts aws-load-balancer-controller chart version (1.14.0 = controller v2.14.0); only versions whose IAM policy is vendored",
        ),
    gkeProxyOnlySubnetCidr: z
        .string()
        .regex(/^\d+\.\d+\.\d+\.\d+\/(2[0-6]|1\d)$/, "a CIDR block of /26 or larger")
        .default(INGRESS_DEFAULTS.gateway.proxyOnlySubnetCidr)
        .describe(
            "GKE, internal: the proxy-only subnet created in a created network (an existing network must have one)",
        ),
});

const devspaceName = z
    .string()
    .regex(
        /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/,
        "a DNS label: lower-case letters, digits and dashes, at most 32 characters",
    );
const gcpIdentity = z.email("a Google account e-mail (GKE's RBAC user name), e.g. alice@acme.com");
const awsIdentity = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, "an IAM role or user ARN");

/** One developer's devspace as the dev stack owns it: the namespace's frame and who may deploy into it. */
const devspaceEntrySchema = z.strictObject({
    name: devspaceName.describe(
        "The devspace's name, at most 32 characters (lower-case letters, digits, dashes); its namespace is `devspace-<name>` and its stack `devspace-<name>`",
    ),
    owner: z
        .strictObject({
            gcp: gcpIdentity
                .optional()
                .describe("GKE: the developer's Google account, bound by RBAC to the namespace only"),
            aws: awsIdentity
                .optional()
                .describe("EKS: the developer's IAM principal, mapped by an access entry to the namespace only"),
        })
        .describe("The developer's identity per cloud; the one of the dev stack's cloud is required"),
    expires: z.iso
        .date("a date YYYY-MM-DD")
        .describe(
            "Last day of the devspace: after it the devspace stack refuses to deploy and the scheduled teardown destroys it",
        ),
    quota: z
        .strictObject({
            cpu: quantityCpu
                .default(DEVSPACE_FRAME_DEFAULTS.entry.quota.cpu)
                .describe("ResourceQuota requests.cpu (limits.cpu is four times this)"),
            memory: quantityMemory
                .default(DEVSPACE_FRAME_DEFAULTS.entry.quota.memory)
                .describe("ResourceQuota requests.memory (limits.memory is twice this)"),
            storage: quantityMemory
                .default(DEVSPACE_FRAME_DEFAULTS.entry.quota.storage)
                .describe("ResourceQuota requests.storage: all volume claims together"),
            ephemeralStorage: quantityMemory
                .default(DEVSPACE_FRAME_DEFAULTS.entry.quota.ephemeralStorage)
                .describe("ResourceQuota requests.ephemeral-storage (limits twice this)"),
        })
        .prefault({}),
}) satisfies z.ZodType<DevspaceEntry>;

/** A developer's devspace stack: which devspace of the dev stack it deploys into, and as whom. */
const devspaceSchema = z.strictObject({
    developer: devspaceName.describe(
        "The devspace's name in the dev stack's `devspaces` list, at most 32 characters; the namespace is `devspace-<developer>`",
    ),
    owner: z
        .union([gcpIdentity, awsIdentity])
        .describe(
            "Who deploys it (Google account or IAM ARN): must be the owner the dev stack lists for this devspace",
        ),
    baseStack: z
        .string()
        .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "a fully qualified stack name <organization>/<project>/<stack>")
        .describe(
            "The dev stack, e.g. organization/airflow-platform/dev (a bucket backend's organization is always `organization`)",
        ),
    branch: z.string().min(1).describe("The developer's DAG branch"),
    cluster: z
        .strictObject({
            kind: z
                .enum(["gke", "eks"])
                .describe("The dev cluster's cloud: gke (gke-gcloud-auth-plugin) or eks (`aws eks get-token`)"),
            name: z.string().min(1).describe("The dev cluster's name (the dev stack's clusterName)"),
            endpoint: z
                .string()
                .regex(/^(https:\/\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i, "a host name, optionally with https://")
                .describe(
                    "GKE: the DNS endpoint (gke-….<region>.gke.goog, authorized by IAM); EKS: the API server URL",
                ),
            region: z
                .string()
                .min(1)
                .optional()
                .describe("EKS: the cluster's region, for `aws eks get-token`. Required with kind eks"),
            certificateAuthority: z
                .string()
                .regex(/^[A-Za-z0-9+/=]+$/, "base64 of the cluster CA (PEM)")
                .optional()
                .describe(
                    "EKS: base64 of the cluster CA (public, `aws eks describe-cluster`). Required with kind eks; GKE's DNS endpoint has a publicly trusted certificate",
                ),
        })
        .superRefine((c, ctx) => {
            if (c.kind === "gke" && !/\.gke\.goog$/.test(c.endpoint))
                ctx.addIssue({
                    code: "custom",
                    path: ["endpoint"],
                    message:
                        "with kind gke, the cluster's DNS endpoint (gke-….<region>.gke.goog): it needs no IP allowlist and no CA",
                });
            if (c.kind === "eks")
                for (const key of ["region", "certificateAuthority"] as const)
                    if (!c[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required with kind eks" });
        })
        .describe(
            "How the devspace reaches the dev cluster with the developer's own cloud identity (no access to the dev stack's state)",
        ),
}) satisfies z.ZodType<DevspaceAccessRequest>;

/** How CI delivers the stack: its state backend, secrets provider and the runner that can reach its cluster. */
export const deliverySchema = z.strictObject({
    backendUrl: z
        .string()
        .regex(
            /^(gs|s3):\/\/[a-z0-9][-a-z0-9._]*[a-z0-9](\/[^\s?]*)?(\?region=[a-z0-9-]+)?$|^https:\/\/\S+$/,
            "gs://<bucket>, s3://<bucket>?region=<region>, or the https URL of Pulumi Cloud",
        )
        .optional()
        .describe(
            "The stack's state backend, logged in to with the stack's own cloud credentials. Unset: Pulumi Cloud (secrets.PULUMI_ACCESS_TOKEN)",
        ),
    organization: z
        .string()
        .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/)
        .default("organization")
        .describe(
            "Organization part of fully qualified stack names: your Pulumi Cloud organization; always `organization` with a bucket backend",
        ),
    secretsProvider: z
        .string()
        .regex(
            /^(gcpkms|awskms|hashivault|azurekeyvault):\/\/\S+$|^(passphrase|default)$/,
            "gcpkms://…, awskms://…, passphrase or default",
        )
        .optional()
        .describe(
            "`--secrets-provider` of `pulumi stack init` (the stack file then records it). Unset: the backend's default",
        ),
    devspaceSecretsProvider: z
        .string()
        .regex(
            /^(gcpkms|awskms|hashivault|azurekeyvault):\/\/\S+$|^passphrase$/,
            "gcpkms://…, awskms://… or passphrase",
        )
        .optional()
        .describe(
            "Dev stack: secrets provider `npm run devstack` gives new devspace stacks (a key developers and the teardown job may use, not the dev stack's). Unset: passphrase",
        ),
    runner: z
        .array(z.string().min(1))
        .min(1)
        .default(["ubuntu-latest"])
        .describe(
            "`runs-on` labels of the CI jobs of this stack; a self-hosted runner inside the VPC for a cluster whose API is not public",
        ),
    environment: z
        .string()
        .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/)
        .optional()
        .describe(
            "GitHub environment of the deploy job (its identity, approvals). Default: production for prod, else the stack name",
        ),
});

// ---------------------------------------------------------------------------------------------------------------
// The whole stack
// ---------------------------------------------------------------------------------------------------------------

const imagesSchema = z.strictObject({
    dockerHubMirror: z
        .string()
        .regex(
            /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/,
            'a registry host and path without scheme or trailing slash, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub" or "europe-west1-docker.pkg.dev/my-project/docker-hub"',
        )
        .optional()
        .describe(
            "Registry prefix serving Docker Hub (an ECR pull-through cache or an Artifact Registry remote repository): " +
                "every Docker Hub image (Airflow, PgBouncer, Redis, the bundled Postgres, Grafana) is pulled through it, official images under library/. " +
                "Unset: straight from Docker Hub (docs/cluster.md, Docker Hub mirror)",
        ),
});

export const stackConfigSchema = z.strictObject({
    stackKind: z
        .enum(["platform", "devspace"])
        .default("platform")
        .describe(
            "platform: cluster + Airflow + monitoring; devspace: a developer's Airflow on the shared dev cluster",
        ),
    environment: z
        .enum(["dev", "staging", "prod"])
        .default("dev")
        .describe(
            "dev and staging (the same today): small requests, one scheduler and one API server, the bundled Postgres, no deletion protection, volumes deleted with their claims. " +
                "prod: production-sized requests (Airflow and monitoring), two schedulers and two API servers with PodDisruptionBudgets, a managed database, " +
                "deletionProtection on (Pulumi protect on cluster, database, EFS, generated secrets), Retain on volumes, EKS control-plane logs, larger PgBouncer pools",
        ),
    cloud: z
        .enum(["gke", "eks", "existing"])
        .optional()
        .describe("Where the cluster runs. Required for platform stacks"),
    clusterName: z
        .string()
        .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/)
        .optional()
        .describe("Default: airflow-<stack>"),
    kubernetesVersion: z
        .string()
        .regex(/^1\.\d+$/)
        .default(DEFAULT_EKS_KUBERNETES_VERSION)
        .describe(
            "Control plane and node minor version (EKS), one of the pinned minors; one minor per `pulumi up`. The default is the pinned minor in standard support the longest",
        ),
    controlPlane: controlPlaneSchema.prefault({}),
    deletionProtection: z.boolean().optional().describe("Protect cluster, database and volumes. Default: true in prod"),
    gcp: gcpSchema.optional(),
    aws: awsSchema.optional(),
    existing: existingSchema.optional(),
    nodePools: z
        .strictObject({
            onDemand: poolSchema.optional(),
            spot: poolSchema.optional(),
            fallback: poolSchema
                .optional()
                .describe(
                    "On-demand pool that takes the workers only when no spot capacity can be had (GKE, EKS). " +
                        "Default: the first spot machine type (GKE) or the spot types of the first spot group (EKS), 0 to the spot maxNodes",
                ),
        })
        .optional(),
    database: databaseSchema.prefault({}),
    airflow: airflowSchema.optional(),
    monitoring: monitoringSchema.prefault({}),
    exposure: exposureSchema.prefault({}),
    devspace: devspaceSchema.optional(),
    devspaces: z
        .array(devspaceEntrySchema)
        .default([])
        .describe("Platform (dev) stacks: the devspaces whose frames this stack owns"),
    delivery: deliverySchema.prefault({}),
    images: imagesSchema.prefault({}),
});

/** The validated stack config, before environment-dependent defaults are resolved. */
export type RawStackConfig = z.infer<typeof stackConfigSchema>;
export type AirflowConfig = z.infer<typeof airflowSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
export type ExposureConfig = z.infer<typeof exposureSchema>;
export type DevspaceConfig = z.infer<typeof devspaceSchema>;
// The devspace components declare the entry's type; the schema's inferred type must stay assignable (checked above).
export type { DevspaceEntry };
export type DeliveryConfig = z.infer<typeof deliverySchema>;
export type ImagesConfig = z.infer<typeof imagesSchema>;
export type GcpConfig = z.infer<typeof gcpSchema>;
export type AwsConfig = z.infer<typeof awsSchema>;
export type ExistingClusterConfig = z.infer<typeof existingSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type ControlPlaneConfig = z.infer<typeof controlPlaneSchema>;

/** Config keys that must be set with `pulumi config set --secret`; they reach the program as Outputs only. */
export const SECRET_KEYS = {
    dagsGitSshKey: "Private SSH key for git-sync (with airflow.dags.credentials=ssh)",
    dagsGitToken: "HTTPS token for git-sync (with airflow.dags.credentials=https)",
    alertmanagerReceivers:
        'JSON: Alertmanager receivers, e.g. {"slack":{"apiUrl":"https://hooks.slack.com/…","channel":"#airflow"},"webhook":{"url":"…"},"email":{"to":"…","from":"…","smarthost":"smtp:587","username":"…","password":"…"}}',
    existingKubeconfig: "kubeconfig of an existing cluster (cloud=existing); the default kubeconfig is used if unset",
} as const;

// The Observability component declares the receivers' type; the schema's inferred type must stay assignable to it.
export const alertmanagerReceiversSchema = z.strictObject({
    slack: z.strictObject({ apiUrl: z.string().url(), channel: z.string().min(1) }).optional(),
    webhook: z.strictObject({ url: z.string().url() }).optional(),
    email: z
        .strictObject({
            to: z.string().min(3),
            from: z.string().min(3),
            smarthost: z.string().regex(/^[^:]+:\d+$/, "host:port"),
            username: z.string().optional(),
            password: z.string().optional(),
        })
        .optional(),
}) satisfies z.ZodType<AlertmanagerReceivers>;
export type { AlertmanagerReceivers };

export type Environment = RawStackConfig["environment"];
export type Cloud = NonNullable<RawStackConfig["cloud"]>;
