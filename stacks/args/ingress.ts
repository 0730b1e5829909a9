/** Stack config (`exposure`) → the ingress drivers' Args (components/cluster/ingress/args.ts), and their refusals. */
import {
    AlbLoadBalancerArgs,
    GatewayLoadBalancerArgs,
    checkAlbArgs,
    checkGatewayArgs,
} from "../../components/cluster/ingress/args";
import type { ConfigIssue } from "../config/errors";
import type { StackConfig } from "../config/resolved";
import { issuesAtKeys } from "./issues";

type ExposureOf = Pick<StackConfig, "exposure">;

/** The EKS driver's ALB; undefined when exposure is off (no controller is installed). */
export function albLoadBalancerArgs(config: ExposureOf): AlbLoadBalancerArgs | undefined {
    const e = config.exposure;
    if (!e.enabled) return undefined;
    return {
        visibility: e.public ? "public" : "internal",
        tls:
            e.tls.certificateArn !== undefined
                ? { mode: "acm-certificate", certificateArn: e.tls.certificateArn }
                : { mode: "none" },
        controllerChartVersion: e.awsLoadBalancerControllerVersion,
    };
}

/**
 * The GKE driver's Gateway; undefined when exposure is off. A public Gateway takes the managed certificate (the
 * Secret is refused there by the config layer), an internal one the Secret (`managedCertificate` is not read).
 */
export function gatewayLoadBalancerArgs(config: ExposureOf): GatewayLoadBalancerArgs | undefined {
    const e = config.exposure;
    if (!e.enabled || e.host === undefined) return undefined;
    if (e.public)
        return {
            visibility: "public",
            host: e.host,
            tls: e.tls.managedCertificate ? { mode: "managed-certificate" } : { mode: "none" },
        };
    return {
        visibility: "internal",
        host: e.host,
        tls: e.tls.secretName !== undefined ? { mode: "secret", secretName: e.tls.secretName } : { mode: "none" },
        proxyOnlySubnetCidr: e.gkeProxyOnlySubnetCidr,
    };
}

/** Where each path of the drivers' load balancer Args comes from in the stack config. */
export const INGRESS_ARGS_KEYS: Record<string, PropertyKey[]> = {
    "tls.certificateArn": ["exposure", "tls", "certificateArn"],
    "tls.managedCertificate": ["exposure", "tls", "managedCertificate"],
    "tls.secretName": ["exposure", "tls", "secretName"],
    controllerChartVersion: ["exposure", "awsLoadBalancerControllerVersion"],
    proxyOnlySubnetCidr: ["exposure", "gkeProxyOnlySubnetCidr"],
};

/** The cloud's ingress driver's refusals of this config, under their config keys (run before any resource). */
export function ingressConfigIssues(config: Pick<StackConfig, "exposure" | "cloud">): ConfigIssue[] {
    if (config.cloud === "eks") {
        const alb = albLoadBalancerArgs(config);
        return alb ? issuesAtKeys("EKS ingress", checkAlbArgs(alb), INGRESS_ARGS_KEYS) : [];
    }
    if (config.cloud === "gke") {
        const gateway = gatewayLoadBalancerArgs(config);
        return gateway ? issuesAtKeys("GKE ingress", checkGatewayArgs(gateway), INGRESS_ARGS_KEYS) : [];
    }
    return [];
}
