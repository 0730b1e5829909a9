/**
 * The stack configuration: one schema for everything a stack can set, its documented defaults, and the loader that
 * validates it once, before any resource is registered.
 *
 * Every key lives under the `airflow-platform:` namespace in `Pulumi.<stack>.yaml`. Secrets are separate top-level
 * keys (see `SECRET_KEYS`) so that `pulumi config set --secret` can hold them without making whole objects secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export const PROJECT = "airflow-platform";

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

const quantityCpu = z
    .string()
    .regex(/^\d+(\.\d+)?m?$/, "a Kubernetes CPU quantity such as \"250m\" or \"2\"");
const quantityMemory = z
    .string()
    .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, "a Kubernetes memory quantity such as \"512Mi\" or \"4Gi\"");
const duration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, "a duration such as \"30s\", \"15m\", \"24h\" or \"15d\"");
const semver = z.string().regex(/^\d+\.\d+\.\d+$/, "an exact version such as \"3.1.8\" (never a range or \"latest\")");
const labelMap = z.record(z.string(), z.string());

/** Requests (and optional limits) for one component. */
export const resourcesSchema = z.strictObject({
    cpu: quantityCpu.describe("CPU request"),
    memory: quantityMemory.describe("Memory request; also the memory limit"),
});
export type Resources = z.infer<typeof resourcesSchema>;

