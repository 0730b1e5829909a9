/**
 * Shared by every driver: route ordering (a path prefix is matched before any prefix it contains, so `/` comes last
 * and cannot swallow `/grafana` or `/flower`), object names, and the one-path Ingress the Ingress-based drivers render.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IngressRequest, IngressRoute } from "../types";

/** An Ingress manifest with Pulumi inputs where the request had them (service names, namespaces). */
export interface IngressManifest {
    apiVersion: "networking.k8s.io/v1";
    kind: "Ingress";
    metadata: {
        name: string;
        namespace: pulumi.Input<string>;
        labels: Record<string, string>;
        annotations: Record<string, string>;
    };
    spec: {
        ingressClassName: string;
        rules: {
            host: string;
            http: {
                paths: {
                    path: string;
                    pathType: "Prefix";
                    backend: { service: { name: pulumi.Input<string>; port: { number: pulumi.Input<number> } } };
                }[];
            };
        }[];
    };
}

/** The Ingress for one route: the request's host, the route's `Prefix` path to its Service, in its namespace. */
export function prefixIngress(
    request: IngressRequest,
    route: IngressRoute,
    options: { name: string; ingressClassName: string; annotations: Record<string, string> },
): IngressManifest {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
            name: options.name,
            namespace: route.namespace,
            labels: request.labels,
            annotations: options.annotations,
        },
        spec: {
            ingressClassName: options.ingressClassName,
            rules: [
                {
                    host: request.host,
                    http: {
                        paths: [
                            {
                                path: route.path,
                                pathType: "Prefix",
                                backend: { service: { name: route.serviceName, port: { number: route.servicePort } } },
                            },
                        ],
                    },
                },
            ],
        },
    };
}

/** Routes from most to least specific: longer paths first, `/` last; ties broken by name for stable output. */
export function mostSpecificFirst(routes: readonly IngressRoute[]): IngressRoute[] {
    const names = new Set(routes.map((r) => r.name));
    if (names.size !== routes.length)
        throw new Error(`route names must be unique: ${routes.map((r) => r.name).join(", ")}`);
    const paths = new Set(routes.map((r) => r.path));
    if (paths.size !== routes.length)
        throw new Error(`route paths must be unique: ${routes.map((r) => r.path).join(", ")}`);
    return [...routes].sort(
        (a, b) => segments(b.path) - segments(a.path) || b.path.length - a.path.length || a.name.localeCompare(b.name),
    );
}

function segments(path: string): number {
    return path.split("/").filter((s) => s.length > 0).length;
}

/** A Kubernetes object name from parts: lower case, dashes, at most 63 characters. */
export function objectName(...parts: string[]): string {
    return parts
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 63)
        .replace(/-+$/, "");
}
