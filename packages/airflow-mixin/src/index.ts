/**
 * The Airflow mixin: the statsd-exporter mapping that turns Airflow's StatsD into Prometheus series, the alerts and
 * recording rules over them, and the Grafana dashboards. What a program that deploys Airflow imports.
 */
export {
    AlertingRule,
    AlertOptions,
    airflowRuleGroups,
    CLOUD_SPOT_LABELS,
    nodeCapacityTypeExpr,
    RecordingRule,
    RuleGroup,
    ruleExpressions,
    SERVICE_ENDPOINTS_JOB,
} from "./alerts";
export { AIRFLOW_STATSD_SERVICE, DASHBOARD_FOLDER, PROMETHEUS_DATASOURCE_UID } from "./common";
export { airflowDashboards, dashboardExpressions } from "./dashboards";
export { EXPORTER_COST, exporterMemoryMiB, MEMORY_HEADROOM, PROD_FLEET } from "./exporter-sizing";
export { inspectPromql, mixinExpressions } from "./promql";
export {
    AIRFLOW_STATSD_PREFIX,
    airflowStatsdMappings,
    STATSD_MAPPING_CHECKSUM_ANNOTATION,
    StatsdMapping,
    statsdMappingChecksum,
} from "./statsd-mapping";
export { fleetMemoryMiB } from "./series-count";
