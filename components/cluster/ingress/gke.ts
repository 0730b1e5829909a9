/**
 * GKE ingress driver: one Gateway (Gateway API, GKE's controller) with an HTTPRoute per backend namespace. Public:
 * a reserved global address and a Google-managed certificate. Internal: the region's proxy-only subnet.
 * The cluster must have the Gateway API enabled (`gatewayApiConfig.channel = CHANNEL_STANDARD`).
 */
import { createHash } from "node:crypto";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressDriver, IngressRequest, IngressResult } from "../types";
import { GatewayLoadBalancerArgs, withGatewayDefaults } from "./args";
import { INTERNAL_GATEWAY_CLASS, PUBLIC_GATEWAY_CLASS, gatewayManifests } from "./gateway";
import { objectName } from "./routes";

export interface GkeIngressDriverArgs {
    /** Prefix of the Gateway's, address's and subnet's names (the cluster's configured name). */
    namePrefix: string;
    /** The Gateway to serve; absent: exposure is off and nothing is created. @default none */
    loadBalancer?: GatewayLoadBalancerArgs;
    project: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /**
     * The VPC network (id or self link) when the stack created it: an internal Gateway then gets a proxy-only subnet
     * there. Leave unset for an existing network, which must already have an ACTIVE proxy-only subnet in the region.
     */
    createdNetwork?: pulumi.Input<string>;
    provider: k8s.Provider;
}

/**
 * How the Gateway terminates TLS: a Google-managed certificate only when public (it exists only for the global external
 * load balancer), the `tls.secretName` Secret only when internal; `terminates` is false for plain HTTP.
 */
export function gatewayTls(loadBalancer: GatewayLoadBalancerArgs | undefined): {
    managedCertificate: boolean;
    tlsSecretName?: string;
    terminates: boolean;
} {
    const tls = loadBalancer?.tls ?? { mode: "none" };
    const managedCertificate = loadBalancer?.visibility === "public" && tls.mode === "managed-certificate";
    const tlsSecretName = loadBalancer?.visibility === "internal" && tls.mode === "secret" ? tls.secretName : undefined;
    return { managedCertificate, tlsSecretName, terminates: managedCertificate || tlsSecretName !== undefined };
}

/** What a global address is made of, apart from its name, project and labels: each field forces a new address. */
export interface GlobalAddressShape {
    address?: string;
    addressType?: "EXTERNAL" | "INTERNAL";
    description?: string;
    ipVersion?: "IPV4" | "IPV6";
    network?: string;
    prefixLength?: number;
    purpose?: string;
}

/**
 * The public Gateway's reserved address. Every field but `labels` forces a new address (magic-modules
 * GlobalAddress.yaml: `immutable`), and Pulumi creates the new one before deleting the old, which a fixed name would
 * refuse ("already exists"). So the name carries a hash of those fields: the shape an earlier version created (none
 * set) keeps its plain name, and with it the address and the DNS pointing at it; any other shape is a new name next
 * to the old one.
 */
export function globalAddressArgs(
    project: pulumi.Input<string>,
    baseName: string,
    shape: GlobalAddressShape = {},
): gcp.compute.GlobalAddressArgs {
    const fields = Object.entries(shape)
        .filter(([, value]) => value !== undefined)
        .sort(([a], [b]) => a.localeCompare(b));
    const suffix =
        fields.length === 0 ? "" : createHash("sha256").update(JSON.stringify(fields)).digest("hex").slice(0, 8);
    return { ...shape, project, name: suffix ? objectName(baseName.slice(0, 54), suffix) : baseName };
}

