/**
 * The public addresses of the exposed UIs, derived from config and the ingress driver's `tls` so that Airflow
 * (`base_url`) and Grafana (`root_url`) can be told where they live before the load balancer exists.
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
 * The URLs of the Airflow UI, Grafana and Flower; all undefined when exposure is off. `tls`: whether the cluster's
 * ingress driver terminates TLS (`cluster.ingress?.tls`), which decides the scheme.
 */
export function exposureUrls(stack: StackConfig, tls: boolean): ExposureUrls {
    const e = stack.exposure;
    if (!e.enabled || !e.host) return {};
    const origin = `${tls ? "https" : "http"}://${e.host}`;
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
