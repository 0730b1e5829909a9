import { expect } from "chai";
import * as YAML from "yaml";
import {
    AIRFLOW_METRICS,
    AIRFLOW_STATSD_PREFIX,
    AirflowMetric,
    airflowStatsdMappings,
    CATCH_ALL,
    mappedMetrics,
} from "../src/statsd-mapping";
import { exposeLines, parseStatsdLine, seriesKey, StatsdExporterModel, StatsdMapper } from "../src/statsd-matcher";
import { dagDayOfStatsdLines } from "../src/simulate";
import { airflowMetricsReference, mappingInventory, seriesForOneDag } from "../src/series-count";
import { readStatsdSample } from "./fixtures/statsd-samples/samples";

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

/** IDs of each shape Airflow allows: plain, hyphenated, dotted (a TaskGroup task, a dotted DAG ID or file stem, an FQDN). */
const ID_SHAPES: Record<string, string[]> = {
    dag_id: ["etl_daily", "ml-nightly", "sales.v2"],
    task_id: ["extract", "train-model", "grp.load"],
    _task: ["extract", "grp.load"],
    dag_file: ["etl_daily", "sales.v2"],
    hostname: ["airflow-triggerer-0", "airflow-triggerer-0.airflow-triggerer.airflow.svc.cluster.local"],
    worker_name: ["edge-1", "edge-1.example.com"],
    pool: ["default_pool", "gpu-pool"],
    queue: ["default", "kubernetes"],
    executor: ["CeleryExecutor", "KubernetesExecutor"],
    operator: ["PythonOperator", "KubernetesPodOperator"],
    state: ["success", "up_for_retry"],
    return_code: ["0", "1"],
    _job_id: ["4711", "4712"],
    event_type: ["start", "complete"],
    transport_type: ["http", "kafka"],
};
const SUFFIX = { counter: "c", gauge: "g", timer: "ms" } as const;

