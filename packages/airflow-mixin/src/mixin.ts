/** The entry point: one configuration in, the mapping, the rules and the dashboards out. */
import { airflowAlerts, airflowRecordingRules, RuleGroup } from "./alerts";
import {
    AirflowMixinConfig,
    airflowMixinConfigIssues,
    ResolvedAirflowMixinConfig,
    withAirflowMixinDefaults,
} from "./config";
import { airflowDashboards } from "./dashboards";
import { Dashboard } from "./dashboards/sdk";
import { airflowStatsdMappings, StatsdMapping } from "./statsd-mapping";

export interface AirflowMixin {
    /** The configuration it was built with, every default applied. */
    readonly config: ResolvedAirflowMixinConfig;
    /** statsd-exporter's mapping list: the `mappings` of its mapping file (the Airflow chart's `statsd.overrideMappings`). */
    readonly statsdMapping: StatsdMapping[];
    /** The alerting rule groups. */
    readonly alerts: RuleGroup[];
    /** The recording rule groups the alerts and dashboards read; load them beside the alerts. */
    readonly recordingRules: RuleGroup[];
    /** The Grafana dashboards by file name (`airflow-overview.json`, …), each a dashboard JSON model. */
    readonly dashboards: Record<string, Dashboard>;
}

/** The Airflow mixin for one configuration. Throws, naming each key, when the configuration is not usable. */
export function airflowMixin(config: AirflowMixinConfig): AirflowMixin {
    const issues = airflowMixinConfigIssues(config);
    if (issues.length > 0)
        throw new Error(`airflowMixin: ${issues.map((i) => `${i.path}: expected ${i.message}`).join("; ")}`);
    const resolved = withAirflowMixinDefaults(config);
    return {
        config: resolved,
        statsdMapping: airflowStatsdMappings(resolved.statsdMapping),
        alerts: airflowAlerts(resolved),
        recordingRules: airflowRecordingRules(resolved),
        dashboards: airflowDashboards(resolved),
    };
}