/** Builds the GKE ingress driver; the GKE cluster calls this once and exposes the result as `Cluster.ingress`. */
export function createGkeIngressDriver(
    name: string,
    args: GkeIngressDriverArgs,
    opts: pulumi.CustomResourceOptions,
): IngressDriver {
    const loadBalancer = args.loadBalancer ? withGatewayDefaults(args.loadBalancer) : undefined;
    const { managedCertificate, tlsSecretName, terminates } = gatewayTls(loadBalancer);
    const baseName = objectName(args.namePrefix, "exposure");

    const dependencies: pulumi.Resource[] = [];
    let certificate: gcp.compute.ManagedSslCertificate | undefined;
    let address: gcp.compute.GlobalAddress | undefined;
    if (loadBalancer?.visibility === "public") {
        address = new gcp.compute.GlobalAddress(`${name}-address`, globalAddressArgs(args.project, baseName), opts);
        dependencies.push(address);
    }
    if (loadBalancer && managedCertificate) {
        // No fixed name: a new exposure.host replaces the certificate (its domains are immutable), and the
        // replacement is created first, so Pulumi's auto-name (a random suffix) keeps the two apart.
        certificate = new gcp.compute.ManagedSslCertificate(
            `${name}-certificate`,
            { project: args.project, managed: { domains: [loadBalancer.host] } },
            opts,
        );
        dependencies.push(certificate);
    }
    if (loadBalancer?.visibility === "internal" && args.createdNetwork !== undefined) {
        // Regional internal Application Load Balancers run their Envoy proxies in this subnet.
        dependencies.push(
            new gcp.compute.Subnetwork(
                `${name}-proxy-only`,
                {
                    project: args.project,
                    name: objectName(args.namePrefix, "proxy-only"),
                    region: args.region,
                    network: args.createdNetwork,
                    ipCidrRange: loadBalancer.proxyOnlySubnetCidr,
                    purpose: "REGIONAL_MANAGED_PROXY",
                    role: "ACTIVE",
                },
                // One ACTIVE proxy-only subnet per region and network: a replacement must delete the old one first.
                { ...opts, deleteBeforeReplace: true },
            ),
        );
    }

    return {
        className: loadBalancer?.visibility === "public" ? PUBLIC_GATEWAY_CLASS : INTERNAL_GATEWAY_CLASS,
        tls: terminates,
        dependencies,
        route(request: IngressRequest, routeOpts): IngressResult {
            if (!loadBalancer) throw new Error("exposure is disabled: no Gateway to route through");
            const m = gatewayManifests(request, {
                name: baseName,
                public: loadBalancer.visibility === "public",
                preSharedCertificate: certificate?.name,
                tlsSecretName,
                addressName: address?.name,
            });
            const resourceOpts = (extra: pulumi.Resource[] = []) => ({
                parent: routeOpts.parent,
                provider: args.provider,
                dependsOn: [...dependencies, ...(routeOpts.dependsOn ?? []), ...extra],
            });
            // `status: undefined` registers `status` as an output, for the address.
            const gateway = new k8s.apiextensions.CustomResource(
                `${baseName}-gateway`,
                { ...m.gateway, status: undefined },
                resourceOpts(),
            );
            const resources: pulumi.Resource[] = [gateway];
            for (const route of m.routes)
                resources.push(
                    new k8s.apiextensions.CustomResource(
                        `${route.metadata.name}-route`,
                        route,
                        resourceOpts([gateway]),
                    ),
                );
            if (m.redirect)
                resources.push(
                    new k8s.apiextensions.CustomResource(m.redirect.metadata.name, m.redirect, resourceOpts([gateway])),
                );
            for (const policy of m.healthChecks)
                resources.push(
                    new k8s.apiextensions.CustomResource(`${policy.metadata.name}-healthcheck`, policy, resourceOpts()),
                );
            const gatewayStatus = (
                gateway as unknown as { status: pulumi.Output<{ addresses?: { value?: string }[] } | undefined> }
            ).status;
            return {
                resources,
                address: address
                    ? address.address.apply((a) => a as string | undefined)
                    : gatewayStatus.apply((s) => s?.addresses?.[0]?.value),
            };
        },
    };
}
