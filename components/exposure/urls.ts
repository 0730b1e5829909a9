/**
 * The public addresses of the exposed UIs, derived from config alone so that Airflow (`base_url`) and Grafana
 * (`root_url`) can be told where they live before the load balancer exists.
 */
import type { StackConfig } from "../../stacks/config";

export interface ExposureUrls {
    /** Airflow's `[api] base_url` (3.x) / `[webserver] base_url` (2.x): the UI at `/`. No trailing slash. */
    airflowBaseUrl?: string;
    /** Grafana's `server.root_url`, ending in `/` as Grafana documents for a sub-path (with `serve_from_sub_path`). */
    grafanaRootUrl?: string;
    /** Flower's address, when Flower runs. */
    flowerUrl?: string;
}

/**
 * Whether the load balancer terminates TLS: EKS with an ACM certificate; GKE when public (a Google-managed
 * certificate exists only for the global external load balancer) or, internal, with `tls.secretName`; never on an
 * existing cluster's controller.
 */
export function exposureTls(stack: StackConfig): boolean {
    const e = stack.exposure;
    if (!e.enabled) return false;
    if (stack.cloud === "eks") return e.tls.certificateArn !== undefined;
    if (stack.cloud === "gke") return e.public ? e.tls.managedCertificate && e.host !== undefined : e.tls.secretName !== undefined;
    return false;
}

/** The sub-path Grafana is served from, without a trailing slash (e.g. "/grafana"). */
export function grafanaSubPath(stack: StackConfig): string {
    return stack.exposure.grafanaPath;
}

/** The URLs of the Airflow UI, Grafana and Flower; all undefined when exposure is off. */
export function exposureUrls(stack: StackConfig): ExposureUrls {
    const e = stack.exposure;
    if (!e.enabled || !e.host) return {};
    const origin = `${exposureTls(stack) ? "https" : "http"}://${e.host}`;
    return {
        airflowBaseUrl: origin,
        grafanaRootUrl: stack.monitoring.enabled ? `${origin}${e.grafanaPath}/` : undefined,
        flowerUrl: flowerExposed(stack) ? `${origin}${e.flowerPath}/` : undefined,
    };
}

/** Flower is routed only when it runs, which needs a Celery executor and `airflow.flower.enabled`. */
export function flowerExposed(stack: StackConfig): boolean {
    const a = stack.airflow;
    return stack.exposure.enabled && !!a && a.flower.enabled && a.executor !== "kubernetes";
}
