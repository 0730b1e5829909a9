/**
 * The public addresses of the exposed UIs, a pure function of the exposure's site and whether its load balancer
 * terminates TLS, so that Airflow (`base_url`) and Grafana (`root_url`) can be told where they live before the load
 * balancer exists. stacks/ computes them once and passes them to both.
 */
import type { StackConfig } from "../../stacks/config";
import { ExposureSite, withExposureSiteDefaults } from "./args";

/** Where each exposed UI is reached. */
export interface ExposedUrls {
    /** Airflow's `[api] base_url` (3.x) / `[webserver] base_url` (2.x): the UI at `/`. No trailing slash. */
    airflowBaseUrl: string;
    /** Grafana's `server.root_url`, ending in `/` as Grafana documents for a sub-path (with `serve_from_sub_path`). */
    grafanaRootUrl?: string;
    /** Flower's address, when Flower is served. */
    flowerUrl?: string;
    /** Flower's path, when Flower is served: Airflow's `[celery] flower_url_prefix`. */
    flowerUrlPrefix?: string;
}

/**
 * Pure: the URLs of the Airflow UI, Grafana and Flower on `site`. `tls`: whether the cluster's ingress driver
 * terminates TLS (`Cluster.ingress.tls`), which decides the scheme.
 */
export function exposedUrls(site: ExposureSite, tls: boolean): ExposedUrls {
    const resolved = withExposureSiteDefaults(site);
    const origin = `${tls ? "https" : "http"}://${resolved.host}`;
    return {
        airflowBaseUrl: origin,
        ...(resolved.grafana ? { grafanaRootUrl: `${origin}${resolved.grafana.path}/` } : {}),
        ...(resolved.flower
            ? { flowerUrl: `${origin}${resolved.flower.path}/`, flowerUrlPrefix: resolved.flower.path }
            : {}),
    };
}

/** @deprecated Use `exposedUrls` (stacks/args/exposure.ts `exposureUrlsOf`); kept until Airflow and Observability stop calling it. */
export interface ExposureUrls {
    airflowBaseUrl?: string;
    grafanaRootUrl?: string;
    flowerUrl?: string;
}

/**
 * @deprecated Use `exposedUrls` (stacks/args/exposure.ts `exposureUrlsOf`); kept until Airflow and Observability stop
 * calling it. All undefined when exposure is off.
 */
export function exposureUrls(stack: StackConfig, tls: boolean): ExposureUrls {
    const e = stack.exposure;
    if (!e.enabled || !e.host) return {};
    const urls = exposedUrls(
        {
            host: e.host,
            grafana: stack.monitoring.enabled ? { path: e.grafanaPath } : undefined,
            flower: flowerExposed(stack) ? { path: e.flowerPath } : undefined,
        },
        tls,
    );
    return { airflowBaseUrl: urls.airflowBaseUrl, grafanaRootUrl: urls.grafanaRootUrl, flowerUrl: urls.flowerUrl };
}

/** @deprecated Flower is served when stacks/ passes `flower` in the exposure's site. */
export function flowerExposed(stack: StackConfig): boolean {
    const a = stack.airflow;
    return stack.exposure.enabled && !!a && a.flower.enabled && a.executor !== "kubernetes";
}