const tolerationSchema = z.strictObject({
    key: z.string().min(1),
    operator: z.enum(["Equal", "Exists"]).default("Equal"),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

const placementSchema = z.strictObject({
    nodeSelector: labelMap.default({}).describe("Node labels the pool's nodes carry"),
    tolerations: z.array(tolerationSchema).default([]).describe("Tolerations for the pool's taints"),
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
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR").describe("GKE release channel"),
    sharedStorage: z
        .enum(["basic-hdd", "enterprise-multishare"])
        .default("basic-hdd")
        .describe(
            "Filestore behind the ReadWriteMany class: basic-hdd makes one zonal BASIC_HDD instance per PVC; " +
                "enterprise-multishare packs PVCs (10Gi..128Gi each, up to 80) as shares of one regional Enterprise instance. See docs/cluster.md",
        ),
    network: z
        .strictObject({
            existingNetwork: z.string().optional().describe("Use this VPC network (by name) instead of creating one"),
            existingSubnetwork: z
                .string()
                .optional()
                .describe("Use this subnetwork (by name); it must have the pods and services secondary ranges"),
            podsRangeName: z.string().default("pods").describe("Secondary range name for pods"),
            servicesRangeName: z.string().default("services").describe("Secondary range name for services"),
            nodesCidr: z.string().default("10.10.0.0/20").describe("Primary range of a created subnetwork"),
            podsCidr: z.string().default("10.20.0.0/14").describe("Pods secondary range of a created subnetwork"),
            servicesCidr: z.string().default("10.30.0.0/20").describe("Services secondary range of a created subnetwork"),
            masterIpv4CidrBlock: z.string().default("172.16.0.0/28").describe("Control plane range for private nodes"),
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
                "Unset: open to the internet (a prod stack warns). CI runners and devspace users must be inside them",
        ),
});

const accessEntrySchema = z.strictObject({
    principalArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, "an IAM role or user ARN"),
    accessPolicy: z
        .enum(["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"])
        .default("AmazonEKSClusterAdminPolicy"),
    namespaces: z.array(z.string()).optional().describe("Limit the policy to these namespaces; cluster-wide if unset"),
});

const awsSchema = z.strictObject({
    region: z
        .string({ error: "is required with cloud eks: an AWS region such as eu-west-1" })
        .min(1, "is required with cloud eks: an AWS region such as eu-west-1")
        .describe("AWS region, e.g. eu-west-1. Required with cloud=eks"),
    authenticationMode: z
        .enum(["API", "API_AND_CONFIG_MAP"])
        .default("API")
        .describe("EKS access mode; API uses access entries only"),
    accessEntries: z.array(accessEntrySchema).default([]).describe("IAM principals granted cluster access"),
    workloadIdentity: z
        .enum(["pod-identity", "irsa"])
        .default("pod-identity")
        .describe("How service accounts get IAM roles: EKS Pod Identity or IRSA"),
    vpc: z
        .strictObject({
            existingVpcId: z.string().optional().describe("Use this VPC instead of creating one"),
            privateSubnetIds: z.array(z.string()).optional().describe("Private subnets (nodes, EFS, RDS) of the existing VPC"),
            publicSubnetIds: z.array(z.string()).optional().describe("Public subnets (internet-facing load balancers)"),
            cidrBlock: z.string().default("10.0.0.0/16").describe("CIDR of a created VPC"),
            availabilityZones: z.number().int().min(2).max(6).default(3).describe("AZs of a created VPC"),
            natGateways: z.enum(["single", "one-per-az"]).default("single").describe("NAT gateway strategy of a created VPC"),
        })
        .prefault({}),
});

const existingSchema = z.strictObject({
    context: z.string().optional().describe("kubeconfig context to use (of the default kubeconfig, or of `existingKubeconfig`)"),
    sharedStorageClassName: z.string().min(1).describe("A ReadWriteMany StorageClass already in the cluster"),
    blockStorageClassName: z
        .string()
        .min(1)
        .optional()
        .describe(
            "A ReadWriteOnce StorageClass already in the cluster, for Prometheus, Alertmanager, Grafana, Redis and the bundled Postgres. " +
                "Default: unset, the volumes take the cluster's default StorageClass",
        ),
    storageProvisioner: z.string().optional().describe("Informational: the RWX provisioner behind it"),
    placement: z
        .strictObject({ onDemand: placementSchema.prefault({}), spot: placementSchema.prefault({}) })
        .prefault({})
        .describe("How on-demand and spot nodes are labelled and tainted in this cluster"),
    ingressClassName: z.string().default("nginx").describe("Ingress class of the cluster's ingress controller"),
});

// ---------------------------------------------------------------------------------------------------------------
// Node pools, database
// ---------------------------------------------------------------------------------------------------------------

const poolSchema = z.strictObject({
    machineTypes: z
        .array(z.string().min(1))
        .optional()
        .describe(
            "GKE machine type (exactly one) or EKS instance types (several give spot capacity diversity). " +
                "Default: e2-standard-4 / n2-standard-4 on GKE; m6i.xlarge / m6i, m6a, m5, m7i .xlarge on EKS",
        ),
    minNodes: z.number().int().min(0).max(1000).optional().describe("Autoscaling minimum. Default: 1 on-demand, 0 spot"),
    maxNodes: z.number().int().min(1).max(1000).optional().describe("Autoscaling maximum. Default: 3 on-demand, 10 spot"),
    diskSizeGb: z.number().int().min(20).max(4000).default(100).describe("Boot disk size (GB)"),
});
/** A node pool with every default resolved. */
export interface NodePoolConfig {
    machineTypes: string[];
    minNodes: number;
    maxNodes: number;
    diskSizeGb: number;
}

const databaseSchema = z.strictObject({
    mode: z
        .enum(["bundled", "managed"])
        .optional()
        .describe("managed: Cloud SQL or RDS PostgreSQL; bundled: the chart's Postgres. Default: managed in prod, bundled otherwise"),
    postgresVersion: z.enum(["15", "16", "17"]).default("16").describe("PostgreSQL major version of a managed database"),
    tier: z
        .string()
        .optional()
        .describe("Cloud SQL tier or RDS instance class. Default: db-custom-2-7680 on GKE, db.t4g.medium on EKS"),
    storageGb: z.number().int().min(10).max(16384).default(50).describe("Allocated storage (GB)"),
    highAvailability: z.boolean().default(false).describe("Regional Cloud SQL / Multi-AZ RDS"),
    backupRetentionDays: z
        .number()
        .int()
        .min(0)
        .max(35)
        .default(7)
        .describe("Daily backups kept (0: none). On gke, point-in-time recovery keeps one day less of logs (at most 7), so 1 is refused"),
});

// ---------------------------------------------------------------------------------------------------------------
// Airflow
// ---------------------------------------------------------------------------------------------------------------

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
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default("airflow").describe("Namespace of the release"),
    version: semver.default("3.1.8").describe("Airflow version (image tag of apache/airflow)"),
    chartVersion: semver.default("1.20.0").describe("Version of the apache-airflow/airflow Helm chart"),
    image: z
        .strictObject({
            repository: z.string().default("apache/airflow"),
            tag: z.string().optional().describe("Defaults to `version`; set it for a custom image built on that version"),
        })
        .prefault({}),
    executor: z
        .enum(["celery-kubernetes", "celery", "kubernetes", "CeleryKubernetesExecutor", "CeleryExecutor,KubernetesExecutor"])
        .default("celery-kubernetes")
        .describe(
            "celery-kubernetes: CeleryKubernetesExecutor on 2.x, `CeleryExecutor,KubernetesExecutor` on 3.x. " +
                "The two explicit forms pin one: CeleryKubernetesExecutor (2.x only), the multi-executor (2.10+ and 3.x)",
        ),
    kubernetesQueue: z
        .string()
        .min(1)
        .default("kubernetes")
        .describe("Airflow 2.x: the Celery queue whose tasks run as KubernetesExecutor pods"),
    workers: z
        .strictObject({
            replicas: z.number().int().min(0).max(200).default(1).describe("Celery worker replicas"),
            concurrency: z.number().int().min(1).max(256).default(16).describe("Tasks per Celery worker"),
            terminationGracePeriodSeconds: z
                .number()
                .int()
                .min(30)
                .max(86400)
                .default(600)
                .describe("Time a worker gets for a warm shutdown when its spot node is reclaimed"),
        })
        .prefault({}),
    apiServerReplicas: z.number().int().min(1).max(10).optional().describe("Default: 1 in dev, 2 in prod"),
    schedulerReplicas: z.number().int().min(1).max(10).optional().describe("Default: 1 in dev, 2 in prod"),
    dags: z
        .strictObject({
            repo: z
                .string()
                .regex(/^(https:\/\/|git@|ssh:\/\/)/, "an https:// or ssh (git@… / ssh://) Git URL")
                .describe("Git repository of the DAGs"),
            branch: z.string().min(1).default("main"),
            subPath: z.string().default("dags").describe("Folder of the DAGs inside the repo"),
            period: duration.default("60s").describe("git-sync polling period"),
            credentials: z
                .enum(["none", "ssh", "https"])
                .default("none")
                .describe("ssh: the secret `dagsGitSshKey` + `airflow.dags.knownHosts`; https: `airflow.dags.username` + the secret `dagsGitToken`"),
            knownHosts: z.string().optional().describe("known_hosts lines for the ssh host (not secret)"),
            username: z.string().optional().describe("HTTPS username (not secret; the token is)"),
        })
        .describe("Where the DAGs come from (git-sync)"),
    logs: z
        .strictObject({
            mode: z
                .enum(["shared-volume", "remote"])
                .default("shared-volume")
                .describe("shared-volume: RWX PVC (EFS/Filestore); remote: a bucket through workload identity"),
            size: quantityMemory.default("50Gi").describe("Size of the log PVC"),
            remoteBaseFolder: z
                .string()
                .regex(/^(s3|gs):\/\/[^/]+/, "an s3:// or gs:// URL")
                .optional()
                .describe("Bucket URL for remote logging, e.g. s3://my-logs/airflow; required with mode=remote"),
        })
        .prefault({}),
    flower: z
        .strictObject({ enabled: z.boolean().default(false).describe("Run Celery Flower (basic auth from a generated secret)") })
        .prefault({}),
    resources: airflowComponentsResources,
    extraConfig: z
        .record(z.string(), z.record(z.string(), z.string()))
        .default({})
        .describe("Extra airflow.cfg settings by section, e.g. { core: { parallelism: \"64\" } }"),
});

