/**
 * Which paths the shared load balancer serves, and where each one goes. Pure: resolved Args in, routes out.
 */
import type { IngressRoute } from "../cluster/types";
import type { ResolvedExposureArgs } from "./args";

/** Airflow's health endpoint, which answers 200 without a login (the UI's own `/` answers with a redirect). */
export function airflowHealthCheckPath(majorVersion: 2 | 3): string {
    // Airflow 3 moved the health endpoint under the public API; 2.x serves /health from the webserver.
    return majorVersion === 3 ? "/api/v2/monitor/health" : "/health";
}

/** Flower serves every handler, /healthcheck included, under its url_prefix; the health check needs no auth. */
export const flowerHealthCheckPath = (path: string) => `${path}/healthcheck`;

/** Grafana with serve_from_sub_path serves its API under the sub-path too. */
export const grafanaHealthCheckPath = (path: string) => `${path}/api/health`;

/** `/` → Airflow UI, Flower's path → Flower (when served), Grafana's path → Grafana (when served). */
export function exposureRoutes(args: Pick<ResolvedExposureArgs, "airflow" | "flower" | "grafana">): IngressRoute[] {
    const routes: IngressRoute[] = [
        {
            name: "airflow",
            path: "/",
            ...args.airflow.service,
            healthCheckPath: airflowHealthCheckPath(args.airflow.majorVersion),
        },
    ];
    if (args.flower)
        routes.push({
            name: "flower",
            path: args.flower.path,
            ...args.flower.service,
            healthCheckPath: flowerHealthCheckPath(args.flower.path),
        });
    if (args.grafana)
        routes.push({
            name: "grafana",
            path: args.grafana.path,
            ...args.grafana.service,
            healthCheckPath: grafanaHealthCheckPath(args.grafana.path),
        });
    return routes;
}
