/**
 * Which paths the shared load balancer serves, and where each one goes. Pure: config and service names in, routes out.
 */
import type { StackConfig } from "../../stacks/config";
import type { IngressRoute } from "../cluster/types";
import type { ServiceEndpoint } from "./args";
import { flowerExposed } from "./urls";

export interface ExposedBackends {
    /** The Airflow UI: the API server (3.x) or webserver (2.x). */
    airflowUi: ServiceEndpoint;
    /** Flower, when it runs. */
    flower?: ServiceEndpoint;
    /** Grafana, when the stack has monitoring. */
    grafana?: ServiceEndpoint;
}

/** Health endpoints that answer 200 without a login (the UIs' own `/` answers with a redirect). */
export function healthCheckPaths(stack: StackConfig): { airflow: string; flower: string; grafana: string } {
    const e = stack.exposure;
    return {
        // Airflow 3 moved the health endpoint under the public API; 2.x serves /health from the webserver.
        airflow: stack.airflow.majorVersion === 3 ? "/api/v2/monitor/health" : "/health",
        // Flower serves every handler, /healthcheck included, under its url_prefix; the health check needs no auth.
        flower: `${e.flowerPath}/healthcheck`,
        // Grafana with serve_from_sub_path serves its API under the sub-path too.
        grafana: `${e.grafanaPath}/api/health`,
    };
}

/** `/` → Airflow UI, `flowerPath` → Flower (when it runs), `grafanaPath` → Grafana (with monitoring). */
export function exposureRoutes(stack: StackConfig, backends: ExposedBackends): IngressRoute[] {
    const health = healthCheckPaths(stack);
    const routes: IngressRoute[] = [
        { name: "airflow", path: "/", ...backends.airflowUi, healthCheckPath: health.airflow },
    ];
    if (flowerExposed(stack)) {
        if (!backends.flower)
            throw new Error("airflow.flower.enabled is set but the Airflow component exposes no Flower service");
        routes.push({
            name: "flower",
            path: stack.exposure.flowerPath,
            ...backends.flower,
            healthCheckPath: health.flower,
        });
    }
    if (backends.grafana)
        routes.push({
            name: "grafana",
            path: stack.exposure.grafanaPath,
            ...backends.grafana,
            healthCheckPath: health.grafana,
        });
    return routes;
}
