import type { AirflowMixinConfig } from "@airflow-platform/airflow-mixin";
import { AIRFLOW_STATSD_SERVICE } from "../airflow/statsd-service";
import type { PoolPlacements } from "../cluster/types";

/**
 * The Airflow mixin's configuration on this platform: the Airflow chart's statsd-exporter Service (the Airflow
 * release's), the cluster's spot and fallback node labels; every other setting at the mixin's defaults.
 */
export function platformMixinConfig(placement: Pick<PoolPlacements, "spot" | "fallback">): AirflowMixinConfig {
    return {
        statsdExporter: {
            scrapePortName: AIRFLOW_STATSD_SERVICE.scrapePort.name,
            scrapePort: AIRFLOW_STATSD_SERVICE.scrapePort.port,
            ingestPort: AIRFLOW_STATSD_SERVICE.ingestPort.port,
            ingestProtocol: AIRFLOW_STATSD_SERVICE.ingestPort.protocol,
        },
        selectors: {
            spotNodeLabels: placement.spot.nodeSelector,
            fallbackNodeLabels: placement.fallback?.nodeSelector ?? {},
        },
    };
}
