/** Stack config → the Exposure component's Args, and the URLs every exposed UI is told. */
import type { IngressDriver } from "../../components/cluster/types";
import { ExposureArgs, ExposureSite, ServiceEndpoint, checkExposureArgs } from "../../components/exposure/args";
import { ExposedUrls, exposedUrls } from "../../components/exposure/urls";
import type { ArgsIssue } from "../../components/validation";
import type { ConfigIssue } from "../config/errors";
import type { StackConfig } from "../config/resolved";
import { issuesAtKeys } from "./issues";

/** Flower is served when it runs: a Celery executor and `airflow.flower.enabled`. */
export function flowerServed(config: Pick<StackConfig, "airflow">): boolean {
    return config.airflow.flower.enabled && config.airflow.executor !== "kubernetes";
}

/** Where the exposed UIs live (`exposure.host`, the paths); undefined when exposure is off. */
export function exposureSite(
    config: Pick<StackConfig, "exposure" | "monitoring" | "airflow">,
): ExposureSite | undefined {
    const e = config.exposure;
    // The config layer refuses exposure.enabled without exposure.host (stacks/config/load.ts).
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

/** What the Exposure component is wired to: the cluster's ingress driver and the Services of the UIs it serves. */
export interface ExposureWiring {
    /** `Cluster.ingress`. */
    ingress: IngressDriver | undefined;
    /** The Airflow component's UI (and Flower) Services. */
    airflow: {
        namespace: ServiceEndpoint["namespace"];
        uiServiceName: ServiceEndpoint["serviceName"];
        uiServicePort: ServiceEndpoint["servicePort"];
        flowerServiceName?: ServiceEndpoint["serviceName"];
        flowerServicePort?: ServiceEndpoint["servicePort"];
    };
    /** The Observability component's Grafana Service, when the stack runs monitoring. */
    grafana?: {
        namespace: ServiceEndpoint["namespace"];
        grafanaServiceName: ServiceEndpoint["serviceName"];
        grafanaServicePort: ServiceEndpoint["servicePort"];
    };
    /** What the routes wait for: the releases that create the Services. */
    dependsOn: ExposureArgs["dependsOn"];
}

/** The Exposure component's Args; exposure must be on. */
export function exposureArgs(config: StackConfig, wiring: ExposureWiring): ExposureArgs {
    const site = exposureSite(config);
    if (!site) throw new Error(`stack ${config.stack}: exposure.enabled is false, so there is nothing to expose`);
    if (!wiring.ingress)
        throw new Error(`cloud ${config.cloud}: the cluster offers no ingress driver, so exposure cannot be enabled`);
    const { airflow, grafana } = wiring;
    if (site.flower && !(airflow.flowerServiceName && airflow.flowerServicePort))
        throw new Error("airflow.flower.enabled is set but the Airflow component exposes no Flower service");
    return {
        ingress: wiring.ingress,
        host: site.host,
        namespace: airflow.namespace,
        airflow: {
            service: {
                serviceName: airflow.uiServiceName,
                servicePort: airflow.uiServicePort,
                namespace: airflow.namespace,
            },
            majorVersion: config.airflow.majorVersion,
        },
        ...(site.flower && airflow.flowerServiceName && airflow.flowerServicePort
            ? {
                  flower: {
                      ...site.flower,
                      service: {
                          serviceName: airflow.flowerServiceName,
                          servicePort: airflow.flowerServicePort,
                          namespace: airflow.namespace,
                      },
                  },
              }
            : {}),
        // Grafana is routed when the stack runs it (its URL is in the site only with monitoring on).
        ...(site.grafana && grafana
            ? {
                  grafana: {
                      ...site.grafana,
                      service: {
                          serviceName: grafana.grafanaServiceName,
                          servicePort: grafana.grafanaServicePort,
                          namespace: grafana.namespace,
                      },
                  },
              }
            : {}),
        dependsOn: wiring.dependsOn,
    };
}

/** Where each path of the Exposure component's Args comes from in the stack config. */
export const EXPOSURE_ARGS_KEYS: Record<string, PropertyKey[]> = {
    host: ["exposure", "host"],
    "grafana.path": ["exposure", "grafanaPath"],
    "flower.path": ["exposure", "flowerPath"],
};

/** The Exposure component's refusals of this config, under the config keys that set them (run before any resource). */
export function exposureConfigIssues(config: Pick<StackConfig, "exposure" | "monitoring" | "airflow">): ConfigIssue[] {
    const site = exposureSite(config);
    const issues: ArgsIssue[] = site ? checkExposureArgs(site) : [];
    return issuesAtKeys("Exposure", issues, EXPOSURE_ARGS_KEYS);
}
