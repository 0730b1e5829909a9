import { expect } from "chai";
import { PROMETHEUS_DATASOURCE_UID } from "../src/config";
import { inspectPromql, mixinExpressions } from "../src/promql";
import { airflowStatsdMappings } from "../src/statsd-mapping";
import { exposeLines, StatsdMapper } from "../src/statsd-matcher";
import { dagDayOfStatsdLines } from "../src/simulate";
import { readStatsdSample } from "./fixtures/statsd-samples/samples";
import { mixin, ruleGroups } from "./mixin";

/** Labels Prometheus adds to every series scraped from the exporter (ServiceMonitor target labels). */
const TARGET_LABELS = ["namespace", "pod", "service", "endpoint", "job", "instance", "container", "airflow_release"];

describe("observability: PromQL of dashboards and rules", () => {
    const expressions = mixinExpressions(mixin);

    it("covers every dashboard panel, dashboard variable and rule", () => {
        const dashboards = Object.values(mixin.dashboards);
        expect(dashboards).to.have.length(3);
        for (const d of dashboards)
            expect(expressions.filter((e) => e.where.startsWith(`${d.title}/`)).length, d.title).to.be.greaterThan(5);
        const rules = ruleGroups.flatMap((g) => g.rules);
        expect(expressions.filter((e) => !dashboards.some((d) => e.where.startsWith(`${d.title}/`)))).to.have.length(
            rules.length,
        );
    });

    it("parses every expression with Prometheus' grammar (no error node)", () => {
        const broken = expressions
            .map((e) => ({ ...e, errors: inspectPromql(e.expr).errors }))
            .filter((e) => e.errors.length > 0);
        expect(broken.map((b) => `${b.where}: ${b.expr} ${b.errors.join("; ")}`)).to.deep.equal([]);
    });

    it("detects a syntax error (the check itself works)", () => {
        expect(inspectPromql(`sum(rate(airflow_ti_finish[5m])`).errors).to.not.be.empty;
        expect(inspectPromql(`airflow_ti_finish{state="failed"`).errors).to.not.be.empty;
        expect(inspectPromql(`sum by (state) (rate(airflow_ti_finish{state="failed"}[5m]))`).errors).to.be.empty;
    });

    describe("every airflow_* metric they use is produced by the mapping", () => {
        const mapper = new StatsdMapper(airflowStatsdMappings({ ttl: "48h" }));
        const lines = [
            ...readStatsdSample("airflow-2.x.statsd").map((s) => s.line),
            ...readStatsdSample("airflow-3.x.statsd").map((s) => s.line),
            ...dagDayOfStatsdLines({ dagId: "etl_daily", tasks: 3, runs: 2, major: 3 }),
        ];
        const produced = new Map<string, Set<string>>();
        for (const s of exposeLines(mapper, lines).series) {
            const labels = produced.get(s.name) ?? new Set<string>();
            Object.keys(s.labels).forEach((l) => labels.add(l));
            produced.set(s.name, labels);
        }
        const recorded = new Set(ruleGroups.flatMap((g) => g.rules.map((r) => ("record" in r ? r.record : ""))));
        const uses = expressions.flatMap((e) => inspectPromql(e.expr).selectors.map((s) => ({ ...s, where: e.where })));

        it("each airflow_* metric name is exposed by statsd-exporter for the Airflow 2.x and 3.x samples", () => {
            const missing = uses.filter(
                (u) => u.metric.startsWith("airflow_") && !u.metric.includes(":") && !produced.has(u.metric),
            );
            expect(missing.map((m) => `${m.where}: ${m.metric}`)).to.deep.equal([]);
            expect(uses.filter((u) => u.metric.startsWith("airflow_")).length).to.be.greaterThan(30);
        });

        it("each label an airflow_* selector matches on exists on that metric", () => {
            const wrong = uses
                .filter((u) => u.metric.startsWith("airflow_") && produced.has(u.metric))
                .flatMap((u) =>
                    u.labels
                        .filter((l) => !produced.get(u.metric)!.has(l) && !TARGET_LABELS.includes(l))
                        .map((l) => `${u.where}: ${u.metric}{${l}}`),
                );
            expect(wrong).to.deep.equal([]);
        });

        it("each recording-rule series used (name with a colon) is recorded by the rules", () => {
            const unrecorded = uses.filter((u) => u.metric.includes(":") && !recorded.has(u.metric));
            expect(unrecorded.map((u) => `${u.where}: ${u.metric}`)).to.deep.equal([]);
        });
    });

    it("references the fixed Prometheus datasource uid in every panel and query", () => {
        for (const d of Object.values(mixin.dashboards)) {
            const text = JSON.stringify(d);
            const uids = [...text.matchAll(/"uid":"([^"]*)"/g)].map((m) => m[1]).filter((u) => u !== d.uid);
            expect(uids.length, d.title).to.be.greaterThan(10);
            expect(new Set(uids), d.title).to.deep.equal(new Set([PROMETHEUS_DATASOURCE_UID]));
            for (const p of d.panels ?? []) {
                const panel = p as {
                    type: string;
                    datasource?: { uid?: string };
                    targets?: { datasource?: { uid?: string } }[];
                };
                if (panel.type === "row") continue;
                expect(panel.datasource?.uid, `${d.title}: panel`).to.equal(PROMETHEUS_DATASOURCE_UID);
                for (const t of panel.targets ?? []) expect(t.datasource?.uid).to.equal(PROMETHEUS_DATASOURCE_UID);
            }
        }
    });

    it("gives the DAG drill-down dag_id and task_id variables that its queries use", () => {
        const dag = mixin.dashboards["airflow-dag.json"];
        const names = (dag.templating?.list ?? []).map((v) => v.name);
        expect(names).to.include.members(["namespace", "dag_id", "task_id"]);
        const queries = mixinExpressions(mixin).filter(
            (e) => e.where.startsWith(`${dag.title}/`) && !e.where.includes("/$"),
        );
        expect(queries.every((q) => q.expr.includes(`dag_id="$dag_id"`))).to.equal(true);
        expect(queries.some((q) => q.expr.includes(`task_id=~"$task_id"`))).to.equal(true);
    });
});