// ---------------------------------------------------------------------------------------------------------------
// Monitoring, exposure, devspace
// ---------------------------------------------------------------------------------------------------------------

const monitoringSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Install kube-prometheus-stack and the Airflow mixin"),
    namespace: z.string().default("monitoring"),
    kubePrometheusStackVersion: semver.default("88.5.3"),
    prometheusOperatorCrdsVersion: semver.default("31.0.1"),
    statsdExporterImageTag: z.string().regex(/^v\d+\.\d+\.\d+$/).default("v0.28.0").describe("quay.io/prometheus/statsd-exporter tag of the Airflow chart's exporter; the mapping is written for it"),
    statsdMappingTtl: z
        .string()
        // statsd-exporter parses a Go duration: no "d" or "w" unit.
        .regex(/^\d+(ms|s|m|h)$/, "a Go duration such as \"30m\" or \"48h\" (statsd-exporter knows no \"d\"; write 48h for 2 days)")
        .default("48h")
        .describe("Series of deleted DAGs and tasks expire after this"),
    prometheus: z
        .strictObject({
            retention: duration.default("15d"),
            storageSize: quantityMemory.default("50Gi"),
            replicas: z.number().int().min(1).max(3).default(1),
        })
        .prefault({}),
    alertmanager: z.strictObject({ replicas: z.number().int().min(1).max(3).default(1) }).prefault({}),
    grafana: z.strictObject({ persistence: z.boolean().default(false) }).prefault({}),
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
        .describe("Internet-facing load balancer; requires TLS (EKS: tls.certificateArn; GKE: the managed certificate)"),
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
                .describe("GKE, public only: a Google-managed certificate for `host` (none exists for internal load balancers)"),
            secretName: z
                .string()
                .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Kubernetes Secret name")
                .optional()
                .describe("GKE internal: a kubernetes.io/tls Secret for `host` in the Airflow namespace (e.g. from cert-manager): HTTPS, HTTP redirected"),
        })
        .prefault({}),
    grafanaPath: z
        .string()
        .regex(/^\/[a-z0-9-]+$/, "one path segment such as /grafana")
        .default("/grafana")
        .describe("Grafana's path; its root_url and serve_from_sub_path follow"),
    flowerPath: z
        .string()
        .regex(/^\/[a-z0-9-]+$/, "one path segment such as /flower")
        .default("/flower")
        .describe("Flower's path (with airflow.flower.enabled); Airflow's [celery] flower_url_prefix follows"),
    awsLoadBalancerControllerVersion: z
        .enum(["1.14.0"])
        .default("1.14.0")
        .describe("EKS: eks-charts aws-load-balancer-controller chart version (1.14.0 = controller v2.14.0); only versions whose IAM policy is vendored"),
    gkeProxyOnlySubnetCidr: z
        .string()
        .regex(/^\d+\.\d+\.\d+\.\d+\/(2[0-6]|1\d)$/, "a CIDR block of /26 or larger")
        .default("10.10.16.0/23")
        .describe("GKE, internal: the proxy-only subnet created in a created network (an existing network must have one)"),
});

const devspaceSchema = z.strictObject({
    developer: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, "a DNS label: lower-case letters, digits and dashes")
        .describe("The developer's handle; the namespace is `devspace-<developer>`"),
    baseStack: z.string().min(1).describe("Stack reference of the shared dev cluster, e.g. acme/airflow-platform/dev"),
    branch: z.string().min(1).describe("The developer's DAG branch"),
    quota: z
        .strictObject({
            cpu: quantityCpu.default("2"),
            memory: quantityMemory.default("4Gi"),
        })
        .prefault({}),
});

// ---------------------------------------------------------------------------------------------------------------
// The whole stack
// ---------------------------------------------------------------------------------------------------------------

