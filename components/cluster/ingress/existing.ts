/**
 * Existing clusters: Ingresses of the cluster's own ingress class (`existing.ingressClassName`); the controller is
 * already there, so nothing is installed.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { IngressDriver, IngressRequest, IngressResult } from "../types";
import { classIngresses } from "./ingress-class";
import { objectName } from "./routes";

/** What the existing cluster's ingress driver reads. */
export interface ExistingIngressDriverArgs {
    /** Prefix of the Ingresses' names (the cluster's configured name). */
    namePrefix: string;
    /** The cluster's own ingress class (`existing.ingressClassName`). */
    ingressClassName: string;
    provider: k8s.Provider;
}

/** Builds the ingress driver of an existing cluster; the existing-cluster code exposes it as `Cluster.ingress`. */
export function createExistingIngressDriver(args: ExistingIngressDriverArgs): IngressDriver {
    const prefix = objectName(args.namePrefix, "exposure");
    return {
        className: args.ingressClassName,
        tls: false,
        dependencies: [],
        route(request: IngressRequest, routeOpts): IngressResult {
            const ingresses = classIngresses(request, args.ingressClassName, prefix).map(
                (manifest) =>
                    new k8s.networking.v1.Ingress(manifest.metadata.name, manifest, {
                        parent: routeOpts.parent,
                        provider: args.provider,
                        dependsOn: routeOpts.dependsOn,
                    }),
            );
            const address: pulumi.Output<string | undefined> = ingresses[0].status.apply(
                (s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? s?.loadBalancer?.ingress?.[0]?.ip ?? undefined,
            );
            return { resources: ingresses, address };
        },
    };
}
