/** The GKE cluster itself (the control plane, its default pool removed) and the node pools we manage instead. */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gkeControlPlaneEndpoints, gkeMasterAuthorizedNetworks } from "../control-plane";
import type { ResolvedGkeClusterArgs } from "./args";
import type { GkeNetwork } from "./network";
import type { GkeNodeIdentity } from "./identity";
import {
    GkeNodePoolSpec,
    gkeMaintenancePolicy,
    gkeNetworkPolicyFields,
    gkeNodePoolSpec,
    gkeSpotPoolSpecs,
    workersComputeClass,
} from "./specs";

/** The control plane's pool, one spot pool per machine family, and the workers' on-demand fallback. */
export interface GkeNodePools {
    onDemand: gcp.container.NodePool;
    spot: gcp.container.NodePool[];
    fallback: gcp.container.NodePool;
}

/** The regional, VPC-native, private-node cluster with Workload Identity, Dataplane V2 and the CSI drivers. */
export function gkeControlPlane(
    name: string,
    args: ResolvedGkeClusterArgs,
    parts: { network: GkeNetwork; nodes: GkeNodeIdentity },
    opts: { withGcp: pulumi.CustomResourceOptions; apis: pulumi.Resource[] },
): gcp.container.Cluster {
    const net = args.network;
    const { networkPolicyConfig, ...networkPolicy } = gkeNetworkPolicyFields(args.networkPolicy);
    return new gcp.container.Cluster(
        `${name}-gke`,
        {
            name: args.clusterName,
            location: args.region,
            network: parts.network.networkId,
            subnetwork: parts.network.subnetwork,
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: {
                clusterSecondaryRangeName: net.podsRangeName,
                servicesSecondaryRangeName: net.servicesRangeName,
            },
            // The default pool cannot be spot or tainted: remove it and manage the pools ourselves. Until it is
            // removed it runs as our node account: hardened projects have no Compute Engine default account.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            nodeConfig: {
                serviceAccount: parts.nodes.account.email,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            },
            // NetworkPolicy enforced by Dataplane V2 (new clusters) or Calico (in place on an older cluster).
            ...networkPolicy,
            maintenancePolicy: gkeMaintenancePolicy(args.maintenanceWindow),
            releaseChannel: { channel: args.releaseChannel },
            workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
            privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: false,
                masterIpv4CidrBlock: net.masterIpv4CidrBlock,
            },
            // The public IP endpoint admits only controlPlane.authorizedNetworks; CI and developers use the DNS endpoint.
            masterAuthorizedNetworksConfig: gkeMasterAuthorizedNetworks(args.controlPlane.authorizedNetworks),
            controlPlaneEndpointsConfig: gkeControlPlaneEndpoints(args.controlPlane),
            // The PD CSI driver provisions the ReadWriteOnce volumes; explicit, as GKE asks Standard clusters to enable it.
            addonsConfig: {
                gcpFilestoreCsiDriverConfig: { enabled: true },
                gcePersistentDiskCsiDriverConfig: { enabled: true },
                ...(networkPolicyConfig ? { networkPolicyConfig } : {}),
            },
            // The ingress driver routes through a Gateway (GKE's Gateway API controller).
            gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
            deletionProtection: args.deletionProtection,
            resourceLabels: { "airflow-platform-stack": args.stack },
        },
        // nodeConfig only describes the removed default pool: changing it would replace the cluster (ForceNew).
        {
            ...opts.withGcp,
            protect: args.deletionProtection,
            deleteBeforeReplace: true,
            dependsOn: [...opts.apis, ...parts.network.natDependencies, ...parts.nodes.roles],
            ignoreChanges: ["nodeConfig"],
        },
    );
}

/** The node pools (`nodePools`): labelled and tainted by components/cluster/placement.ts through the specs. */
export function gkeNodePools(
    name: string,
    args: Pick<ResolvedGkeClusterArgs, "region" | "nodePools">,
    parts: { cluster: gcp.container.Cluster; nodes: GkeNodeIdentity },
    opts: { withGcp: pulumi.CustomResourceOptions },
): GkeNodePools {
    const pool = (spec: GkeNodePoolSpec) =>
        new gcp.container.NodePool(
            `${name}-${spec.name}`,
            {
                // A prefix, not a fixed name: a change that replaces the pool (spot, service account, scopes)
                // creates the new pool before deleting the old one, which a fixed name would collide with. machineType, diskType and diskSizeGb change in place (a surge upgrade)
                // since terraform-provider-google v5.10 (GoogleCloudPlatform/magic-modules#9575).
                namePrefix: `${spec.name}-`,
                cluster: parts.cluster.name,
                location: args.region,
                // Per zone, at creation only; the autoscaler owns the count afterwards.
                initialNodeCount: spec.totalMinNodeCount > 0 ? 1 : 0,
                autoscaling: {
                    totalMinNodeCount: spec.totalMinNodeCount,
                    totalMaxNodeCount: spec.totalMaxNodeCount,
                    locationPolicy: spec.locationPolicy,
                },
                management: { autoRepair: true, autoUpgrade: true },
                upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: {
                    machineType: spec.machineType,
                    diskSizeGb: spec.diskSizeGb,
                    diskType: "pd-balanced",
                    spot: spec.spot,
                    labels: spec.labels,
                    taints: spec.taints,
                    serviceAccount: parts.nodes.account.email,
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                    workloadMetadataConfig: { mode: "GKE_METADATA" },
                    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                },
            },
            { ...opts.withGcp, dependsOn: parts.nodes.roles, ignoreChanges: ["initialNodeCount"] },
        );
    return {
        onDemand: pool(gkeNodePoolSpec("onDemand", args.nodePools.onDemand)),
        spot: gkeSpotPoolSpecs(args.nodePools.spot).map(pool),
        fallback: pool(gkeNodePoolSpec("fallback", args.nodePools.fallback)),
    };
}

/** The workers' pools in order: spot pools first, the on-demand fallback last (the pools carry its label and taint). */
export function gkeWorkersComputeClass(
    name: string,
    pools: GkeNodePools,
    opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        `${name}-workers-compute-class`,
        workersComputeClass({ spot: pools.spot.map((p) => p.name), fallback: pools.fallback.name }),
        { parent: opts.parent, provider: opts.provider },
    );
}