export const stackConfigSchema = z.strictObject({
    stackKind: z
        .enum(["platform", "devspace"])
        .default("platform")
        .describe("platform: cluster + Airflow + monitoring; devspace: a developer's Airflow on the shared dev cluster"),
    environment: z.enum(["dev", "staging", "prod"]).default("dev").describe("prod turns on deletion protection"),
    cloud: z.enum(["gke", "eks", "existing"]).optional().describe("Where the cluster runs. Required for platform stacks"),
    clusterName: z
        .string()
        .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/)
        .optional()
        .describe("Default: airflow-<stack>"),
    kubernetesVersion: z.string().regex(/^1\.\d+$/).default("1.33").describe("Control plane minor version (EKS)"),
    controlPlane: controlPlaneSchema.prefault({}),
    deletionProtection: z.boolean().optional().describe("Protect cluster, database and volumes. Default: true in prod"),
    gcp: gcpSchema.optional(),
    aws: awsSchema.optional(),
    existing: existingSchema.optional(),
    nodePools: z
        .strictObject({
            onDemand: poolSchema.optional(),
            spot: poolSchema.optional(),
        })
        .optional(),
    database: databaseSchema.prefault({}),
    airflow: airflowSchema.optional(),
    monitoring: monitoringSchema.prefault({}),
    exposure: exposureSchema.prefault({}),
    devspace: devspaceSchema.optional(),
});

/** The validated stack config, before environment-dependent defaults are resolved. */
export type RawStackConfig = z.infer<typeof stackConfigSchema>;
export type AirflowConfig = z.infer<typeof airflowSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
export type ExposureConfig = z.infer<typeof exposureSchema>;
export type DevspaceConfig = z.infer<typeof devspaceSchema>;
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
        "JSON: Alertmanager receivers, e.g. {\"slack\":{\"apiUrl\":\"https://hooks.slack.com/…\",\"channel\":\"#airflow\"},\"webhook\":{\"url\":\"…\"},\"email\":{\"to\":\"…\",\"from\":\"…\",\"smarthost\":\"smtp:587\",\"username\":\"…\",\"password\":\"…\"}}",
    existingKubeconfig: "kubeconfig of an existing cluster (cloud=existing); the default kubeconfig is used if unset",
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

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
});
export type AlertmanagerReceivers = z.infer<typeof alertmanagerReceiversSchema>;


export type Environment = RawStackConfig["environment"];
export type Cloud = NonNullable<RawStackConfig["cloud"]>;

// ---------------------------------------------------------------------------------------------------------------
// Environment-dependent defaults, in one table
// ---------------------------------------------------------------------------------------------------------------

/** Default pools per cloud: general-purpose on-demand nodes, and several spot types for capacity diversity. */
export const DEFAULT_NODE_POOLS: Record<"gke" | "eks", { onDemand: string[]; spot: string[] }> = {
    gke: { onDemand: ["e2-standard-4"], spot: ["n2-standard-4"] },
    eks: { onDemand: ["m6i.xlarge"], spot: ["m6i.xlarge", "m6a.xlarge", "m5.xlarge", "m7i.xlarge"] },
};

type AirflowComponent = keyof AirflowResourceOverrides;

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
        statsd: { cpu: "100m", memory: "128Mi" },
        postgres: { cpu: "250m", memory: "512Mi" },
        gitSync: { cpu: "50m", memory: "64Mi" },
    },
};

// ---------------------------------------------------------------------------------------------------------------
// The resolved config the program runs on
// ---------------------------------------------------------------------------------------------------------------

export interface StackSecrets {
    dagsGitSshKey?: pulumi.Output<string>;
    dagsGitToken?: pulumi.Output<string>;
    alertmanagerReceivers?: pulumi.Output<AlertmanagerReceivers>;
    existingKubeconfig?: pulumi.Output<string>;
}

export interface ResolvedAirflowConfig extends Omit<AirflowConfig, "resources" | "apiServerReplicas" | "schedulerReplicas"> {
    resources: Record<AirflowComponent, Resources>;
    apiServerReplicas: number;
    schedulerReplicas: number;
    /** The major version, 2 or 3: it decides the executor string and the chart's component names. */
    majorVersion: 2 | 3;
}

/** Everything a stack runs on, validated, with every default resolved. */
export interface StackConfig {
    stack: string;
    stackKind: RawStackConfig["stackKind"];
    environment: Environment;
    /** True for prod: stateful resources are protected and deletion protection is on. */
    production: boolean;
    cloud: Cloud;
    clusterName: string;
    kubernetesVersion: string;
    /** Who may reach the Kubernetes API endpoint (GKE and EKS). */
    controlPlane: ControlPlaneConfig;
    deletionProtection: boolean;
    gcp?: GcpConfig;
    aws?: AwsConfig;
    existing?: ExistingClusterConfig;
    nodePools: { onDemand: NodePoolConfig; spot: NodePoolConfig };
    database: DatabaseConfig & { mode: "bundled" | "managed" };
    airflow: ResolvedAirflowConfig;
    monitoring: MonitoringConfig;
    exposure: ExposureConfig;
    devspace?: DevspaceConfig;
    secrets: StackSecrets;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

export interface ConfigIssue {
    /** Full key, e.g. `airflow-platform:nodePools.spot.maxNodes`. */
    key: string;
    message: string;
    /** The value given, when there was one. */
    value?: unknown;
}

/** A stack config that cannot be deployed. Thrown before any resource is registered. */
export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly issues: ConfigIssue[],
    ) {
        super(
            `Invalid config for stack "${stack}":\n` +
                issues
                    .map((i) => `  - ${i.key}${i.value === undefined ? "" : ` = ${JSON.stringify(i.value)}`}: ${i.message}`)
                    .join("\n"),
        );
        this.name = "ConfigError";
    }
}

export function fullKey(path: readonly PropertyKey[]): string {
    let key = `${PROJECT}:`;
    path.forEach((part, i) => {
        if (typeof part === "number") key += `[${part}]`;
        else key += `${i === 0 ? "" : "."}${String(part)}`;
    });
    return key;
}

function describeZodIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => ({
            key: fullKey([...issue.path, k]),
            message: `unknown key; allowed here: ${describeAllowedKeys(issue.path)}`,
        }));
    }
    const value = issue.input;
    return [{ key: fullKey(issue.path), message: issue.message, value: value === undefined ? undefined : value }];
}

function describeAllowedKeys(path: readonly PropertyKey[]): string {
    let schema: z.core.$ZodType = stackConfigSchema;
    for (const part of path) {
        schema = unwrap(schema);
        const shape = (schema as z.ZodObject)._zod.def.shape as Record<string, z.core.$ZodType> | undefined;
        if (typeof part === "number") {
            const element = (schema as unknown as z.ZodArray)._zod.def.element;
            if (!element) return "(see the README)";
            schema = element;
        } else if (shape && shape[String(part)]) schema = shape[String(part)];
        else return "(see the README)";
    }
    const shape = (unwrap(schema) as z.ZodObject)._zod.def.shape as Record<string, unknown> | undefined;
    return shape ? Object.keys(shape).join(", ") : "(see the README)";
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
        const def = current._zod.def as { innerType?: z.core.$ZodType; type: string };
        if (def.innerType && ["optional", "default", "prefault", "nullable"].includes(def.type)) current = def.innerType;
        else return current;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------------

/** Reads `airflow-platform:*` from the Pulumi config into one raw object; JSON object and array values are parsed. */
function readRawConfig(all: Record<string, string>): { raw: Record<string, unknown>; secretValues: Record<string, string> } {
    const raw: Record<string, unknown> = {};
    const secretValues: Record<string, string> = {};
    for (const [fullName, text] of Object.entries(all)) {
        if (!fullName.startsWith(`${PROJECT}:`)) continue;
        const key = fullName.slice(PROJECT.length + 1);
        if (key in SECRET_KEYS) {
            secretValues[key] = text;
            continue;
        }
        raw[key] = parseScalarOrJson(text);
    }
    return { raw, secretValues };
}

function parseScalarOrJson(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return text;
        }
    }
    if (trimmed === "true" || trimmed === "false") return trimmed === "true";
    return text;
}

/**
 * Validates a raw config object (as read from `Pulumi.<stack>.yaml`) and resolves every default. Pure: no Pulumi
 * runtime needed, so tests and the offline plan call it directly. `secretKeysSet` names the secret keys present.
 */
export function parseStackConfig(
    stack: string,
    raw: Record<string, unknown>,
    secretValues: Record<string, string> = {},
    plainTextKeys: string[] = [],
): StackConfig {
    const issues: ConfigIssue[] = [];
    for (const key of plainTextKeys) {
        issues.push({ key: `${PROJECT}:${key}`, message: "is a secret: set it with `pulumi config set --secret`" });
    }
    const parsed = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
        issues.push(...parsed.error.issues.flatMap(describeZodIssue));
        throw new ConfigError(stack, issues);
    }
    let receivers: AlertmanagerReceivers | undefined;
    if (secretValues.alertmanagerReceivers !== undefined) {
        let json: unknown;
        try {
            json = JSON.parse(secretValues.alertmanagerReceivers);
        } catch {
            issues.push({ key: `${PROJECT}:alertmanagerReceivers`, message: "must be a JSON object" });
        }
        const r = alertmanagerReceiversSchema.safeParse(json);
        // Never echo a secret's value in an error.
        if (json !== undefined && !r.success) {
            issues.push(
                ...r.error.issues.map((i) => ({
                    key: fullKey(["alertmanagerReceivers", ...i.path]),
                    message: i.code === "unrecognized_keys" ? `unknown key(s) ${i.keys.join(", ")}` : i.message,
                })),
            );
        } else if (r.success) receivers = r.data;
    }
    const resolved = resolve(stack, parsed.data, secretValues, receivers, issues);
    if (issues.length > 0) throw new ConfigError(stack, issues);
    return resolved;
}

