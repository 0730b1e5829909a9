/**
 * Existing clusters: one Ingress per backend namespace, all for the same host, with the cluster's own ingress class.
 * Controllers such as ingress-nginx merge the Ingresses of one host into one server and match the longest prefix
 * first, so `/` does not shadow `/grafana`. TLS is the existing controller's business (its default certificate).
 */
import type { IngressRequest } from "../types";
import { IngressManifest, mostSpecificFirst, objectName, prefixIngress } from "./routes";

export function classIngresses(request: IngressRequest, ingressClassName: string, prefix: string): IngressManifest[] {
    return mostSpecificFirst(request.routes).map((route) =>
        prefixIngress(request, route, { name: objectName(prefix, route.name), ingressClassName, annotations: {} }),
    );
}