/** StatsD lines for one catalogue entry with every ID shape, the ID values it carries, and its twin. */
function linesFor(
    metric: AirflowMetric,
    prefix = AIRFLOW_STATSD_PREFIX,
): { line: string; ids: Record<string, string> }[] {
    const names = [...metric.statsd.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
    const variants = Math.max(1, ...names.map((n) => ID_SHAPES[n].length));
    const out: { line: string; ids: Record<string, string> }[] = [];
    for (let v = 0; v < variants; v += 1) {
        const ids: Record<string, string> = {};
        const name = metric.statsd.replace(/\{([a-z_]+)\}/g, (_, n: string) => {
            const shapes = ID_SHAPES[n];
            ids[n] = shapes[v % shapes.length];
            return ids[n];
        });
        out.push({ line: `${prefix}.${name}:${metric.kind === "timer" ? 1200 : 1}|${SUFFIX[metric.kind]}`, ids });
    }
    return out;
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
                        wrong.push(
                            `${line}: expected ${seriesKey(want)}, got ${got.action === "drop" ? "DROP" : seriesKey(got)}`,
                        );
                }
                expect(wrong, wrong.join("\n")).to.deep.equal([]);
            });

            it("scrapes with HTTP 200 and loses no event to a conflict", () => {
                const { scrapeError, conflicts } = exposeLines(
                    mapper,
                    sample.map((s) => s.line),
                );
                expect(scrapeError).to.equal(undefined);
                expect(conflicts).to.deep.equal([]);
            });
        });
    }

    describe("every catalogue metric, with plain, hyphenated and dotted IDs and the twins", () => {
        const cases = AIRFLOW_METRICS.flatMap((metric) => linesFor(metric).map((l) => ({ metric, ...l })));
        const twins = [
            ...new Set(
                AIRFLOW_METRICS.flatMap((m) =>
                    m.twin ? [`${AIRFLOW_STATSD_PREFIX}.${m.twin}:1|${SUFFIX[m.kind]}`] : [],
                ),
            ),
        ];

        it("maps each to its catalogue name, no ID left in a name, every kept ID a label", () => {
            const wrong: string[] = [];
            for (const { metric, line, ids } of cases) {
                const event = parseStatsdLine(line);
                const r = mapper.map(event.name, event.type);
                if (r.action !== "map" || r.name !== metric.name) {
                    wrong.push(`${line}: ${r.action} ${r.name}, expected ${metric.name}`);
                    continue;
                }
                for (const [label, value] of Object.entries(ids)) {
                    if (label.startsWith("_")) continue;
                    // The one ambiguity of the dotted names: `<dag_id>.<task_id>` with dots in both splits at the first dot.
                    const split = ids.dag_id?.includes(".") && ("task_id" in ids || "_task" in ids);
                    if (split && (label === "dag_id" || label === "task_id")) continue;
                    if (r.labels[label] !== value)
                        wrong.push(`${line}: ${label}=${r.labels[label]}, expected ${value}`);
                }
                if (ids.dag_id?.includes(".") && ("task_id" in ids || "_task" in ids)) {
                    // What a split keeps: the DAG ID's first component, and the task ID behind the rest, nothing lost.
                    const firstComponent = ids.dag_id.split(".")[0];
                    if (r.labels.dag_id !== firstComponent)
                        wrong.push(`${line}: dag_id=${r.labels.dag_id}, expected ${firstComponent} (split)`);
                    if ("task_id" in ids && `${r.labels.dag_id}.${r.labels.task_id}` !== `${ids.dag_id}.${ids.task_id}`)
                        wrong.push(
                            `${line}: dag_id.task_id=${r.labels.dag_id}.${r.labels.task_id}, expected ${ids.dag_id}.${ids.task_id}`,
                        );
                }
                for (const value of Object.values(ids))
                    if (r.name.includes(value.replace(/[.-]/g, "_"))) wrong.push(`${line}: ID ${value} in ${r.name}`);
            }
            expect(wrong, wrong.join("\n")).to.deep.equal([]);
        });

        it("drops every ID-less twin", () => {
            const kept = twins.filter(
                (l) => mapper.map(parseStatsdLine(l).name, parseStatsdLine(l).type).action !== "drop",
            );
            expect(kept).to.deep.equal([]);
            expect(twins.length).to.be.greaterThan(30);
        });

        it("all of it at once scrapes with HTTP 200: one HELP per name, no type conflict", () => {
            const { scrapeError, conflicts, series } = exposeLines(mapper, [...cases.map((c) => c.line), ...twins]);
            expect(scrapeError).to.equal(undefined);
            expect(conflicts).to.deep.equal([]);
            expect(series.length).to.be.greaterThan(300);
        });

        it("has no dead glob: every rule is the one that decides for some input", () => {
            expect(mapper.deadGlobs.map((m) => m.match)).to.deep.equal([]);
            const deciding = new Set<unknown>();
            for (const line of [...cases.map((c) => c.line), ...twins])
                deciding.add(mapper.map(parseStatsdLine(line).name, parseStatsdLine(line).type).mapping);
            for (const type of ["counter", "gauge", "observer"] as const)
                deciding.add(mapper.map("airflow.added.later", type).mapping);
            expect(mappings.filter((m) => !deciding.has(m)).map((m) => m.match)).to.deep.equal([]);
        });
    });

    describe("Airflow's own metrics reference (2.11 and 3.x tables, test/fixtures/statsd-exporter) through the exporter model", () => {
        const reference = airflowMetricsReference();

        it("holds both lines' tables, the names the catalogue once missed included", () => {
            const has = (airflow: string, statsd: string) =>
                reference.some((m) => m.airflow === airflow && m.statsd === statsd);
            expect(reference.filter((m) => m.airflow === "2.11").length).to.be.greaterThan(100);
            expect(reference.filter((m) => m.airflow === "3.x").length).to.be.greaterThan(110);
            expect(
                has("2.11", "sla_email_notification_failure") && has("2.11", "dag_processing.sla_callback_count"),
            ).to.equal(true);
            expect(
                has("3.x", "edge_worker.heartbeat_count.{worker_name}") && has("3.x", "edge_worker.heartbeat_count"),
            ).to.equal(true);
            expect(
                has("3.x", "ol.emit.attempts.{event_type}.{transport_type}") && has("3.x", "ol.emit.attempts"),
            ).to.equal(true);
        });

        it("maps every name to a name without IDs or drops it; none reaches the catch-all (the figures of docs/observability.md)", () => {
            const inv = mappingInventory(mappings, reference);
            expect(inv.caughtAll).to.deep.equal([]);
            expect(inv.idInName).to.deep.equal([]);
            expect(inv.labelled + inv.plain + inv.dropped).to.equal(
                new Set(reference.map((m) => `${m.airflow} ${m.statsd}`)).size,
            );
            expect(inv.dropped).to.be.greaterThan(30);
        });

        it("sees a metric the mapping has no rule for: it reaches the catch-all and is named", () => {
            const withoutOlRule = mappings.filter((m) => m.name !== "airflow_ol_emit_attempts");
            expect(withoutOlRule.length).to.be.lessThan(mappings.length);
            expect(mappingInventory(withoutOlRule, reference).caughtAll).to.deep.equal([
                "3.x ol.emit.attempts.{event_type}.{transport_type}",
            ]);
        });
    });

    describe("the catch-all", () => {
        it("takes a metric Airflow adds later, by type, with a label and a TTL, and never takes the exporter down", () => {
            const later = [
                "airflow.brand_new.thing:1|c",
                "airflow.brand_new.gauge.x:3|g",
                "airflow.brand_new.timer:40|ms",
            ];
            const results = later.map((l) => mapper.map(parseStatsdLine(l).name, parseStatsdLine(l).type));
            expect(results.map((r) => [r.name, r.labels.metric, r.mapping?.ttl])).to.deep.equal([
                [CATCH_ALL.counter, "brand_new.thing", "48h"],
                [CATCH_ALL.gauge, "brand_new.gauge.x", "48h"],
                [CATCH_ALL.observer, "brand_new.timer", "48h"],
            ]);
            // A new metric whose default name would have been a mapped name (the 500 of the twins) goes to the catch-all.
            const exporter = new StatsdExporterModel(mapper);
            exporter.send([
                "airflow.pool.open_slots.default_pool:5|g",
                "airflow.pool.open_slots.default_pool.extra:5|g",
                "airflow.pool_open_slots:1|g",
            ]);
            expect(exporter.scrape().status).to.equal(200);
        });

        it("lets a series expire after the TTL (48h) and not before", () => {
            const exporter = new StatsdExporterModel(mapper);
            exporter.send(["airflow.ti.start.etl_daily.extract:1|c", "airflow.some.new_counter:1|c"]);
            exporter.advance(47 * 3600_000);
            expect(exporter.seriesCount()).to.equal(2);
            exporter.advance(2 * 3600_000);
            expect(exporter.seriesCount()).to.equal(0);
        });
    });

    it("puts the TTL on every rule and nothing the exporter would reject", () => {
        // statsd-exporter v0.28.0 reads the file with yaml.UnmarshalStrict: an unknown field stops it (pkg/mapper/mapping.go).
        const fields = [
            "match",
            "name",
            "labels",
            "honor_labels",
            "observer_type",
            "match_type",
            "help",
            "action",
            "match_metric_type",
            "ttl",
            "summary_options",
            "histogram_options",
            "scale",
        ];
        for (const m of mappings) {
            expect(
                Object.keys(m).filter((k) => !fields.includes(k)),
                m.match,
            ).to.deep.equal([]);
            if (m.summary_options) {
                expect(m.summary_options.max_age, m.match).to.match(/^\d+(ms|s|m|h)$/);
                for (const q of m.summary_options.quantiles ?? [])
                    expect(Object.keys(q).sort()).to.deep.equal(["error", "quantile"]);
            }
            if (m.action === "drop") continue;
            expect(m.ttl, m.match).to.equal("48h");
            expect(m.name).to.match(/^airflow_[a-z0-9_]+$/);
            expect(m.help, m.match).to.be.a("string").and.not.equal("");
        }
        // Only the mapping list: the Airflow chart renders `mappings:` and nothing else from overrideMappings.
        expect(Object.keys(YAML.parse(YAML.stringify({ mappings })))).to.deep.equal(["mappings"]);
        // And the real mapper's load checks pass (label names of two characters or more, valid globs and names).
        expect(() => new StatsdMapper(YAML.parse(YAML.stringify({ mappings })).mappings)).to.not.throw();
    });

    it("gives each metric name one HELP text and one timer kind, so the scrape never fails on HELP", () => {
        const help = new Map<string, string>();
        const kind = new Map<string, string>();
        for (const m of mappings) {
            if (m.action === "drop") continue;
            if (help.has(m.name)) expect(m.help, m.name).to.equal(help.get(m.name));
            help.set(m.name, m.help!);
            const k = JSON.stringify([m.observer_type, m.histogram_options, m.summary_options]);
            if (kind.has(m.name) && m.match_metric_type === undefined) expect(k, m.name).to.equal(kind.get(m.name));
            kind.set(m.name, k);
        }
        expect(mappedMetrics().map((m) => m.name)).to.include.members(
            [...help.keys()].filter((n) => !Object.values(CATCH_ALL).includes(n as never)),
        );
    });

    it("uses the configured TTL and prefix", () => {
        const custom = new StatsdMapper(airflowStatsdMappings({ ttl: "6h", prefix: "team" }));
        const r = custom.map("team.ti.start.d.t", "counter");
        expect(r.name).to.equal("airflow_ti_start");
        expect(r.mapping?.ttl).to.equal("6h");
        expect(custom.map("airflow.ti.start.d.t", "counter").action).to.equal("default");
    });

    it("times with histograms per DAG and task, summaries only with max_age for the scheduler's loop timers", () => {
        for (const m of mappings.filter((x) => x.observer_type)) {
            if (m.observer_type === "summary")
                expect(m.name, m.match).to.match(/^airflow_(scheduler|collect_db_dags|kubernetes_executor)/);
            if (m.labels?.dag_id || m.labels?.dag_file) expect(m.observer_type, m.match).to.equal("histogram");
        }
    });

    it("stays under 20 series per task, grows linearly with tasks and not with runs", () => {
        for (const major of [2, 3] as const) {
            const ten = seriesForOneDag(10, 24, major);
            const eleven = seriesForOneDag(11, 24, major);
            const twenty = seriesForOneDag(20, 24, major);
            const perTask = eleven.perDag - ten.perDag;
            expect(twenty.perDag - ten.perDag, `Airflow ${major}`).to.equal(10 * perTask);
            expect(ten.perTaskMax, `Airflow ${major}`).to.be.at.most(20);
            expect(ten.scrapeError).to.equal(undefined);
            expect(ten.conflicts).to.deep.equal([]);
            // More runs in the day add no series: run and job IDs never become labels.
            expect(seriesForOneDag(10, 48, major).perDag).to.equal(ten.perDag);
        }
        expect(
            dagDayOfStatsdLines({ dagId: "d", tasks: 1, runs: 1, major: 2 }).some((l) =>
                l.startsWith("airflow.local_task_job.task_exit.9000.d.task_0.1"),
            ),
        ).to.equal(true);
    });
});
