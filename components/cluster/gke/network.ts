/** The GKE cluster's network: its own VPC, subnet (with the secondary ranges), router and Cloud NAT, or existing ones. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedGkeClusterArgs } from "./args";
import { cloudNatPorts } from "./specs";

export interface GkeNetwork {
    /** The created VPC; absent with `network.existingNetwork`. */
    network?: gcp.compute.Network;
    networkName: pulumi.Output<string>;
    /** Network ID, `projects/<project>/global/networks/<name>`. */
    networkId: pulumi.Output<string>;
    /** What the cluster's `subnetwork` takes: the created subnet's ID or the existing one's name. */
    subnetwork: pulumi.Output<string>;
    /** The Cloud NAT the private nodes need to reach the internet (empty for an existing network). */
    natDependencies: pulumi.Resource[];
}

/**
 * Our own VPC and subnet with the secondary ranges, or existing ones by name. The network, subnet and cluster have
 * fixed names: a replacement (a ForceNew change such as datapathProvider, magic-modules#6657, or a CIDR) deletes the
 * old one first, or the create fails on the duplicate name; where `protect` is on, Pulumi refuses the replacement at
 * preview (pulumi/pulumi step_generator.go: "unable to replace resource").
 */
export function gkeNetwork(
    name: string,
    args: Pick<ResolvedGkeClusterArgs, "clusterName" | "project" | "region" | "network">,
    opts: { withGcp: pulumi.CustomResourceOptions; apis: pulumi.Resource[] },
): GkeNetwork {
    const { withGcp, apis } = opts;
    const net = args.network;
    let network: gcp.compute.Network | undefined;
    let networkName: pulumi.Output<string>;
    let networkId: pulumi.Output<string>;
    if (net.existingNetwork) {
        networkName = pulumi.output(net.existingNetwork);
        networkId = pulumi.output(`projects/${args.project}/global/networks/${net.existingNetwork}`);
    } else {
        network = new gcp.compute.Network(
            `${name}-network`,
            { name: args.clusterName, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
            { ...withGcp, dependsOn: apis, deleteBeforeReplace: true },
        );
        networkName = network.name;
        networkId = network.id;
    }
    const subnetwork = net.existingSubnetwork
        ? pulumi.output(net.existingSubnetwork)
        : new gcp.compute.Subnetwork(
              `${name}-subnet`,
              {
                  name: `${args.clusterName}-nodes`,
                  region: args.region,
                  network: networkId,
                  ipCidrRange: net.nodesCidr,
                  // Private nodes reach Google APIs (Artifact Registry, GCS, Cloud SQL Admin) without NAT.
                  privateIpGoogleAccess: true,
                  secondaryIpRanges: [
                      { rangeName: net.podsRangeName, ipCidrRange: net.podsCidr },
                      { rangeName: net.servicesRangeName, ipCidrRange: net.servicesCidr },
                  ],
              },
              { ...withGcp, dependsOn: apis, deleteBeforeReplace: true },
          ).id;

    // Private nodes have no external IP: Cloud NAT lets them pull images from Docker Hub and clone DAGs from GitHub.
    const natDependencies: pulumi.Resource[] = [];
    if (network) {
        // Fixed names and one NAT per subnet range: a replacement must delete the old one first (a 409 otherwise).
        const router = new gcp.compute.Router(
            `${name}-router`,
            { name: `${args.clusterName}-router`, region: args.region, network: network.id },
            { ...withGcp, dependsOn: apis, deleteBeforeReplace: true },
        );
        natDependencies.push(
            new gcp.compute.RouterNat(
                `${name}-nat`,
                {
                    name: `${args.clusterName}-nat`,
                    router: router.name,
                    region: args.region,
                    natIpAllocateOption: "AUTO_ONLY",
                    sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                    ...cloudNatPorts(),
                    logConfig: { enable: true, filter: "ERRORS_ONLY" },
                },
                { ...withGcp, deleteBeforeReplace: true },
            ),
        );
    }
    return {
        network,
        networkName,
        networkId,
        subnetwork,
        natDependencies,
    };
}
