/** Pure: who may reach the Kubernetes API endpoint of a GKE or EKS cluster (`controlPlane.authorizedNetworks`). */
import type { ControlPlaneArgs } from "./args";

const ANYWHERE = "0.0.0.0/0";

/** True when the public endpoint admits the whole internet: the key is unset, or lists 0.0.0.0/0. */
export function controlPlaneIsOpen(authorizedNetworks: string[] | undefined): boolean {
    return !authorizedNetworks || authorizedNetworks.includes(ANYWHERE);
}

/**
 * The warning a production stack prints when its API endpoint is open to the internet; undefined otherwise (dev and
 * staging may stay open for convenience).
 */
export function openControlPlaneWarning(config: {
    production: boolean;
    clusterName: string;
    controlPlane: ControlPlaneArgs;
}): string | undefined {
    if (!config.production || !controlPlaneIsOpen(config.controlPlane.authorizedNetworks)) return undefined;
    return (
        `${config.clusterName}: the Kubernetes API endpoint is reachable from the whole internet; ` +
        "set controlPlane.authorizedNetworks to the CIDR blocks of your offices, VPN and CI runners"
    );
}

/** How a GKE kubeconfig reaches the API: the DNS-based endpoint unless the stack asks for the IP one. */
export function gkeUsesDnsEndpoint(controlPlane: ControlPlaneArgs): boolean {
    return (controlPlane.endpoint ?? "dns") === "dns";
}

/**
 * GKE `controlPlaneEndpointsConfig`: the DNS-based endpoint admits callers by IAM (`container.clusters.connect`) from
 * any network, so CI needs no IP allowlist (GKE docs, "About network isolation": DNS-based endpoint). The IP endpoints
 * stay for the nodes and for `authorizedNetworks`.
 */
export function gkeControlPlaneEndpoints(controlPlane: ControlPlaneArgs) {
    return {
        dnsEndpointConfig: { allowExternalTraffic: gkeUsesDnsEndpoint(controlPlane) },
        ipEndpointsConfig: { enabled: true },
    };
}

/** GKE `masterAuthorizedNetworksConfig`: only the listed blocks (and the cluster's own VPC) reach the endpoint. */
export function gkeMasterAuthorizedNetworks(authorizedNetworks: string[] | undefined) {
    if (!authorizedNetworks) return undefined;
    return {
        cidrBlocks: authorizedNetworks.map((cidrBlock, i) => ({ cidrBlock, displayName: `authorized-${i}` })),
        // Not every Compute Engine public IP of every project: only the blocks above.
        gcpPublicCidrsAccessEnabled: false,
    };
}
