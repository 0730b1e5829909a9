/** Stack config → the Exposure component's Args, and the URLs every exposed UI is told. */
import type { ExposureSite } from "../../components/exposure/args";
import { ExposedUrls, exposedUrls } from "../../components/exposure/urls";
import type { StackConfig } from "../config";

/** Flower is served when it runs: a Celery executor and `airflow.flower.enabled`. */
export function flowerServed(config: StackConfig): boolean {
    return config.airflow.flower.enabled && config.airflow.executor !== "kubernetes";
}

/** Where the exposed UIs live (`exposure.host`, the paths); undefined when exposure is off. */
export function exposureSite(config: StackConfig): ExposureSite | undefined {
    const e = config.exposure;
    // The schema refuses exposure.enabled without exposure.host (stacks/config/load.ts).
    if (!e.enabled || e.host === undefined) return undefined;
    return {
        host: e.host,
        ...(config.monitoring.enabled ? { grafana: { path: e.grafanaPath } } : {}),
        ...(flowerServed(config) ? { flower: { path: e.flowerPath } } : {}),
    };
}

/**
 * The URLs of the exposed UIs (Airflow's base_url, Grafana's root_url, Flower's prefix); undefined when exposure is
 * off. `ingressTls`: the cluster's `ingress?.tls`. stacks/platform.ts calls it once and passes the result to Airflow
 * and Observability.
 */
export function exposureUrlsOf(config: StackConfig, ingressTls: boolean): ExposedUrls | undefined {
    const site = exposureSite(config);
    return site ? exposedUrls(site, ingressTls) : undefined;
}
