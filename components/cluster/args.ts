/**
 * The cluster layer's Args: `ClusterArgs`, one variant per kind of cluster (`kind: "gke" | "eks" | "existing"`), and
 * the parts the managed kinds share (node pools, control-plane access, the metadata database). Each kind declares its
 * own Args next to its code (gke/args.ts, eks/args.ts, existing/args.ts) with the one pure function that applies its
 * defaults. Plain types: nothing here knows the Pulumi config (stacks/args/cluster.ts maps it).
 */
import type { EksClusterArgs } from "./eks/args";
import type { ExistingClusterArgs } from "./existing/args";
import type { GkeClusterArgs } from "./gke/args";

/** One node pool (GKE) or group of node groups (EKS), every value given. */
export interface NodePoolArgs {
    /**
     * Machine or instance types. GKE: exactly one for the on-demand and fallback pools, one spot pool per machine
     * family; EKS: the instance types of the group (spot: one group per instance shape).
     */
    machineTypes: string[];
    /** Autoscaling minimum (GKE: the region's total; spot: of the first pool only). */
    minNodes: number;
    /** Autoscaling maximum, of each spot pool or group. */
    maxNodes: number;
    /** Boot disk size (GB). */
    diskSizeGb: number;
}

/** The three kinds of pool every managed cluster has (components/cluster/placement.ts labels and taints them). */
export interface NodePoolsArgs {
    /** The control plane's pool: scheduler, API server, DAG processor, triggerer, Redis, monitoring. */
    onDemand: NodePoolArgs;
    /** The work: Celery workers and task pods, tainted so that nothing else lands there. */
    spot: NodePoolArgs;
    /** On-demand capacity the workers take only when no spot capacity can be had; tainted like spot. */
    fallback: NodePoolArgs;
}

/** Who may reach the Kubernetes API endpoint of a GKE or EKS cluster. */
export interface ControlPlaneArgs {
    /**
     * IPv4 CIDR blocks admitted to the public endpoint (GKE master authorized networks, EKS publicAccessCidrs).
     * @default undefined: open to the internet (a production cluster warns)
     */
    authorizedNetworks?: string[];
    /**
     * EKS: blocks inside the VPC (or peered) admitted to the private endpoint on 443.
     * @default undefined: none
     */
    privateAccessCidrs?: string[];
    /**
     * GKE: how kubeconfigs reach the API: the DNS-based endpoint (admitted by IAM) or the IP one.
     * @default "dns"
     */
    endpoint?: "dns" | "ip";
}

/** The Airflow metadata database: the chart's bundled Postgres, or one the cluster layer manages (`Managed`). */
export type DatabaseArgs<Managed> = { mode: "bundled" } | ({ mode: "managed" } & Managed);

/** PostgreSQL major versions the managed databases run. */
export type PostgresVersion = "15" | "16" | "17";

/** What a cluster's ingress driver (components/cluster/ingress/) reads besides the cluster's own facts. */
export interface ClusterIngressArgs<LoadBalancer> {
    /** The shared load balancer to build; absent: exposure is off and the driver installs nothing. @default none */
    loadBalancer?: LoadBalancer;
}

/**
 * What every managed cluster (GKE, EKS) reads besides its cloud's own section; `LoadBalancer` is the Args of its ingress
 * driver's load balancer (GKE: a Gateway, EKS: an ALB).
 */
export interface ManagedClusterArgs<LoadBalancer> {
    /** The cluster's name in the cloud; also names its network, node accounts, file systems and databases. */
    clusterName: string;
    /** The stack's name, in every cloud resource's labels or tags (`airflow-platform-stack`). */
    stack: string;
    /**
     * A production cluster: Retain storage classes, control-plane audit logs (EKS), a final database snapshot (RDS),
     * and a warning when its API endpoint is open to the internet.
     * @default false
     */
    production?: boolean;
    /**
     * Pulumi `protect` and the cloud's own deletion protection on the cluster, its file system and its database.
     * @default false
     */
    deletionProtection?: boolean;
    /** @default {} (the endpoint open to the internet; GKE: the DNS endpoint) */
    controlPlane?: ControlPlaneArgs;
    nodePools: NodePoolsArgs;
    /**
     * The cluster's ingress driver and the load balancer it builds (components/cluster/ingress/gke.ts, eks.ts).
     * @default undefined: no ingress driver (`Cluster.ingress` is absent)
     */
    ingress?: ClusterIngressArgs<LoadBalancer>;
}

/** `ManagedClusterArgs` with every default applied. */
export type ResolvedManagedClusterArgs<LoadBalancer> = Required<Omit<ManagedClusterArgs<LoadBalancer>, "ingress">> &
    Pick<ManagedClusterArgs<LoadBalancer>, "ingress">;

/** The defaults of the parts every managed cluster shares (the config layer derives both flags from `environment`). */
export const MANAGED_CLUSTER_DEFAULTS: Pick<
    ResolvedManagedClusterArgs<never>,
    "production" | "deletionProtection" | "controlPlane"
> = { production: false, deletionProtection: false, controlPlane: {} };

/** Pure: the defaults of the parts every managed cluster shares. */
export function withManagedClusterDefaults<LoadBalancer>(
    args: ManagedClusterArgs<LoadBalancer>,
): ResolvedManagedClusterArgs<LoadBalancer> {
    return {
        clusterName: args.clusterName,
        stack: args.stack,
        production: args.production ?? MANAGED_CLUSTER_DEFAULTS.production,
        deletionProtection: args.deletionProtection ?? MANAGED_CLUSTER_DEFAULTS.deletionProtection,
        controlPlane: args.controlPlane ?? { ...MANAGED_CLUSTER_DEFAULTS.controlPlane },
        nodePools: args.nodePools,
        ingress: args.ingress,
    };
}

/** The Args of `createCluster`: which kind of cluster, and that kind's own Args. */
export type ClusterArgs = GkeClusterArgs | EksClusterArgs | ExistingClusterArgs;
