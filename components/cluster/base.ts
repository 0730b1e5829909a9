/**
 * The field block every `Cluster` implementation shares (GKE, EKS, existing, a devspace's view of the dev cluster),
 * declared once. A subclass builds its parts under itself as parent and hands back what the interface exposes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type {
    Cluster,
    DatabaseConnection,
    IngressDriver,
    PoolPlacements,
    ServiceAccountBinding,
    ServiceAccountBindingRequest,
} from "./types";

/** What a cluster's build returns: the `Cluster` interface's fields (outputs of the parts it created). */
export interface ClusterOutputs {
    clusterName: pulumi.Output<string>;
    endpoint: pulumi.Output<string>;
    /** Secret. */
    kubeconfig: pulumi.Output<string>;
    provider: k8s.Provider;
    placement: PoolPlacements;
    sharedStorageClassName: pulumi.Output<string>;
    blockStorageClassName: pulumi.Output<string>;
    database?: DatabaseConnection;
    readiness: pulumi.Resource[];
    ingress?: IngressDriver;
}

/** What a cluster's build returns: the interface's outputs, and whatever else the subclass keeps of its parts. */
export interface ClusterParts {
    outputs: ClusterOutputs;
}

export abstract class ClusterBase<Parts extends ClusterParts = ClusterParts>
    extends pulumi.ComponentResource
    implements Cluster
{
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    readonly sharedStorageClassName: pulumi.Output<string>;
    readonly blockStorageClassName: pulumi.Output<string>;
    readonly database?: DatabaseConnection;
    readonly readiness: pulumi.Resource[];
    readonly ingress?: IngressDriver;
    /** Everything `build` returned, for the subclass' own fields and methods. */
    protected readonly parts: Parts;

    /**
     * `build` creates the cluster's parts with `parent` (this component) as their parent; it runs once, inside the
     * constructor, before the subclass' own fields are set.
     */
    protected constructor(
        type: string,
        name: string,
        opts: pulumi.ComponentResourceOptions | undefined,
        build: (parent: pulumi.ComponentResource) => Parts,
    ) {
        super(type, name, {}, opts);
        this.parts = build(this);
        const outputs = this.parts.outputs;
        this.clusterName = outputs.clusterName;
        this.endpoint = outputs.endpoint;
        this.kubeconfig = outputs.kubeconfig;
        this.provider = outputs.provider;
        this.placement = outputs.placement;
        this.sharedStorageClassName = outputs.sharedStorageClassName;
        this.blockStorageClassName = outputs.blockStorageClassName;
        this.database = outputs.database;
        this.readiness = outputs.readiness;
        this.ingress = outputs.ingress;
    }

    abstract bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding;
}
