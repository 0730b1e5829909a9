import type { AirflowMixinConfig } from "@airflow-platform/airflow-mixin";
import type { PoolPlacements } from "../cluster/types";
import type { AirflowStatsdPorts } from "./args";

/**
 * The Airflow mixin's configuration on this platform: the Airflow releases' statsd-exporter Service ports (the Airflow
 * component's, given by the stack), the cluster's spot and fallback node labels; every other setting at the mixin's
 * defaults.
 */
export function platformMixinConfig(
    placement: Pick<PoolPlacements, "spot" | "fallback">,
    statsd: AirflowStatsdPorts,
): AirflowMixinConfig {
    return {
        statsdExporter: {
            scrapePortName: statsd.scrapePort.name,
            scrapePort: statsd.scrapePort.port,
            ingestPort: statsd.ingestPort.port,
            ingestProtocol: statsd.ingestPort.protocol,
        },
        selectors: {
            spotNodeLabels: placement.spot.nodeSelector,
            fallbackNodeLabels: placement.fallback?.nodeSelector ?? {},
        },
    };
}
