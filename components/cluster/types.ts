import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A Kubernetes toleration, in the shape the Helm charts and the Kubernetes API take. */
export interface Toleration {
    key: string;
    operator: "Equal" | "Exists";
    value?: string;
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** One `matchExpressions` entry of a node selector term. */
export interface NodeSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

/** Node affinity in the Kubernetes API's shape (what the Helm charts take under `affinity`). */
export interface NodeAffinity {
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution?: {
            nodeSelectorTerms: { matchExpressions: NodeSelectorRequirement[] }[];
        };
        preferredDuringSchedulingIgnoredDuringExecution?: {
            weight: number;
            preference: { matchExpressions: NodeSelectorRequirement[] };
        }[];
    };
}

/** Where a workload runs: the node selector, node affinity and tolerations. */
export interface Placement {
    nodeSelector: Record<string, string>;
    /** Absent: the node selector alone decides. */
    affinity?: NodeAffinity;
    tolerations: Toleration[];
}

/** The placements every cluster offers: on-demand for the control plane, spot (or its fallback) for the work. */
export interface PoolPlacements {
    /** Scheduler, API server, DAG processor, triggerer, Redis, Postgres, monitoring. */
    onDemand: Placement;
    /** Exactly the spot pools: their labels and taints (monitoring reads the labels to tell spot nodes). */
    spot: Placement;
    /** Exactly the on-demand fallback pool of the workers, where the cluster has one (GKE, EKS). */
    fallback?: Placement;
    /**
     * Celery workers and KubernetesExecutor task pods, the only pods that tolerate the spot and fallback taints:
     * spot preferred, the fallback only when spot cannot be had. Absent (an existing cluster, a dev stack deployed
     * before this output): workers use `spot`.
     */
    workers?: Placement;
}

/** The Airflow metadata database that the cluster layer manages (Cloud SQL or RDS); absent when the chart's bundled Postgres is used. */
export interface DatabaseConnection {
    host: pulumi.Output<string>;
    port: pulumi.Output<number>;
    database: pulumi.Output<string>;
    username: pulumi.Output<string>;
    /** Secret. */
    password: pulumi.Output<string>;
}

/** What a Kubernetes service account needs in order to act as a cloud identity. */
export interface ServiceAccountBinding {
    /** Annotations to put on the service account (GKE Workload Identity, IRSA); empty with EKS Pod Identity. */
    annotations: pulumi.Output<Record<string, string>>;
    /** The cloud identity the service account now acts as (a GCP service account email or an IAM role ARN). */
    identity: pulumi.Output<string>;
}

/** A request to let one Kubernetes service account use a cloud capability. */
export interface ServiceAccountBindingRequest {
    /** Short logical name, unique in the stack, used for the cloud resources (e.g. "airflow-logs"). */
    name: string;
    namespace: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
    /** Object storage buckets (bucket names) the identity may read and write, e.g. for remote task logs. */
    bucketAccess?: pulumi.Input<string>[];
}

/** One path served by the shared load balancer. */
export interface IngressRoute {
    /** Short name of the backend, unique among the routes ("airflow", "flower", "grafana"); it names the objects. */
    name: string;
    /** Path prefix, e.g. "/", "/flower", "/grafana". */
    path: string;
    serviceName: pulumi.Input<string>;
    servicePort: pulumi.Input<number>;
    /** The backend's namespace: routing objects that must sit next to their Service are created there. */
    namespace: pulumi.Input<string>;
    /** Path the load balancer's health check requests from this backend (it must answer 200). */
    healthCheckPath: string;
}

/** What the Exposure component asks of the cloud: one load balancer, one host, a path per backend. */
export interface IngressRequest {
    /** DNS name served (`exposure.host`). */
    host: string;
    /** In any order; the driver orders them so that `/` is matched last. */
    routes: IngressRoute[];
    /** Namespace for the objects the routes share (a Gateway, its certificate); created by the caller. */
    namespace: pulumi.Input<string>;
    /** Labels for every object created. */
    labels: Record<string, string>;
}

/** The objects that serve an `IngressRequest`. */
export interface IngressResult {
    /** Every Kubernetes (and cloud) object created, in creation order. */
    resources: pulumi.Resource[];
    /** The load balancer's DNS name or IP once it exists (point `exposure.host` at it). */
    address: pulumi.Output<string | undefined>;
}

/**
 * Cloud-specific rendering of one shared load balancer; the Exposure component stays cloud-agnostic by going through
 * it. EKS: ALB IngressGroup through the AWS Load Balancer Controller; GKE: a Gateway with HTTPRoutes; existing
 * clusters: Ingresses of `existing.ingressClassName`.
 */
export interface IngressDriver {
    /** The ingress or gateway class every object uses (e.g. "alb", "gke-l7-rilb", "nginx"). */
    readonly className: string;
    /** Whether the load balancer terminates TLS; the URLs' scheme follows it. */
    readonly tls: boolean;
    /** Resources the routing objects must wait for (a controller release, a proxy-only subnet). */
    readonly dependencies: pulumi.Resource[];
    /**
     * Creates the routing objects for `request`: children of `opts.parent`, after `opts.dependsOn` (the releases that
     * create the backend Services) and the driver's own `dependencies`.
     */
    route(request: IngressRequest, opts: { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] }): IngressResult;
}

/**
 * The one interface between the cloud layer and everything above it. Airflow, monitoring, exposure and devspaces
 * consume only this; none of them asks which cloud it runs on.
 */
export interface Cluster {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    /** Secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** The provider every Kubernetes object and Helm release of the stack is created with. */
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    /** A ReadWriteMany StorageClass (EFS on EKS, Filestore on GKE) for Airflow task logs. */
    readonly sharedStorageClassName: pulumi.Output<string>;
    /**
     * The ReadWriteOnce StorageClass (block volumes: EBS gp3 on EKS, pd-balanced on GKE) for Prometheus,
     * Alertmanager, Grafana, Redis and the bundled Postgres. Empty on an existing cluster without
     * `existing.blockStorageClassName`: consumers then leave `storageClassName` unset (the cluster's default class).
     */
    readonly blockStorageClassName: pulumi.Output<string>;
    /** The managed metadata database, when the stack has one. */
    readonly database?: DatabaseConnection;
    /** Resources that workloads must wait for: node pools, CSI drivers, storage classes. */
    readonly readiness: pulumi.Resource[];
    /** Binds a Kubernetes service account to a cloud identity (GKE Workload Identity, EKS Pod Identity or IRSA). */
    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding;
    /**
     * The shared load balancer (components/cluster/ingress/): `createEksIngressDriver`, `createGkeIngressDriver` or
     * `createExistingIngressDriver`. Absent where the cluster offers none (a devspace's view of the dev cluster).
     */
    readonly ingress?: IngressDriver;
}
