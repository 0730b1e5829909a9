/**
 * The public addresses of the exposed UIs, a pure function of the exposure's site and whether its load balancer
 * terminates TLS, so that Airflow (`base_url`) and Grafana (`root_url`) can be told where they live before the load
 * balancer exists. stacks/ computes them once and passes them to both.
 */
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
