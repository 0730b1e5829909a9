/**
 * The scrape target planned alone on a fake cluster: `AirflowScrapeTarget` from hand-written statsd facts, and from the
 * Airflow component's `statsd` output, checked against the Service the chart renders
 * (test/fixtures/airflow-chart/statsd-service.rendered.yaml, see its README).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Airflow, StatsdService } from "../components/airflow";
import { AirflowScrapeTarget } from "../components/observability/scrape-target";
import { fakeCluster, planComponent } from "./fake-cluster";
import { PlannedResource, kubeObjects } from "./harness";

type Obj = Record<string, any>;

const FIXTURES = path.join(__dirname, "fixtures", "airflow-chart");
/** The chart's statsd-exporter Service for release `airflow` in `team-a` (rendered from its template). */
const chartService = YAML.parse(fs.readFileSync(path.join(FIXTURES, "statsd-service.rendered.yaml"), "utf8")) as Obj;
const chartPorts = (YAML.parse(fs.readFileSync(path.join(FIXTURES, "values.yaml"), "utf8")) as Obj).ports as Obj;

/**
 * Does the ServiceMonitor scrape this Service, as prometheus-operator decides: the Service is in one of
 * `namespaceSelector.matchNames`, carries every label of `selector.matchLabels`, and has a port named as an endpoint's.
 */
function scrapes(monitor: PlannedResource, service: Obj): boolean {
    const spec = monitor.inputs.spec as Obj;
    const labels = service.metadata.labels as Record<string, string>;
    return (
        (spec.namespaceSelector.matchNames as string[]).includes(service.metadata.namespace) &&
        Object.entries(spec.selector.matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v) &&
        (spec.endpoints as Obj[]).some((e) => (service.spec.ports as Obj[]).some((p) => p.name === e.port))
    );
}

describe("AirflowScrapeTarget alone (fake cluster, hand-written statsd facts)", () => {
    it("selects the release's statsd Service by its labels in its namespace, scrapes its port by name, labels the release", async () => {
        const service: StatsdService = {
            namespace: "team-b",
            releaseName: "etl",
            serviceName: "etl-airflow-statsd",
            selectorLabels: { tier: "airflow", component: "statsd", release: "etl" },
            scrapePortName: "statsd-scrape",
        };
        const plan = await planComponent(() => {
            const cluster = fakeCluster();
            new AirflowScrapeTarget("etl-scrape", { service, provider: cluster.provider });
        });
        const [monitor, ...others] = kubeObjects(plan, "ServiceMonitor");
        expect(others).to.deep.equal([]);
        expect(monitor.name).to.equal("etl-scrape-statsd");
        expect(monitor.inputs.metadata).to.deep.include({ name: "etl-statsd", namespace: "team-b" });
        expect(monitor.inputs.spec).to.deep.equal({
            selector: { matchLabels: { tier: "airflow", component: "statsd", release: "etl" } },
            namespaceSelector: { matchNames: ["team-b"] },
            endpoints: [
                {
                    port: "statsd-scrape",
                    path: "/metrics",
                    interval: "30s",
                    honorLabels: false,
                    relabelings: [{ targetLabel: "airflow_release", replacement: "etl", action: "replace" }],
                },
            ],
        });
    });
});

describe("Airflow's statsd facts select the Service the chart renders", () => {
    it("the Airflow component alone makes no ServiceMonitor: it hands over its statsd Service instead", async () => {
        const plan = await planComponent(() => {
            const airflow = new Airflow("airflow", {
                cluster: fakeCluster(),
                dags: { repo: "https://x.invalid/d.git" },
            });
            return { statsd: airflow.statsd };
        });
        expect(kubeObjects(plan, "ServiceMonitor")).to.deep.equal([]);
        expect(plan.resources.filter((r) => r.type.startsWith("airflow-platform:observability"))).to.deep.equal([]);
        expect(plan.outputs.statsd).to.deep.include({ namespace: "airflow", serviceName: "airflow-statsd" });
    });

    it("the facts name the chart's Service, its selector labels and its scrape port (the chart's template, not our constant)", async () => {
        const plan = await planComponent(() => {
            const cluster = fakeCluster();
            const airflow = new Airflow("airflow", {
                cluster,
                namespace: "team-a",
                dags: { repo: "https://github.com/acme/dags.git" },
            });
            new AirflowScrapeTarget(
                "airflow-scrape",
                { service: airflow.statsd, provider: cluster.provider, dependsOn: [airflow.release] },
                { parent: airflow },
            );
            return { statsd: airflow.statsd };
        });
        const facts = plan.outputs.statsd as StatsdService;
        expect(facts).to.deep.equal({
            namespace: chartService.metadata.namespace,
            releaseName: chartService.metadata.labels.release,
            serviceName: chartService.metadata.name,
            // The labels the Service selects its pods by, which it carries itself.
            selectorLabels: chartService.spec.selector,
            scrapePortName: "statsd-scrape",
        });
        for (const [key, value] of Object.entries(facts.selectorLabels))
            expect(chartService.metadata.labels, key).to.have.property(key, value);
        // The scrape port is the chart's TCP port at `ports.statsdScrape`, the one the exporter serves /metrics on.
        expect((chartService.spec.ports as Obj[]).find((p) => p.name === facts.scrapePortName)).to.deep.equal({
            name: facts.scrapePortName,
            protocol: "TCP",
            port: chartPorts.statsdScrape,
            targetPort: chartPorts.statsdScrape,
        });

        const [monitor] = kubeObjects(plan, "ServiceMonitor");
        expect(scrapes(monitor, chartService)).to.equal(true);
        // Not another release's exporter, nor the same Service in another namespace.
        const labels = { ...chartService.metadata.labels, release: "other" };
        expect(scrapes(monitor, { ...chartService, metadata: { ...chartService.metadata, labels } })).to.equal(false);
        expect(scrapes(monitor, { ...chartService, metadata: { ...chartService.metadata, namespace: "x" } })).to.equal(
            false,
        );
        // It waits for the release that makes the Service, and for the namespace (through the facts).
        const release = plan.resources.find((r) => r.name === "airflow-release")!;
        const namespace = kubeObjects(plan, "Namespace").find((r) => r.name === "airflow-ns")!;
        expect(monitor.dependencies).to.include.members([release.urn, namespace.urn]);
    });
});
