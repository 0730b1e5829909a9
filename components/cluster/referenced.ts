/**
 * The shared dev cluster as a devspace sees it: reached with the developer's own cloud identity (no credential in the
 * kubeconfig), and described by the facts its frame ConfigMap holds, not by the dev stack's state. Only the
 * Kubernetes side is available: no node pools to wait for, no managed database, no load balancer, and no cloud
 * identities (binding one would change the dev project's IAM).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eksKubeconfig, gkeKubeconfig } from "./kubeconfig";
import { ClusterBase } from "./base";
import type { PoolPlacements, ServiceAccountBinding, ServiceAccountBindingRequest } from "./types";

/** How to reach the dev cluster: the devspace stack's `devspace.cluster` config. */
export type ClusterAccess =
    | {
          kind: "gke";
          name: string;
          /** The DNS endpoint. */
          endpoint: string;
      }
    | {
          kind: "eks";
          name: string;
          /** The API server URL. */
          endpoint: string;
          /** The region `aws eks get-token` signs for. */
          region: string;
          /** Base64 of the cluster CA. @default undefined: none in the kubeconfig */
          certificateAuthority?: string;
      };

/** Pure: the developer's kubeconfig for the dev cluster; it execs the cloud's own credential plugin, it holds no token. */
export function accessKubeconfig(access: ClusterAccess): string {
    if (access.kind === "gke") return gkeKubeconfig({ name: access.name, endpoint: access.endpoint });
    return eksKubeconfig({
        name: access.name,
        endpoint: access.endpoint,
        region: access.region,
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

/** The dev cluster seen from a devspace: only its Kubernetes side, from the frame's facts. */
export class ReferencedCluster extends ClusterBase {
    constructor(name: string, args: ReferencedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:ReferencedCluster", name, opts, () => ({
            outputs: {
                clusterName: pulumi.output(args.clusterName),
                endpoint: pulumi.output(args.endpoint),
                kubeconfig: pulumi.secret(args.kubeconfig),
                provider: args.provider,
                placement: args.placement,
                sharedStorageClassName: pulumi.output(args.sharedStorageClassName),
                // The dev stack's ReadWriteOnce class; empty (the cluster's default) when its frame names none.
                blockStorageClassName: pulumi.output(args.blockStorageClassName),
                // The shared cluster is up already: nothing to wait for.
                readiness: [],
            },
        }));
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
    }

    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        throw new Error(
            `${request.name}: a devspace cannot bind cloud identities on the shared cluster (it would change the dev project's IAM); ` +
                "use airflow.logs.mode shared-volume",
        );
    }
}
