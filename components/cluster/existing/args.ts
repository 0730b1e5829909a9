/** The Args of an existing cluster (`ExistingCluster`), and the one pure function that applies their defaults. */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterIngressArgs } from "../args";
import type { Placement } from "../types";

/** How one kind of node is selected and tolerated in a cluster this program does not manage. */
export interface ExistingPlacementArgs {
    /** Node labels the pool's nodes carry. @default {} */
    nodeSelector?: Record<string, string>;
    /** Tolerations for the pool's taints. @default [] */
    tolerations?: Placement["tolerations"];
}

export interface ExistingClusterArgs {
    kind: "existing";
    /** A name for the cluster (outputs, the names of the routing objects). */
    clusterName: string;
    /**
     * The kubeconfig to reach it (secret).
     * @default undefined: the default kubeconfig ($KUBECONFIG or ~/.kube/config)
     */
    kubeconfig?: pulumi.Output<string>;
    /** The kubeconfig context to use. @default undefined: the kubeconfig's current context */
    context?: string;
    /** A ReadWriteMany StorageClass already in the cluster (Airflow task logs). */
    sharedStorageClassName: string;
    /**
     * A ReadWriteOnce StorageClass already in the cluster.
     * @default undefined: volumes take the cluster's default StorageClass
     */
    blockStorageClassName?: string;
    /** How on-demand and spot nodes are labelled and tainted. @default {} for both: no selector, no toleration */
    placement?: { onDemand?: ExistingPlacementArgs; spot?: ExistingPlacementArgs };
    /** Ingress class of the cluster's ingress controller. @default "nginx" */
    ingressClassName?: string;
    /**
     * An ingress driver rendering Ingresses of `ingressClassName`; the cluster's own controller serves them, so it takes
     * no load balancer Args. @default undefined: no ingress driver (`Cluster.ingress` is absent)
     */
    ingress?: ClusterIngressArgs<never>;
}

export type ResolvedPlacementArgs = Pick<Placement, "nodeSelector" | "tolerations">;

export interface ResolvedExistingClusterArgs extends Omit<
    ExistingClusterArgs,
    "placement" | "ingressClassName" | "blockStorageClassName"
> {
    /** Empty: the cluster's default class. */
    blockStorageClassName: string;
    placement: { onDemand: ResolvedPlacementArgs; spot: ResolvedPlacementArgs };
    ingressClassName: string;
}

/**
 * An existing cluster's defaults, in one place: `withExistingClusterDefaults` applies them, and the config schema's
 * `existing` keys default to the same values (stacks/config/schema.ts reads this constant).
 */
export const EXISTING_CLUSTER_DEFAULTS: Pick<
    ResolvedExistingClusterArgs,
    "blockStorageClassName" | "ingressClassName"
> & {
    placement: ResolvedPlacementArgs;
} = {
    blockStorageClassName: "",
    ingressClassName: "nginx",
    placement: { nodeSelector: {}, tolerations: [] },
};

function withPlacementDefaults(p: ExistingPlacementArgs | undefined): ResolvedPlacementArgs {
    const defaults = EXISTING_CLUSTER_DEFAULTS.placement;
    return {
        nodeSelector: { ...(p?.nodeSelector ?? defaults.nodeSelector) },
        tolerations: (p?.tolerations ?? defaults.tolerations).map((t) => ({ ...t })),
    };
}

/** Pure: an existing cluster's Args with every default applied. */
export function withExistingClusterDefaults(args: ExistingClusterArgs): ResolvedExistingClusterArgs {
    return {
        ...args,
        blockStorageClassName: args.blockStorageClassName ?? EXISTING_CLUSTER_DEFAULTS.blockStorageClassName,
        placement: {
            onDemand: withPlacementDefaults(args.placement?.onDemand),
            spot: withPlacementDefaults(args.placement?.spot),
        },
        ingressClassName: args.ingressClassName ?? EXISTING_CLUSTER_DEFAULTS.ingressClassName,
    };
}
