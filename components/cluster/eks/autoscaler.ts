/** The cluster autoscaler: managed node groups do not scale by themselves on EKS. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Placement } from "../types";
import { eksMinorPins } from "./addons";
import { EksWorkloadIdentity, serviceAccountRole } from "./identity";
import {
    AUTOSCALER_PRIORITIES,
    EKS_PER_GROUP_NODE_LABELS,
    balancingIgnoreLabelArgs,
    clusterAutoscalerPolicy,
} from "./specs";

/**
 * Pinned: cluster-autoscaler chart 9.50.1 (app 1.33.0); the image tag follows the control plane's minor
 * (`EKS_ADDON_VERSIONS[minor].clusterAutoscaler`). The flags the chart renders (--logtostderr, --stderrthreshold, --v,
 * --expander, --balance-similar-node-groups) are the ones kops passes to the same images.
 */
export const CLUSTER_AUTOSCALER_CHART = { repo: "https://kubernetes.github.io/autoscaler", version: "9.50.1" };

/** The autoscaler's release on the on-demand nodes, with a role that may resize only this cluster's groups. */
export function eksClusterAutoscaler(
    name: string,
    args: { clusterName: string; kubernetesVersion: string; region: string; placement: Placement },
    identity: EksWorkloadIdentity,
    opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.helm.v3.Release {
    const serviceAccountName = "cluster-autoscaler";
    const role = serviceAccountRole(identity, `${name}-cluster-autoscaler`, {
        namespace: "kube-system",
        serviceAccountName,
        policyJson: JSON.stringify(clusterAutoscalerPolicy(args.clusterName)),
    });
    return new k8s.helm.v3.Release(
        `${name}-cluster-autoscaler`,
        {
            name: "cluster-autoscaler",
            chart: "cluster-autoscaler",
            version: CLUSTER_AUTOSCALER_CHART.version,
            repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
            namespace: "kube-system",
            values: {
                cloudProvider: "aws",
                // Rendered as AWS_REGION: pods cannot ask IMDS for it (hop limit 1).
                awsRegion: args.region,
                autoDiscovery: { clusterName: args.clusterName },
                // The version meant for the control plane's minor (the autoscaler README's compatibility rule).
                image: { tag: eksMinorPins(args.kubernetesVersion).clusterAutoscaler },
                rbac: { serviceAccount: { create: true, name: serviceAccountName, annotations: role.annotations } },
                extraArgs: {
                    "balance-similar-node-groups": true,
                    // The per-AZ groups differ in these labels only (their own launch templates), which would keep
                    // them apart; one flag per label (chart 9.50.1 deployment.yaml renders `--<key before _>=<value>`).
                    ...balancingIgnoreLabelArgs(EKS_PER_GROUP_NODE_LABELS),
                    "skip-nodes-with-system-pods": false,
                    // Spot groups first, the fallback when none can grow; ties go to the least idle capacity.
                    expander: "priority,least-waste",
                },
                // The chart renders these into the cluster-autoscaler-priority-expander ConfigMap it reads.
                expanderPriorities: AUTOSCALER_PRIORITIES,
                resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "300Mi" } },
                nodeSelector: args.placement.nodeSelector,
                tolerations: args.placement.tolerations,
            },
        },
        { parent: opts.parent, provider: opts.provider, dependsOn: role.dependencies },
    );
}
