import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { Observability } from "../components/observability";
import { PROMETHEUS_DATASOURCE_UID } from "@airflow-platform/airflow-mixin";
import { ArgsError } from "../components/validation";
import { FakeCluster, fakeCluster, planComponent } from "./fake-cluster";
import { allStrings, helmValues, Plan, SECRET, the } from "./harness";

type Obj = Record<string, unknown>;

const SLACK_URL = "https://hooks.slack.com/services/T0000/B0000/not-for-your-eyes";
const SMTP_PASSWORD = "smtp-password-not-for-your-eyes";
/** The statsd-exporter's ports as the stack hands them over; not the chart's, so the test sees these reach the rules. */
const STATSD_PORTS = {
    scrapePort: { name: "exporter-metrics", port: 19102 },
    ingestPort: { port: 19125, protocol: "UDP" },
};

/** Helm's merge of a values file over the chart's defaults: maps merge key by key, everything else is replaced. */
function deepMerge(base: unknown, over: unknown): unknown {
    const isMap = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
    if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
}

describe("Observability, planned alone on a fake cluster", function () {
    this.timeout(60000);
    let plan: Plan;
    let cluster: FakeCluster;
    before(async () => {
        plan = await planComponent(() => {
            cluster = fakeCluster();
            const observability = new Observability("obs", {
                cluster,
                airflowStatsd: STATSD_PORTS,
                alertmanager: {
                    receivers: pulumi.secret({
                        slack: { apiUrl: SLACK_URL, channel: "#alerts" },
                        email: {
                            to: "oncall@example.com",
                            from: "alerts@example.com",
                            smarthost: "smtp.example.com:587",
                            username: "alerts",
                            password: SMTP_PASSWORD,
                        },
                    }),
                },
            });
            return { grafanaAdminPassword: observability.grafanaAdminPassword, namespace: observability.namespace };
        });
    });

    it("runs Prometheus, Alertmanager, Grafana, the operator and kube-state-metrics on on-demand nodes, never on spot", () => {
        const values = helmValues(plan, "obs-kube-prometheus-stack") as Record<string, Obj>;
        const spotTaints = cluster.placement.spot.tolerations.map((t) => t.key);
        expect(spotTaints.length, "the fake cluster's spot pool is tainted").to.be.greaterThan(0);
        const pods: [string, Obj][] = [
            ["prometheus", values.prometheus.prometheusSpec as Obj],
            ["alertmanager", values.alertmanager.alertmanagerSpec as Obj],
            ["grafana", values.grafana],
            ["operator", values.prometheusOperator],
            ["webhook job", (values.prometheusOperator.admissionWebhooks as Obj).patch as Obj],
            ["kube-state-metrics", values["kube-state-metrics"]],
        ];
        for (const [what, spec] of pods) {
            expect(spec.nodeSelector, what).to.deep.equal(cluster.placement.onDemand.nodeSelector);
            const tolerated = ((spec.tolerations ?? []) as { key?: string; operator?: string }[]).map((t) => t.key);
            for (const taint of spotTaints) expect(tolerated, `${what} tolerates ${taint}`).to.not.include(taint);
            expect(spec.tolerations ?? [], what).to.not.deep.include({ operator: "Exists" });
        }
    });

    it("keeps Grafana's admin password and Alertmanager's receivers out of the plan and the outputs in plain text", () => {
        expect(plan.outputs.grafanaAdminPassword).to.equal(SECRET);
        const admin = the(plan, "kubernetes:core/v1:Secret", "obs-grafana-admin");
        expect(admin.inputs.stringData).to.equal(SECRET);
        const alertmanager = the(plan, "kubernetes:core/v1:Secret", "obs-alertmanager-config");
        expect(alertmanager.inputs.stringData).to.equal(SECRET);
        const shown = allStrings([plan.outputs, ...plan.resources.map((r) => r.inputs)]);
        expect(shown.filter((s) => s.includes(SLACK_URL) || s.includes(SMTP_PASSWORD))).to.deep.equal([]);
        // They do reach Alertmanager, inside the Secret: the scan above looks where they would show.
        const config = YAML.parse((alertmanager.revealedInputs.stringData as Obj)["alertmanager.yaml"] as string);
        expect(config.receivers[1].slack_configs[0].api_url).to.equal(SLACK_URL);
        expect(config.receivers[1].email_configs[0].auth_password).to.equal(SMTP_PASSWORD);
        const values = helmValues(plan, "obs-kube-prometheus-stack") as Record<string, Obj>;
        expect((values.grafana.admin as Obj).existingSecret).to.equal((admin.inputs.metadata as Obj).name);
    });

    it("points Grafana's default datasource at the in-cluster Prometheus, under the uid every dashboard uses", () => {
        // kube-prometheus-stack's templates/grafana/configmaps-datasources.yaml writes the default datasource's url as
        // `grafana.sidecar.datasources.url` when set, else http://<fullname>-prometheus.<namespace>:<prometheus.service.port>/<routePrefix>.
        const chart = YAML.parse(
            fs.readFileSync(
                path.join(__dirname, "fixtures", "observability", "kube-prometheus-stack-88.5.3.values.yaml"),
                "utf8",
            ),
        );
        const release = the(plan, "kubernetes:helm.sh/v3:Release", "obs-kube-prometheus-stack");
        const merged = deepMerge(chart, release.inputs.values) as Record<string, Obj>;
        const datasources = (merged.grafana.sidecar as Record<string, Obj>).datasources;
        expect(datasources).to.deep.include({
            enabled: true,
            defaultDatasourceEnabled: true,
            isDefaultDatasource: true,
        });
        expect(datasources.uid).to.equal(PROMETHEUS_DATASOURCE_UID);
        expect(datasources.url ?? "", "no datasource URL outside the cluster").to.equal("");
        expect(merged.grafana.additionalDataSources ?? []).to.deep.equal([]);
        const prometheus = merged.prometheus as Record<string, Obj>;
        expect(prometheus.enabled).to.equal(true);
        // The chart's fullname is the release name when it contains the chart's name (templates/_helpers.tpl).
        const url = `http://${release.inputs.name}-prometheus.${release.inputs.namespace}:${prometheus.service.port}/${String(prometheus.prometheusSpec.routePrefix).replace(/^\//, "")}`;
        expect(url).to.equal("http://kube-prometheus-stack-prometheus.monitoring:9090/");
    });

    it("alerts on the statsd-exporter through the ports it is given: the scrape port's name and the ingest port", () => {
        const rules = the(plan, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "obs-airflow-rules").inputs as {
            spec: { groups: { rules: Obj[] }[] };
        };
        const alerts = rules.spec.groups.flatMap((g) => g.rules);
        const exprs = alerts.map((r) => String(r.expr));
        expect(exprs.some((e) => e.includes('endpoint="exporter-metrics"'))).to.equal(true);
        expect(exprs.some((e) => e.includes('endpoint="statsd-scrape"'))).to.equal(false);
        const text = JSON.stringify(alerts);
        expect(text).to.include("UDP 19125");
        expect(text).to.not.include("UDP 9125");
    });

    it("refuses impossible Args before it creates anything, naming each path", async () => {
        let refused: unknown;
        const refusedPlan = await planComponent(() => {
            try {
                new Observability("obs", {
                    cluster: fakeCluster(),
                    airflowStatsd: STATSD_PORTS,
                    prometheus: { replicas: 0, retention: "2 weeks" },
                    unpagedNamespacePrefixes: ["devspace-.*"],
                });
            } catch (e) {
                refused = e;
            }
        });
        expect(refused).to.be.instanceOf(ArgsError);
        expect((refused as ArgsError).issues.map((i) => i.path)).to.deep.equal([
            "prometheus.retention",
            "prometheus.replicas",
            "unpagedNamespacePrefixes[0]",
        ]);
        expect(refusedPlan.resources.filter((r) => r.name.startsWith("obs"))).to.deep.equal([]);
    });
});
