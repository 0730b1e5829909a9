import { expect } from "chai";
import * as YAML from "yaml";
import { airflowStatsdMappings, AIRFLOW_STATSD_PREFIX, mappedMetrics } from "../components/observability/airflow-mixin/statsd-mapping";
import { exposeLines, parseStatsdLine, seriesKey, StatsdMapper } from "../components/observability/airflow-mixin/statsd-matcher";
import { dagDayOfStatsdLines } from "../components/observability/airflow-mixin/simulate";
import { seriesForOneDag } from "../tools/series-count";
import { readStatsdSample } from "./fixtures/observability/samples";

/** `name{a="1",b="2"}` in the fixture's label order, parsed into name and labels. */
function parseExpected(text: string): { name: string; labels: Record<string, string> } {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(text);
    if (!m) throw new Error(`bad expectation: ${text}`);
    const labels: Record<string, string> = {};
    for (const pair of m[2].match(/[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"/g) ?? []) {
        const [k, v] = pair.split("=");
        labels[k] = v.slice(1, -1);
    }
    return { name: m[1], labels };
}

describe("observability: Airflow statsd mapping", () => {
    const mappings = airflowStatsdMappings({ ttl: "48h" });
    const mapper = new StatsdMapper(mappings);

    for (const [version, file] of [
        ["2.x", "airflow-2.x.statsd"],
        ["3.x", "airflow-3.x.statsd"],
    ] as const) {
        describe(`Airflow ${version} sample`, () => {
            const sample = readStatsdSample(file);

            it(`maps every line of the ${version} sample to the expected name and labels (${sample.length} lines)`, () => {
                const wrong: string[] = [];
                for (const { line, expected } of sample) {
                    const event = parseStatsdLine(line);
                    const got = mapper.map(event.name, event.type);
                    if (expected === "DROP") {
                        if (got.action !== "drop") wrong.push(`${line}: expected DROP, got ${seriesKey(got)}`);
                        continue;
                    }
                    const want = parseExpected(expected);
                    if (got.action === "drop" || seriesKey(got) !== seriesKey(want))
                        wrong.push(`${line}: expected ${seriesKey(want)}, got ${got.action === "drop" ? "DROP" : seriesKey(got)}`);
                }
                expect(wrong, wrong.join("\n")).to.deep.equal([]);
            });

            it("leaves no dotted ID in a metric name: every line with a DAG, task, pool, executor, file, operator or host is labelled", () => {
                const ids = ["etl_daily", "extract", "default_pool", "CeleryExecutor", "KubernetesExecutor", "PythonOperator", "BashOperator", "airflow-triggerer-0", "sales"];
                const leaks = sample
                    .map(({ line }) => mapper.map(parseStatsdLine(line).name, parseStatsdLine(line).type))
                    .filter((r) => r.action !== "drop" && ids.some((id) => r.name.includes(id.replace(/-/g, "_"))));
                expect(leaks.map((r) => r.name)).to.deep.equal([]);
            });

            it("produces no name conflict in statsd-exporter (one label set per metric name)", () => {
                const { conflicts } = exposeLines(mapper, sample.map((s) => s.line));
                expect(conflicts).to.deep.equal([]);
            });
        });
    }

    it("puts the TTL on every mapping rule and nothing the exporter would reject", () => {
        // statsd-exporter v0.28.0 reads the file with yaml.UnmarshalStrict: an unknown field stops it (pkg/mapper/mapping.go).
        const fields = ["match", "name", "labels", "honor_labels", "observer_type", "buckets", "quantiles", "match_type", "help", "action", "match_metric_type", "ttl", "summary_options", "histogram_options", "scale"];
        for (const m of mappings) {
            expect(Object.keys(m).filter((k) => !fields.includes(k)), m.match).to.deep.equal([]);
            if (m.summary_options) for (const q of m.summary_options.quantiles) expect(Object.keys(q).sort()).to.deep.equal(["error", "quantile"]);
            if (m.ttl) expect(m.ttl).to.match(/^\d+(ns|us|µs|ms|s|m|h)$/);
        }
        for (const m of mappings) {
            if (m.action === "drop") continue;
            expect(m.ttl, m.match).to.equal("48h");
            expect(m.name).to.match(/^airflow_[a-z_]+$/);
            if (m.match_type !== "regex") expect(m.match.startsWith(`${AIRFLOW_STATSD_PREFIX}.`), m.match).to.equal(true);
        }
        // Only the mapping list: the Airflow chart renders `mappings:` and nothing else from overrideMappings.
        const yaml = YAML.stringify({ mappings });
        expect(Object.keys(YAML.parse(yaml))).to.deep.equal(["mappings"]);
    });

    it("uses the configured TTL and prefix", () => {
        const custom = airflowStatsdMappings({ ttl: "6h", prefix: "team" });
        const mapper6h = new StatsdMapper(custom);
        const r = mapper6h.map("team.ti.start.d.t", "counter");
        expect(r.name).to.equal("airflow_ti_start");
        expect(r.mapping?.ttl).to.equal("6h");
        expect(mapper6h.map("airflow.ti.start.d.t", "counter").action).to.equal("default");
    });

    it("keeps a metric's labels consistent across all rules that produce it", () => {
        const names = new Map<string, string>();
        for (const m of mappings) {
            if (m.action === "drop") continue;
            const labels = Object.keys(m.labels ?? {}).sort().join(",");
            if (names.has(m.name)) expect(labels, m.name).to.equal(names.get(m.name));
            names.set(m.name, labels);
        }
        expect(mappedMetrics().map((m) => m.name)).to.include.members([...names.keys()]);
    });

    it("grows linearly with tasks: one DAG with 10 tasks adds under 200 series over a day", () => {
        for (const major of [2, 3] as const) {
            const ten = seriesForOneDag(10, 24, major);
            const eleven = seriesForOneDag(11, 24, major);
            const twenty = seriesForOneDag(20, 24, major);
            const perTask = eleven.perDag - ten.perDag;
            expect(twenty.perDag - ten.perDag, `Airflow ${major}`).to.equal(10 * perTask);
            expect(perTask).to.be.within(10, 20);
            expect(ten.perDag).to.be.below(200);
            expect(ten.conflicts).to.deep.equal([]);
            // More runs in the day add no series: run IDs never become labels.
            expect(seriesForOneDag(10, 96, major).perDag).to.equal(ten.perDag);
        }
        // The simulated day really carries the IDs the mapping must catch.
        expect(dagDayOfStatsdLines({ dagId: "d", tasks: 1, runs: 1, major: 2 }).some((l) => l.startsWith("airflow.local_task_job.task_exit.9000.d.task_0.1"))).to.equal(true);
    });
});
