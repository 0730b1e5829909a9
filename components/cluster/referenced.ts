/**
 * The shared dev cluster as a devspace sees it: reached with the developer's own cloud identity (no credential in the
 * kubeconfig), and described by the facts its frame ConfigMap holds, not by the dev stack's state. Only the
 * Kubernetes side is available: no node pools to wait for, no managed database, no load balancer, and no cloud
 * identities (binding one would change the dev project's IAM).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eksKubeconfig, gkeKubeconfig } from "./kubeconfig";
import type { Cluster, PoolPlacements, ServiceAccountBinding, ServiceAccountBindingRequest } from "./types";

/** How to reach the dev cluster: the devspace stack's `devspace.cluster` config. */
export interface ClusterAccess {
    kind: "gke" | "eks";
    name: string;
    /** GKE: the DNS endpoint; EKS: the API server URL. */
    endpoint: string;
    /** EKS: the region `aws eks get-token` signs for. */
    region?: string;
    /** EKS: base64 of the cluster CA. */
    certificateAuthority?: string;
}

/** Pure: the developer's kubeconfig for the dev cluster; it execs the cloud's own credential plugin, it holds no token. */
export function accessKubeconfig(access: ClusterAccess): string {
    if (access.kind === "gke") return gkeKubeconfig({ name: access.name, endpoint: access.endpoint });
    return eksKubeconfig({
        name: access.name,
        endpoint: access.endpoint,
        region: access.region!,
        caData: access.certificateAuthority,
    });
}

/** Builds the namespaced provider a devspace deploys with, before its frame is read (the read needs it). */
export function devspaceProvider(name: string, access: ClusterAccess, opts?: pulumi.CustomResourceOptions) {
    // No default `namespace`: every object names its own, and changing a provider's namespace replaces its resources.
    return new k8s.Provider(
        name,
        { kubeconfig: pulumi.secret(accessKubeconfig(access)), enableServerSideApply: true },
        opts,
    );
}

export interface ReferencedClusterArgs {
    /** The provider made by `devspaceProvider` (the frame was read with it). */
    provider: k8s.Provider;
    /** The kubeconfig of that provider. */
    kubeconfig: string;
    clusterName: string;
    endpoint: string;
    /** The dev cluster's placements, from the frame. */
    placement: PoolPlacements;
    sharedStorageClassName: string;
    /** Empty: the cluster's default class. */
    blockStorageClassName: string;
}

export class ReferencedCluster extends pulumi.ComponentResource implements Cluster {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    readonly sharedStorageClassName: pulumi.Output<string>;
    /** The dev stack's ReadWriteOnce class; empty (the cluster's default) when its frame names none. */
    readonly blockStorageClassName: pulumi.Output<string>;
    /** The shared cluster is up already: nothing to wait for. */
    readonly readiness: pulumi.Resource[] = [];

    constructor(name: string, args: ReferencedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:ReferencedCluster", name, {}, opts);
        this.clusterName = pulumi.output(args.clusterName);
        this.endpoint = pulumi.output(args.endpoint);
        this.kubeconfig = pulumi.secret(args.kubeconfig);
        this.sharedStorageClassName = pulumi.output(args.sharedStorageClassName);
        this.blockStorageClassName = pulumi.output(args.blockStorageClassName);
        this.placement = args.placement;
        this.provider = args.provider;
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
    }

    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        throw new Error(
            `${request.name}: a devspace cannot bind cloud identities on the shared cluster (it would change the dev project's IAM); ` +
                "use airflow.logs.mode shared-volume",
        );
    }
}
