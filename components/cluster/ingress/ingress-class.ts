/**
 * Existing clusters: one Ingress per backend namespace, all for the same host, with the cluster's own ingress class.
 * Controllers such as ingress-nginx merge the Ingresses of one host into one server and match the longest prefix
 * first, so `/` does not shadow `/grafana`. TLS is the existing controller's business (its default certificate).
 */
import type { IngressRequest } from "../types";
import type { IngressManifest } from "./alb";
import { mostSpecificFirst, objectName } from "./routes";

export function classIngresses(request: IngressRequest, ingressClassName: string, prefix: string): IngressManifest[] {
    return mostSpecificFirst(request.routes).map((route) => ({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: objectName(prefix, route.name), namespace: route.namespace, labels: request.labels, annotations: {} },
        spec: {
            ingressClassName,
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
    }));
}
