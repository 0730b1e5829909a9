/** The resolved config the program runs on: validated, with every default filled in. */
import type * as pulumi from "@pulumi/pulumi";
import type {
    AirflowConfig,
    AlertmanagerReceivers,
    AwsConfig,
    Cloud,
    ControlPlaneConfig,
    DatabaseConfig,
    DeliveryConfig,
    DevspaceConfig,
    DevspaceEntry,
    Environment,
    ExistingClusterConfig,
    ExposureConfig,
    GcpConfig,
    ImagesConfig,
    MonitoringConfig,
    NodePoolConfig,
    RawStackConfig,
    Resources,
} from "./schema";
import type { AirflowComponent } from "../../components/airflow/args";
import type { ConfigIssue } from "./errors";

export interface StackSecrets {
    dagsGitSshKey?: pulumi.Output<string>;
    dagsGitToken?: pulumi.Output<string>;
    alertmanagerReceivers?: pulumi.Output<AlertmanagerReceivers>;
    existingKubeconfig?: pulumi.Output<string>;
}

export interface ResolvedAirflowConfig extends Omit<
    AirflowConfig,
    | "resources"
    | "apiServerReplicas"
    | "schedulerReplicas"
    | "triggererReplicas"
    | "dagProcessorReplicas"
    | "workers"
    | "databaseCleanup"
> {
    databaseCleanup: Required<AirflowConfig["databaseCleanup"]>;
    resources: Record<AirflowComponent, Resources>;
    apiServerReplicas: number;
    schedulerReplicas: number;
    triggererReplicas: number;
    dagProcessorReplicas: number;
    workers: Omit<AirflowConfig["workers"], "concurrency" | "autoscaling"> & {
        /** Tasks per Celery worker: as configured, or what the worker memory holds. */
        concurrency: number;
        autoscaling: Required<AirflowConfig["workers"]["autoscaling"]>;
    };
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
    nodePools: { onDemand: NodePoolConfig; spot: NodePoolConfig; fallback: NodePoolConfig };
    database: DatabaseConfig & { mode: "bundled" | "managed" };
    airflow: ResolvedAirflowConfig;
    monitoring: MonitoringConfig;
    exposure: ExposureConfig;
    devspace?: DevspaceConfig;
    /** Platform stacks: the devspaces whose namespace, RBAC, quota and network policy this stack owns. */
    devspaces: DevspaceEntry[];
    /** How CI delivers the stack (backend, secrets provider, runner); the program only validates it. */
    delivery: DeliveryConfig;
    /** Where Docker Hub's images are pulled from. */
    images: ImagesConfig;
    secrets: StackSecrets;
    /** Config that plans but is probably not what was meant (a key nothing reads); logged before any resource. */
    warnings: ConfigIssue[];
}
