/**
 * What the ingress drivers read: the shared load balancer each cloud builds when exposure is on. Plain types (no
 * config schema): stacks/args/ingress.ts maps the stack's `exposure` section onto them.
 */
import { type DefaultsOf, frozen } from "../../defaults";
import type { ArgsIssue } from "../../validation";

/** eks-charts aws-load-balancer-controller chart versions whose controller IAM policy is vendored (eks.ts). */
export const AWS_LBC_CHART_VERSIONS = ["1.14.0"] as const;
export type AwsLbcChartVersion = (typeof AWS_LBC_CHART_VERSIONS)[number];

/** Who can reach the load balancer: the VPC only, or the internet. */
export type LoadBalancerVisibility = "internal" | "public";

/** TLS at an ALB: an ACM certificate (HTTPS on 443, HTTP redirected), or none (HTTP on 80 only). */
export type AlbTls = { mode: "none" } | { mode: "acm-certificate"; certificateArn: string };

/** The EKS driver's ALB (one IngressGroup of the AWS Load Balancer Controller). */
export interface AlbLoadBalancerArgs {
    /** internal or internet-facing; a public ALB needs TLS. */
    visibility: LoadBalancerVisibility;
    tls: AlbTls;
    /** eks-charts chart version of the controller the driver installs. @default "1.14.0" */
    controllerChartVersion?: AwsLbcChartVersion;
}

/**
 * TLS at a GKE Gateway: a Google-managed certificate exists only for the global external (public) load balancer,
 * a `kubernetes.io/tls` Secret (in the Gateway's namespace) only for the regional internal one.
 */
export type GatewayTls = { mode: "none" } | { mode: "managed-certificate" } | { mode: "secret"; secretName: string };

/** The GKE driver's Gateway: a regional internal ALB, or a global external one on a reserved address. */
export type GatewayLoadBalancerArgs =
    | {
          visibility: "internal";
          /** DNS name served. */
          host: string;
          /** `none` or `secret`. */
          tls: GatewayTls;
          /** The proxy-only subnet created in a network the stack created. @default "10.10.16.0/23" */
          proxyOnlySubnetCidr?: string;
      }
    | {
          visibility: "public";
          /** DNS name served: the managed certificate's domain. */
          host: string;
          /** `managed-certificate` (a public load balancer needs TLS). */
          tls: GatewayTls;
      };

/**
 * Every default of the ingress drivers' load balancers: the ALB controller's chart version (EKS) and the internal
 * Gateway's proxy-only subnet (GKE, in a network the stack created). `withAlbDefaults` and `withGatewayDefaults` read
 * it, and so do the config schema's defaults (stacks/config/schema.ts).
 */
export const INGRESS_DEFAULTS = frozen({
    alb: { controllerChartVersion: "1.14.0" },
    gateway: { proxyOnlySubnetCidr: "10.10.16.0/23" },
} as const satisfies {
    alb: DefaultsOf<ResolvedAlbLoadBalancerArgs>;
    gateway: DefaultsOf<Extract<ResolvedGatewayLoadBalancerArgs, { visibility: "internal" }>>;
});

/** `AlbLoadBalancerArgs` with its defaults applied. */
export type ResolvedAlbLoadBalancerArgs = Required<AlbLoadBalancerArgs>;

/** Pure: the ALB's Args with their defaults. */
export function withAlbDefaults(args: AlbLoadBalancerArgs): ResolvedAlbLoadBalancerArgs {
    return {
        ...args,
        controllerChartVersion: args.controllerChartVersion ?? INGRESS_DEFAULTS.alb.controllerChartVersion,
    };
}

/** `GatewayLoadBalancerArgs` with its defaults applied. */
export type ResolvedGatewayLoadBalancerArgs =
    | Required<Extract<GatewayLoadBalancerArgs, { visibility: "internal" }>>
    | Extract<GatewayLoadBalancerArgs, { visibility: "public" }>;

/** Pure: the Gateway's Args with their defaults. */
export function withGatewayDefaults(args: GatewayLoadBalancerArgs): ResolvedGatewayLoadBalancerArgs {
    return args.visibility === "internal"
        ? { ...args, proxyOnlySubnetCidr: args.proxyOnlySubnetCidr ?? INGRESS_DEFAULTS.gateway.proxyOnlySubnetCidr }
        : args;
}

/** The EKS driver's refusals: a public ALB without a certificate, a controller chart whose IAM policy is not vendored. */
export function checkAlbArgs(args: AlbLoadBalancerArgs): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    if (args.visibility === "public" && args.tls.mode === "none")
        issues.push({
            path: "tls.certificateArn",
            message: "a public load balancer needs TLS: set an ACM certificate ARN",
        });
    const version = args.controllerChartVersion;
    if (version !== undefined && !AWS_LBC_CHART_VERSIONS.includes(version))
        issues.push({
            path: "controllerChartVersion",
            message: `"${version}" is not one of ${AWS_LBC_CHART_VERSIONS.join(", ")} (only versions whose IAM policy is vendored)`,
        });
    return issues;
}

/**
 * The GKE driver's refusals: Google-managed certificates exist only for the public (global external) load balancer,
 * TLS Secrets are for the internal one here, and a public load balancer needs TLS.
 */
export function checkGatewayArgs(args: GatewayLoadBalancerArgs): ArgsIssue[] {
    const { mode } = args.tls;
    if (args.visibility === "public" && mode === "none")
        return [
            {
                path: "tls.managedCertificate",
                message: "a public load balancer needs TLS: keep the Google-managed certificate on",
            },
        ];
    if (args.visibility === "public" && mode === "secret")
        return [
            {
                path: "tls.secretName",
                message: "is for the internal Gateway; a public one uses the Google-managed certificate",
            },
        ];
    if (args.visibility === "internal" && mode === "managed-certificate")
        return [
            {
                path: "tls.managedCertificate",
                message: "Google-managed certificates exist only for the public load balancer; use a TLS Secret",
            },
        ];
    return [];
}
