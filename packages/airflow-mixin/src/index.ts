/**
 * The Airflow mixin: the statsd-exporter mapping that turns Airflow's StatsD into Prometheus series, the alerts and
 * recording rules over them, and the Grafana dashboards, all from one configuration: `airflowMixin(config)`.
 */
export { AirflowMixin, airflowMixin } from "./mixin";
export {
    AirflowMixinConfig,
    AirflowMixinConfigIssue,
    airflowMixinConfigIssues,
    AirflowMixinSelectors,
    AirflowMixinThresholds,
    AirflowMixinWindows,
    CLOUD_SPOT_LABELS,
    PROMETHEUS_DATASOURCE_UID,
    ResolvedAirflowMixinConfig,
    SERVICE_ENDPOINTS_JOB,
    StatsdExporterService,
    withAirflowMixinDefaults,
} from "./config";
export { AlertingRule, nodeCapacityTypeExpr, RecordingRule, RuleGroup, ruleExpressions } from "./alerts";
export { Dashboard } from "./dashboards/sdk";
export { dashboardExpressions } from "./dashboards";
export { inspectPromql, mixinExpressions } from "./promql";

// The mapping's parts, for the Airflow release that runs the exporter (its values, its pod's checksum annotation).
export {
    AIRFLOW_STATSD_PREFIX,
    airflowStatsdMappings,
    STATSD_MAPPING_CHECKSUM_ANNOTATION,
    StatsdMapping,
    statsdMappingChecksum,
} from "./statsd-mapping";
// What the exporter's memory is sized from.
export { EXPORTER_COST, exporterMemoryMiB, MEMORY_HEADROOM, PROD_FLEET } from "./exporter-sizing";
export { fleetMemoryMiB } from "./series-count";