function resolve(
    stack: string,
    c: RawStackConfig,
    secretValues: Record<string, string>,
    receivers: AlertmanagerReceivers | undefined,
    issues: ConfigIssue[],
): StackConfig {
    const problem = (path: PropertyKey[], message: string, value?: unknown) =>
        issues.push({ key: fullKey(path), message, value });
    const production = c.environment === "prod";

    // Which stack shape this is.
    if (c.stackKind === "devspace" && !c.devspace) problem(["devspace"], "is required when stackKind is devspace");
    if (c.stackKind === "platform" && c.devspace) problem(["devspace"], "is only for stackKind devspace");
    const cloud: Cloud = c.cloud ?? (c.stackKind === "devspace" ? "existing" : "gke");
    if (!c.cloud && c.stackKind === "platform") problem(["cloud"], "is required: one of gke, eks, existing");
    if (c.stackKind === "devspace" && c.devspace) checkDevspace(c, problem);

    // Each cloud needs its own section.
    if (c.stackKind === "platform") {
        if (cloud === "gke" && !c.gcp) problem(["gcp"], "is required when cloud is gke (gcp.project and gcp.region)");
        if (cloud === "eks" && !c.aws) problem(["aws"], "is required when cloud is eks (aws.region)");
        if (cloud === "existing") {
            if (!c.existing) problem(["existing"], "is required when cloud is existing (sharedStorageClassName, placement)");
            else if (!c.existing.context && secretValues.existingKubeconfig === undefined)
                problem(["existing", "context"], "set existing.context or the secret existingKubeconfig to reach the cluster");
        }
        if (cloud !== "gke" && c.gcp) problem(["gcp"], `is only used with cloud gke, not ${cloud}`);
        if (cloud !== "eks" && c.aws) problem(["aws"], `is only used with cloud eks, not ${cloud}`);
        if (cloud !== "existing" && c.existing) problem(["existing"], `is only used with cloud existing, not ${cloud}`);
    }

    // Node pools: cloud defaults, then range checks.
    const defaults = cloud === "eks" ? DEFAULT_NODE_POOLS.eks : DEFAULT_NODE_POOLS.gke;
    const pools = {
        onDemand: withDefaultTypes(c.nodePools?.onDemand, defaults.onDemand, { minNodes: 1, maxNodes: 3 }),
        spot: withDefaultTypes(c.nodePools?.spot, defaults.spot, { minNodes: 0, maxNodes: 10 }),
    };
    for (const pool of ["onDemand", "spot"] as const) {
        const p = pools[pool];
        if (p.minNodes > p.maxNodes)
            problem(["nodePools", pool, "minNodes"], `must not exceed nodePools.${pool}.maxNodes (${p.maxNodes})`, p.minNodes);
        if (c.nodePools?.[pool]?.machineTypes?.length === 0)
            problem(["nodePools", pool, "machineTypes"], "must list at least one machine or instance type", []);
        if (cloud === "gke" && p.machineTypes.length > 1)
            problem(["nodePools", pool, "machineTypes"], "a GKE node pool has exactly one machine type", p.machineTypes);
    }
    if (pools.onDemand.minNodes < 1)
        problem(["nodePools", "onDemand", "minNodes"], "must be at least 1: the control plane lives there", pools.onDemand.minNodes);

    // Database.
    const databaseMode = c.database.mode ?? (production && cloud !== "existing" ? "managed" : "bundled");
    if (databaseMode === "managed" && cloud === "existing")
        problem(["database", "mode"], "managed needs cloud gke or eks; use bundled on an existing cluster", "managed");

    checkClusterLayer(c, cloud, databaseMode, problem);

    // Airflow.
    const airflowRaw = c.airflow;
    if (!airflowRaw) problem(["airflow"], "is required (at least airflow.dags.repo)");
    const airflow = airflowRaw ? resolveAirflow(airflowRaw, production) : (undefined as unknown as ResolvedAirflowConfig);
    if (airflowRaw) {
        checkAirflow(airflow, cloud, secretValues, problem);
        // Chart 1.20 renders the pod template from `workers.resources`; with Celery in the mix the workers' size wins.
        if (airflowRaw.resources.kubernetesTask && airflow.executor !== "kubernetes")
            problem(
                ["airflow", "resources", "kubernetesTask"],
                `applies only with airflow.executor "kubernetes"; with "${airflow.executor}" task pods get resources.workers ` +
                    "(size single tasks with executor_config pod_override)",
            );
    }

    // Exposure.
    if (c.exposure.enabled && !c.exposure.host)
        problem(["exposure", "host"], "is required when exposure is enabled: Airflow's base_url and Grafana's root_url need an absolute URL");
    if (c.exposure.enabled && c.exposure.public) {
        if (cloud === "eks" && !c.exposure.tls.certificateArn)
            problem(["exposure", "tls", "certificateArn"], "a public load balancer needs TLS: set an ACM certificate ARN");
        if (cloud === "gke" && !c.exposure.tls.managedCertificate)
            problem(["exposure", "tls", "managedCertificate"], "a public load balancer needs TLS: keep the Google-managed certificate on", false);
        if (cloud === "existing") problem(["exposure", "public"], "is not supported on an existing cluster; expose it there", true);
    }
    if (c.exposure.enabled && c.exposure.tls.secretName && (cloud !== "gke" || c.exposure.public))
        problem(
            ["exposure", "tls", "secretName"],
            cloud === "gke" ? "is for the internal Gateway; a public one uses the Google-managed certificate" : "is for GKE",
            c.exposure.tls.secretName,
        );
    if (c.exposure.enabled && cloud !== "eks" && c.exposure.tls.certificateArn)
        problem(["exposure", "tls", "certificateArn"], `is for EKS; ${cloud === "gke" ? "GKE uses a Google-managed certificate" : "an existing cluster's controller holds its own"}`);
    const certificateRegion = c.exposure.tls.certificateArn?.split(":")[3];
    if (c.exposure.enabled && cloud === "eks" && c.aws && certificateRegion && certificateRegion !== c.aws.region)
        problem(["exposure", "tls", "certificateArn"], `must be an ACM certificate in aws.region (${c.aws.region}): an ALB only uses certificates of its own region`, c.exposure.tls.certificateArn);

    return {
        stack,
        stackKind: c.stackKind,
        environment: c.environment,
        production,
        cloud,
        clusterName: c.clusterName ?? `airflow-${stack}`.slice(0, 40).replace(/-+$/, ""),
        kubernetesVersion: c.kubernetesVersion,
        controlPlane: c.controlPlane,
        deletionProtection: c.deletionProtection ?? production,
        gcp: c.gcp,
        aws: c.aws,
        existing: c.existing,
        nodePools: pools,
        database: { ...c.database, mode: databaseMode },
        airflow,
        monitoring: c.monitoring,
        exposure: c.exposure,
        devspace: c.devspace,
        secrets: {
            dagsGitSshKey: secretOutput(secretValues.dagsGitSshKey),
            dagsGitToken: secretOutput(secretValues.dagsGitToken),
            existingKubeconfig: secretOutput(secretValues.existingKubeconfig),
            alertmanagerReceivers: receivers ? pulumi.secret(receivers) : undefined,
        },
    };
}

