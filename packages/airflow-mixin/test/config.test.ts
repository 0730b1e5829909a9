import { expect } from "chai";
import { AlertingRule, airflowMixin, airflowMixinConfigIssues, withAirflowMixinDefaults } from "../src";
import { CHART_STATSD_EXPORTER, mixin } from "./mixin";

const alert = (m: typeof mixin, name: string) =>
    m.alerts.flatMap((g) => g.rules).find((r): r is AlertingRule => "alert" in r && r.alert === name)!;

describe("airflow-mixin: the config and the entry point", () => {
    it("resolves every default in one place, and the defaults are the documented ones", () => {
        const c = withAirflowMixinDefaults({ statsdExporter: CHART_STATSD_EXPORTER });
        expect(c.thresholds).to.deep.equal({
            taskFailureRatio: 0.25,
            queuedBacklogSlots: 50,
            scheduleDelaySeconds: 600,
            spotNodeReplacementsPerHour: 3,
        });
        expect(c.windows).to.deep.equal({ rate: "5m", ratio: "15m", seriesGapTolerance: "6h" });
        expect(c.datasourceUid).to.equal("prometheus");
        expect(c.statsdMapping).to.deep.equal({ ttl: "48h", prefix: "airflow" });
        expect(mixin.config).to.deep.equal(c);
    });

    it("returns the recording rules and the alerts apart, and every dashboard on the configured datasource", () => {
        expect(mixin.recordingRules.flatMap((g) => g.rules).every((r) => "record" in r)).to.equal(true);
        expect(mixin.alerts.flatMap((g) => g.rules).every((r) => "alert" in r)).to.equal(true);
        const other = airflowMixin({ statsdExporter: CHART_STATSD_EXPORTER, datasourceUid: "thanos" });
        const uids = new Set(JSON.stringify(other.dashboards).match(/"uid":"[^"]+"/g));
        expect([...uids].filter((u) => !u.startsWith('"uid":"airflow-'))).to.deep.equal(['"uid":"thanos"']);
    });

    it("the Airflow release's statsd Service, the thresholds and the windows reach the rules", () => {
        const other = airflowMixin({
            statsdExporter: { scrapePortName: "metrics", scrapePort: 9200, ingestPort: 8125, ingestProtocol: "UDP" },
            thresholds: { taskFailureRatio: 0.5, queuedBacklogSlots: 200 },
            windows: { rate: "10m", ratio: "30m" },
        });
        expect(alert(other, "AirflowStatsdExporterDown").expr).to.equal(`up{endpoint="metrics"} == 0`);
        expect(alert(other, "AirflowMetricsMissing").annotations.runbook).to.include("(UDP 8125)");
        expect(alert(other, "AirflowStatsdMappingConflict").annotations.runbook).to.include("port-forward 9200");
        expect(alert(other, "AirflowHighTaskFailureRate").expr).to.include("[30m])) > 0.5\n");
        expect(alert(other, "AirflowQueuedTaskBacklog").expr).to.match(/ > 200$/);
        const heartbeat = alert(other, "AirflowSchedulerHeartbeatMissing");
        expect(heartbeat.expr).to.include("[10m]");
        expect(heartbeat.annotations.description).to.include("for 12 minutes");
    });

    it("refuses an unusable config, naming each key and what is allowed", () => {
        const bad = {
            statsdExporter: { ...CHART_STATSD_EXPORTER, scrapePort: 0 },
            thresholds: { taskFailureRatio: 25 },
            windows: { rate: "300s" },
            statsdMapping: { ttl: "2d" },
        };
        expect(airflowMixinConfigIssues(bad).map((i) => i.path)).to.deep.equal([
            "statsdExporter.scrapePort",
            "thresholds.taskFailureRatio",
            "windows.rate",
            "statsdMapping.ttl",
        ]);
        expect(() => airflowMixin(bad)).to.throw(/thresholds\.taskFailureRatio: expected a share above 0, at most 1/);
        expect(airflowMixinConfigIssues({ statsdExporter: CHART_STATSD_EXPORTER })).to.deep.equal([]);
    });
});
