/**
 * GKE: one Application Load Balancer through the Gateway API. Pure: turns a request into manifests; `gke.ts` creates
 * them.
 *
 * Why the Gateway API and not GKE Ingress: a GKE Ingress is one load balancer per Ingress object and can only route to
 * Services of its own namespace (and not to ExternalName Services), so Airflow (`airflow`) and Grafana (`monitoring`)
 * would get two addresses. One Gateway accepts HTTPRoutes from other namespaces, so every backend keeps its own
 * namespace and they share ONE address. Routing is longest-prefix-first by the Gateway API's own precedence rules, so
 * `/` can never shadow `/grafana`.
 *
 * - Internal (default): GatewayClass `gke-l7-rilb`, a regional internal ALB; it needs a proxy-only subnet in the region.
 *   Google-managed certificates are not available for regional internal load balancers: HTTPS only with a
 *   `kubernetes.io/tls` Secret the user provides (`certificateRefs` of kind Secret, which every GKE class accepts).
 * - Public: GatewayClass `gke-l7-global-external-managed`, a global external ALB, with a Google-managed SSL certificate
 *   (a Compute `ManagedSslCertificate` referenced through the listener's `networking.gke.io/pre-shared-certs` option;
 *   the `ManagedCertificate` CRD is for Ingress only) and an HTTP listener whose only route redirects to HTTPS.
 * - Health checks: a HealthCheckPolicy per backend Service (the load balancer's default probe is `/`, which Airflow
 *   and Grafana answer with a redirect, not 200).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IngressRequest } from "../types";
import { mostSpecificFirst, objectName } from "./routes";

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
export const INTERNAL_GATEWAY_CLASS = "gke-l7-rilb";
export const PUBLIC_GATEWAY_CLASS = "gke-l7-global-external-managed";

export interface GatewayOptions {
    /** Name of the Gateway (and prefix of the routes' names). */
    name: string;
    public: boolean;
    /** Name of a Compute SSL certificate (Google-managed) for the host: an HTTPS listener and an HTTP→HTTPS redirect. */
    preSharedCertificate?: pulumi.Input<string>;
    /** Or a `kubernetes.io/tls` Secret in the Gateway's namespace, for the same. */
    tlsSecretName?: string;
    /** A reserved global address (by name) for a public Gateway, so DNS can point at it before the Gateway exists. */
    addressName?: pulumi.Input<string>;
}

/** A manifest for `k8s.apiextensions.CustomResource`. */
export interface CustomResourceManifest {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace: pulumi.Input<string>;
        labels: Record<string, string>;
        annotations?: Record<string, string>;
    };
    spec: Record<string, unknown>;
}

export interface GatewayManifests {
    gateway: CustomResourceManifest;
    /** One per backend, in its namespace, attached to the HTTPS listener (HTTP without TLS). */
    routes: CustomResourceManifest[];
    /** HTTP→HTTPS redirect on the HTTP listener, in the Gateway's namespace; absent without TLS. */
    redirect?: CustomResourceManifest;
    /** One per backend Service. */
    healthChecks: CustomResourceManifest[];
}

export function gatewayManifests(request: IngressRequest, options: GatewayOptions): GatewayManifests {
    const tls = options.preSharedCertificate !== undefined || options.tlsSecretName !== undefined;
    const ordered = mostSpecificFirst(request.routes);
    // Only the namespaces of our backends may attach routes to the serving listener.
    const backendNamespaces = {
        namespaces: {
            from: "Selector",
            selector: {
                matchExpressions: [
                    {
                        key: "kubernetes.io/metadata.name",
                        operator: "In",
                        values: uniqueInputs(ordered.map((r) => r.namespace)),
                    },
                ],
            },
        },
    };
    const servingListener = tls ? "https" : "http";
    const listeners: Record<string, unknown>[] = [
        {
            name: "http",
            protocol: "HTTP",
            port: 80,
            hostname: request.host,
            allowedRoutes: tls ? { namespaces: { from: "Same" } } : backendNamespaces,
        },
    ];
    if (tls)
        listeners.push({
            name: "https",
            protocol: "HTTPS",
            port: 443,
            hostname: request.host,
            tls:
                options.preSharedCertificate !== undefined
                    ? {
                          mode: "Terminate",
                          options: { "networking.gke.io/pre-shared-certs": options.preSharedCertificate },
                      }
                    : { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: options.tlsSecretName }] },
            allowedRoutes: backendNamespaces,
        });
    const gateway: CustomResourceManifest = {
        apiVersion: GATEWAY_API_VERSION,
        kind: "Gateway",
        metadata: { name: options.name, namespace: request.namespace, labels: request.labels },
        spec: {
            gatewayClassName: options.public ? PUBLIC_GATEWAY_CLASS : INTERNAL_GATEWAY_CLASS,
            listeners,
            ...(options.addressName ? { addresses: [{ type: "NamedAddress", value: options.addressName }] } : {}),
        },
    };
    const parentRef = (sectionName: string) => ({ name: options.name, namespace: request.namespace, sectionName });
    const routes = ordered.map<CustomResourceManifest>((route) => ({
        apiVersion: GATEWAY_API_VERSION,
        kind: "HTTPRoute",
        metadata: { name: objectName(options.name, route.name), namespace: route.namespace, labels: request.labels },
        spec: {
            parentRefs: [parentRef(servingListener)],
            hostnames: [request.host],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: route.path } }],
                    backendRefs: [{ name: route.serviceName, port: route.servicePort }],
                },
            ],
        },
    }));
    const redirect: CustomResourceManifest | undefined = tls
        ? {
              apiVersion: GATEWAY_API_VERSION,
              kind: "HTTPRoute",
              metadata: {
                  name: objectName(options.name, "https-redirect"),
                  namespace: request.namespace,
                  labels: request.labels,
              },
              spec: {
                  parentRefs: [parentRef("http")],
                  hostnames: [request.host],
                  rules: [
                      { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
                  ],
              },
          }
        : undefined;
    const healthChecks = ordered.map<CustomResourceManifest>((route) => ({
        apiVersion: "networking.gke.io/v1",
        kind: "HealthCheckPolicy",
        metadata: { name: objectName(options.name, route.name), namespace: route.namespace, labels: request.labels },
        spec: {
            default: {
                config: {
                    type: "HTTP",
                    httpHealthCheck: { portSpecification: "USE_SERVING_PORT", requestPath: route.healthCheckPath },
                },
            },
            targetRef: { group: "", kind: "Service", name: route.serviceName },
        },
    }));
    return { gateway, routes, redirect, healthChecks };
}

/** Distinct namespaces; plain strings are de-duplicated, Outputs are kept (they usually resolve to distinct names). */
function uniqueInputs(values: pulumi.Input<string>[]): pulumi.Input<string>[] {
    const seen = new Set<string>();
    return values.filter((v) => (typeof v === "string" ? !seen.has(v) && (seen.add(v), true) : true));
}