function secretOutput(value: string | undefined): pulumi.Output<string> | undefined {
    return value === undefined ? undefined : pulumi.secret(value);
}

/** Cross-checks of the cluster layer (issue 3): networks that must come in pairs, and database sizes per cloud. */
function checkClusterLayer(c: RawStackConfig, cloud: Cloud, databaseMode: "bundled" | "managed", problem: Problem) {
    const gcpNetwork = c.gcp?.network;
    if (gcpNetwork?.existingSubnetwork && !gcpNetwork.existingNetwork)
        problem(["gcp", "network", "existingNetwork"], "is required with gcp.network.existingSubnetwork: name the subnetwork's VPC network");
    const vpc = c.aws?.vpc;
    if (vpc?.existingVpcId && (vpc.privateSubnetIds ?? []).length < 2)
        problem(
            ["aws", "vpc", "privateSubnetIds"],
            "list at least two private subnets (in different AZs) of aws.vpc.existingVpcId: EKS, EFS and RDS need them",
            vpc.privateSubnetIds,
        );
    if (vpc && !vpc.existingVpcId && (vpc.privateSubnetIds || vpc.publicSubnetIds))
        problem(["aws", "vpc", "existingVpcId"], "is required with aws.vpc.privateSubnetIds / publicSubnetIds");
    // Cloud SQL keeps fewer days of PITR logs than backups, and at least one day: PITR needs two backups.
    if (cloud === "gke" && databaseMode === "managed" && c.database.backupRetentionDays === 1)
        problem(
            ["database", "backupRetentionDays"],
            "must be 0 (no backups) or at least 2 on gke: point-in-time recovery keeps 1–7 days of logs and Cloud SQL needs more retained backups than log days",
            1,
        );
    // A multishare is 10Gi..128Gi: the StorageClass caps shares at 128Gi so that one instance holds 80 of them.
    const logs = c.airflow?.logs;
    if (cloud === "gke" && c.gcp?.sharedStorage === "enterprise-multishare" && logs?.mode === "shared-volume") {
        const bytes = MEMORY_BYTES(logs.size);
        if (bytes < MEMORY_BYTES(MULTISHARE_SIZE.min) || bytes > MEMORY_BYTES(MULTISHARE_SIZE.max))
            problem(
                ["airflow", "logs", "size"],
                `must be between ${MULTISHARE_SIZE.min} and ${MULTISHARE_SIZE.max} with gcp.sharedStorage enterprise-multishare (a Filestore share)`,
                logs.size,
            );
    }
    const tier = c.database.tier;
    if (databaseMode === "managed" && tier) {
        if (cloud === "gke" && !/^db-/.test(tier))
            problem(["database", "tier"], "must be a Cloud SQL tier such as db-custom-2-7680 on gke", tier);
        if (cloud === "eks" && !/^db\./.test(tier))
            problem(["database", "tier"], "must be an RDS instance class such as db.t4g.medium on eks", tier);
    }
}

function withDefaultTypes(
    pool: z.infer<typeof poolSchema> | undefined,
    machineTypes: string[],
    bounds: { minNodes: number; maxNodes: number },
): NodePoolConfig {
    return {
        machineTypes: pool?.machineTypes?.length ? pool.machineTypes : machineTypes,
        minNodes: pool?.minNodes ?? bounds.minNodes,
        maxNodes: pool?.maxNodes ?? bounds.maxNodes,
        diskSizeGb: pool?.diskSizeGb ?? 100,
    };
}

function resolveAirflow(a: AirflowConfig, production: boolean): ResolvedAirflowConfig {
    const sizes = DEFAULT_AIRFLOW_RESOURCES[production ? "production" : "small"];
    const resources = { ...sizes };
    for (const [name, value] of Object.entries(a.resources)) {
        if (value) resources[name as AirflowComponent] = value;
    }
    return {
        ...a,
        resources,
        apiServerReplicas: a.apiServerReplicas ?? (production ? 2 : 1),
        schedulerReplicas: a.schedulerReplicas ?? (production ? 2 : 1),
        majorVersion: Number(a.version.split(".")[0]) >= 3 ? 3 : 2,
    };
}

type Problem = (path: PropertyKey[], message: string, value?: unknown) => void;

/** Size range of one Filestore multishare with max-volume-size 128Gi (GKE Filestore multishares documentation). */
export const MULTISHARE_SIZE = { min: "10Gi", max: "128Gi" } as const;

/** A devspace's ceiling: several must fit on one dev node. */
export const DEVSPACE_MAX_QUOTA = { cpu: "2", memory: "4Gi" } as const;

const CPU_MILLIS = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
const MEMORY_BYTES = (q: string) => {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
    const unit = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }[m?.[2] ?? ""] ?? 1;
    return m ? Number(m[1]) * unit : NaN;
};

