/** The mixin the tests read: configured with the Airflow chart 1.20's statsd-exporter Service at its defaults. */
import { airflowMixin } from "../src";
import type { StatsdExporterService } from "../src/config";

/** chart/values.yaml `ports.statsdScrape`, `ports.statsdIngest`; chart/templates/statsd/statsd-service.yaml. */
export const CHART_STATSD_EXPORTER: StatsdExporterService = {
    scrapePortName: "statsd-scrape",
    scrapePort: 9102,
    ingestPort: 9125,
    ingestProtocol: "UDP",
};

export const mixin = airflowMixin({ statsdExporter: CHART_STATSD_EXPORTER });
/** The rule groups in the order a rules file lists them: the recording rules, then the alerts. */
export const ruleGroups = [...mixin.recordingRules, ...mixin.alerts];
