import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A Kubernetes toleration, in the shape the Helm charts and the Kubernetes API take. */
export interface Toleration {
    key: string;
    operator: "Equal" | "Exists";
    value?: string;
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Where a workload runs: the node selector and tolerations that pin it to one pool. */
export interface Placement {
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
}

/** The two pools every cluster offers: on-demand for the control plane, spot for the work. */
export interface PoolPlacements {
    /** Scheduler, API server, DAG processor, triggerer, Redis, Postgres, monitoring. */
    onDemand: Placement;
    /** Celery workers and KubernetesExecutor task pods. Only these tolerate the spot taint. */
    spot: Placement;
}

/** The Airflow metadata database that the cluster layer manages (Cloud SQL or RDS); absent when the chart's bundled Postgres is used. */
export interface DatabaseConnection {
    host: pulumi.Output<string>;
    port: pulumi.Output<number>;
    database: pulumi.Output<string>;
    username: pulumi.Output<string>;
    /** Secret. */
    password: pulumi.Output<string>;
    /** Secret: `postgresql://user:password@host:port/database`, the form Airflow's chart takes in `data.metadataSecretName`. */
    connectionUri: pulumi.Output<string>;
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
    /** Path prefix, e.g. "/", "/flower", "/grafana". */
    path: string;
    serviceName: pulumi.Input<string>;
    servicePort: pulumi.Input<number>;
    namespace: pulumi.Input<string>;
    /** Path used by the load balancer's health check for this backend. */
    healthCheckPath?: string;
}

/** Cloud-specific rendering of Ingress objects; the Exposure component stays cloud-agnostic by going through it. */
export interface IngressDriver {
    /** The ingressClassName to set on every Ingress. */
    readonly ingressClassName: pulumi.Output<string>;
    /** Resources the Ingress objects must wait for (a controller release, a certificate object). */
    readonly dependencies: pulumi.Resource[];
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
    /** The managed metadata database, when the stack has one. */
    readonly database?: DatabaseConnection;
    /** Resources that workloads must wait for: node pools, CSI drivers, storage classes. */
    readonly readiness: pulumi.Resource[];
    /** Binds a Kubernetes service account to a cloud identity (GKE Workload Identity, EKS Pod Identity or IRSA). */
    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding;
}