/** A devspace runs a small Airflow on the shared dev cluster and owns nothing outside its namespace. */
function checkDevspace(c: RawStackConfig, problem: Problem) {
    const quota = c.devspace!.quota;
    if (CPU_MILLIS(quota.cpu) > CPU_MILLIS(DEVSPACE_MAX_QUOTA.cpu))
        problem(["devspace", "quota", "cpu"], `must be at most ${DEVSPACE_MAX_QUOTA.cpu} so that several devspaces fit on one node`, quota.cpu);
    if (MEMORY_BYTES(quota.memory) > MEMORY_BYTES(DEVSPACE_MAX_QUOTA.memory))
        problem(["devspace", "quota", "memory"], `must be at most ${DEVSPACE_MAX_QUOTA.memory} so that several devspaces fit on one node`, quota.memory);
    if (c.environment === "prod") problem(["environment"], "a devspace is a dev environment: use dev", c.environment);
    if (c.database.mode === "managed") problem(["database", "mode"], "a devspace uses the chart's bundled Postgres", "managed");
    if (c.exposure.enabled) problem(["exposure", "enabled"], "a devspace has no load balancer; use kubectl port-forward", true);
    if (c.airflow?.logs.mode === "remote")
        problem(["airflow", "logs", "mode"], "a devspace cannot bind cloud identities on the shared cluster; use shared-volume", "remote");
    if (c.airflow?.executor === "celery")
        problem(["airflow", "executor"], "a devspace runs its tasks on the KubernetesExecutor: use kubernetes or celery-kubernetes", "celery");
    for (const key of ["gcp", "aws", "existing", "nodePools"] as const)
        if (c[key]) problem([key], "is not used by a devspace: the cluster comes from devspace.baseStack");
    if (c.controlPlane.authorizedNetworks)
        problem(["controlPlane", "authorizedNetworks"], "is not used by a devspace: set it on devspace.baseStack's cluster");
}

function checkAirflow(a: ResolvedAirflowConfig, cloud: Cloud, secrets: Record<string, string>, problem: Problem) {
    const major = Number(a.version.split(".")[0]);
    if (major < 2 || major > 3) problem(["airflow", "version"], "must be a 2.x or 3.x release", a.version);
    const [, minor] = a.version.split(".").map(Number);
    if (a.executor === "CeleryKubernetesExecutor" && major >= 3)
        problem(
            ["airflow", "executor"],
            "Airflow 3 removed CeleryKubernetesExecutor; use \"celery-kubernetes\" (the multi-executor CeleryExecutor,KubernetesExecutor, " +
                "where a task picks its pod with executor=\"KubernetesExecutor\")",
            a.executor,
        );
    if (a.executor === "CeleryExecutor,KubernetesExecutor" && major === 2 && minor < 10)
        problem(
            ["airflow", "executor"],
            `needs Airflow 2.10 or later (multiple executors arrived in 2.10; airflow.version is ${a.version}); use "celery-kubernetes"`,
            a.executor,
        );
    if (a.flower.enabled && a.executor === "kubernetes")
        problem(["airflow", "flower", "enabled"], "Flower monitors Celery workers; executor kubernetes has none", true);
    if (a.dags.credentials === "ssh") {
        if (!a.dags.knownHosts)
            problem(["airflow", "dags", "knownHosts"], "is required with credentials ssh: without it git-sync skips host key checking");
        if (secrets.dagsGitSshKey === undefined)
            problem(["dagsGitSshKey"], "is required (as a secret) when airflow.dags.credentials is ssh");
        if (!a.dags.repo.startsWith("git@") && !a.dags.repo.startsWith("ssh://"))
            problem(["airflow", "dags", "repo"], "must be an ssh URL (git@… or ssh://…) when credentials is ssh", a.dags.repo);
    }
    if (a.dags.credentials === "https") {
        if (secrets.dagsGitToken === undefined)
            problem(["dagsGitToken"], "is required (as a secret) when airflow.dags.credentials is https");
        if (!a.dags.username) problem(["airflow", "dags", "username"], "is required when airflow.dags.credentials is https");
        if (!a.dags.repo.startsWith("https://"))
            problem(["airflow", "dags", "repo"], "must be an https:// URL when credentials is https", a.dags.repo);
    }
    if (secrets.dagsGitSshKey !== undefined && a.dags.credentials !== "ssh")
        problem(["dagsGitSshKey"], `is set but airflow.dags.credentials is ${a.dags.credentials}: set credentials to ssh, or remove the key`);
    if (secrets.dagsGitToken !== undefined && a.dags.credentials !== "https")
        problem(["dagsGitToken"], `is set but airflow.dags.credentials is ${a.dags.credentials}: set credentials to https, or remove the token`);
    if (a.logs.mode === "remote") {
        if (!a.logs.remoteBaseFolder)
            problem(["airflow", "logs", "remoteBaseFolder"], "is required when airflow.logs.mode is remote");
        else {
            const expected = cloud === "eks" ? "s3://" : cloud === "gke" ? "gs://" : undefined;
            if (expected && !a.logs.remoteBaseFolder.startsWith(expected))
                problem(["airflow", "logs", "remoteBaseFolder"], `must be a ${expected} URL on ${cloud}`, a.logs.remoteBaseFolder);
        }
    }
}

/**
 * Loads and validates the current stack's config from the Pulumi runtime. Throws `ConfigError` (and registers
 * nothing) when the config cannot be deployed.
 */
export function loadStackConfig(): StackConfig {
    const stack = pulumi.getStack();
    const { raw, secretValues } = readRawConfig(pulumi.runtime.allConfig());
    const plainTextSecrets = Object.keys(secretValues).filter(
        (k) => !(pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(`${PROJECT}:${k}`),
    );
    return parseStackConfig(stack, raw, secretValues, plainTextSecrets);
}
