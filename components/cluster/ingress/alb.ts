/**
 * EKS: one ALB shared by Ingresses in several namespaces through an IngressGroup of the AWS Load Balancer Controller.
 * Pure: turns a request into Ingress manifests; `eks.ts` creates them.
 *
 * Facts (kubernetes-sigs/aws-load-balancer-controller v2.14.0, docs/guide/ingress/annotations.md):
 * - `group.order`: -1000..1000, the smaller the order the earlier the rule is evaluated; so `/` gets the largest.
 * - `scheme`, `ssl-redirect`, `ssl-policy`, `load-balancer-attributes` are "Exclusive" in a group (one value for the
 *   whole ALB): every Ingress carries the same value. `listen-ports` and `certificate-arn` merge.
 * - `target-type: ip` sends traffic straight to pod IPs (no NodePort hop); health checks follow `healthcheck-path`.
 */
import type { IngressRequest } from "../types";
import { IngressManifest, mostSpecificFirst, objectName, prefixIngress } from "./routes";

export const ALB_INGRESS_CLASS = "alb";
/** The order of the catch-all `/` route: the highest allowed, so it is evaluated after every other rule. */
export const ROOT_GROUP_ORDER = 1000;
/** TLS 1.3 + 1.2 only (AWS's recommended ALB policy). */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface AlbOptions {
    /** IngressGroup name, shared by every Ingress of the ALB (≤ 63 chars, lower case, `-` or `.`). */
    groupName: string;
    /** internet-facing instead of internal. */
    public: boolean;
    /** ACM certificate: HTTPS on 443 and HTTP redirected to it. Without it the ALB listens on HTTP 80 only. */
    certificateArn?: string;
}

/** One Ingress per route (each in its backend's namespace), ordered so that `/` is the ALB's last rule. */
export function albIngresses(request: IngressRequest, options: AlbOptions): IngressManifest[] {
    if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(options.groupName))
        throw new Error(`invalid ALB IngressGroup name "${options.groupName}"`);
    const ordered = mostSpecificFirst(request.routes);
    const { certificateArn } = options;
    const tls = certificateArn !== undefined;
    const shared: Record<string, string> = {
        "alb.ingress.kubernetes.io/group.name": options.groupName,
        "alb.ingress.kubernetes.io/scheme": options.public ? "internet-facing" : "internal",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/load-balancer-attributes": "routing.http.drop_invalid_header_fields.enabled=true",
        "alb.ingress.kubernetes.io/listen-ports": JSON.stringify(tls ? [{ HTTP: 80 }, { HTTPS: 443 }] : [{ HTTP: 80 }]),
        ...(certificateArn !== undefined
            ? {
                  "alb.ingress.kubernetes.io/certificate-arn": certificateArn,
                  "alb.ingress.kubernetes.io/ssl-redirect": "443",
                  "alb.ingress.kubernetes.io/ssl-policy": ALB_SSL_POLICY,
              }
            : {}),
    };
    return ordered.map((route, index) =>
        prefixIngress(request, route, {
            name: objectName(options.groupName, route.name),
            ingressClassName: ALB_INGRESS_CLASS,
            annotations: {
                ...shared,
                // Specific paths 10, 20, …; the catch-all last.
                "alb.ingress.kubernetes.io/group.order": String(
                    route.path === "/" ? ROOT_GROUP_ORDER : (index + 1) * 10,
                ),
                "alb.ingress.kubernetes.io/healthcheck-path": route.healthCheckPath,
                "alb.ingress.kubernetes.io/success-codes": "200",
            },
        }),
    );
}
