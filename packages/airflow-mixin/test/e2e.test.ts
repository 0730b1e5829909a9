/**
 * End to end with a real Prometheus (Debian's `prometheus` package, installed by tools/ensure-tool.sh): a simulated
 * stretch of platform traffic (simulate-platform.ts: Airflow StatsD through the exporter model, kube-state-metrics,
 * cAdvisor, `up`) is backfilled into a TSDB with `promtool tsdb create-blocks-from openmetrics`, the recording rules
 * with `promtool tsdb create-blocks-from rules` (two passes: one rule reads another's output), and a server on
 * loopback answers every dashboard panel, every template variable and every alert expression through its HTTP API.
 */
import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { AlertingRule, RecordingRule, RuleGroup } from "../src/alerts";
import { dashboardExpressions } from "../src/dashboards/panels";
import { PlatformSimulation, simulatePlatform } from "../src/simulate-platform";
import { mixin, ruleGroups } from "./mixin";

type PromResult = { metric: Record<string, string>; value: [number, string] }[];

function run(cmd: string, args: string[], cwd: string): string {
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
    if (r.error)
        throw new Error(`${cmd} cannot run (${r.error.message}): run \`bash tools/ensure-tool.sh\` (npm test does)`);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

/** A Prometheus server on loopback over `dir/data`, stopped by `stop()` (and by the test's `after`). */
class PrometheusServer {
    private child?: ChildProcess;
    constructor(
        private readonly dir: string,
        readonly port: number,
    ) {}

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    async start(): Promise<void> {
        this.child = spawn(
            "prometheus",
            [
                "--config.file=prometheus.yml",
                "--storage.tsdb.path=data",
                `--web.listen-address=127.0.0.1:${this.port}`,
                "--storage.tsdb.retention.time=30d",
                "--log.level=error",
            ],
            { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        this.child.stderr!.on("data", (d) => (stderr += String(d)));
        for (let i = 0; i < 200; i += 1) {
            if (this.child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
            const ready = await fetch(`${this.url}/-/ready`).then(
                (r) => r.ok,
                () => false,
            );
            if (ready) return;
            await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`prometheus did not get ready: ${stderr}`);
    }

    async stop(): Promise<void> {
        const child = this.child;
        if (!child || child.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        });
    }

    async query(expr: string, time: number): Promise<PromResult> {
        const body = new URLSearchParams({ query: expr, time: String(time) });
        const r = (await (await fetch(`${this.url}/api/v1/query`, { method: "POST", body })).json()) as {
            status: string;
            error?: string;
            data: { resultType: string; result: PromResult };
        };
        if (r.status !== "success") throw new Error(`${expr}: ${r.error}`);
        const result =
            r.data.resultType === "scalar"
                ? [{ metric: {}, value: r.data.result as unknown as [number, string] }]
                : r.data.result;
        return result;
    }

    async labelValues(label: string, selector: string, start: number, end: number): Promise<string[]> {
        const params = new URLSearchParams({ "match[]": selector, start: String(start), end: String(end) });
        const r = (await (await fetch(`${this.url}/api/v1/label/${label}/values?${params}`)).json()) as {
            status: string;
            data: string[];
        };
        return r.data;
    }
}

/** Where each alert must fire at the end of the simulation: a namespace, or "cluster" for the node-level ones. */
const SCENARIOS: Record<string, keyof PlatformSimulation["namespaces"] | "cluster"> = {
    AirflowSchedulerHeartbeatMissing: "incident",
    AirflowDagProcessorHeartbeatMissing: "incident",
    AirflowTriggererHeartbeatMissing: "incident",
    AirflowStatsdExporterDown: "exporterDown",
    AirflowStatsdExporterAbsent: "exporterAbsent",
    AirflowMetricsMissing: "metricsMissing",
    AirflowStatsdMappingConflict: "incident",
    AirflowHighTaskFailureRate: "incident",
    AirflowDagRunFailed: "incident",
    AirflowTaskFailed: "incident",
    AirflowExecutorNoOpenSlots: "incident",
    AirflowQueuedTaskBacklog: "incident",
    AirflowWorkerPodsPending: "incident",
    AirflowPoolFull: "incident",
    AirflowPoolStarving: "incident",
    AirflowComponentReplicasUnavailable: "incident",
    AirflowTasksKilledWithoutHeartbeat: "incident",
    AirflowScheduleDelayHigh: "incident",
    AirflowTriggererAtCapacity: "incident",
    AirflowPgbouncerDown: "incident",
    AirflowDagImportErrors: "incident",
    NodeMemoryPressure: "cluster",
    SpotNodeChurn: "cluster",
    AirflowWorkersOnFallbackCapacity: "incident",
};

describe("observability end to end: a real Prometheus over backfilled platform traffic", function () {
    this.timeout(120000);
    const groups = ruleGroups;
    const alerts = groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => "alert" in r);
    const records = groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => "record" in r);
    let dir: string;
    let server: PrometheusServer;
    let sim: PlatformSimulation;

    const rulesFile = (name: string, rules: RecordingRule[] | RuleGroup[]) =>
        fs.writeFileSync(
            path.join(dir, name),
            YAML.stringify({ groups: (rules[0] as RuleGroup).rules ? rules : [{ name: "backfill", rules }] }),
        );

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "airflow-e2e-"));
        const step = 120;
        sim = simulatePlatform({ end: Math.floor(Date.now() / 1000 / step) * step, stepSeconds: step });
        fs.writeFileSync(path.join(dir, "traffic.om"), `${sim.lines.join("\n")}\n`);
        rulesFile("rules.yaml", groups);
        fs.writeFileSync(
            path.join(dir, "prometheus.yml"),
            YAML.stringify({ global: { evaluation_interval: "1m" }, rule_files: ["rules.yaml"] }),
        );
        run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "traffic.om", "data"], dir);
        server = new PrometheusServer(dir, await freePort());
        await server.start();
        // The recording rules, in two passes: the spot counts read node:capacity_type:info, which must exist first.
        const first = records.filter((r) => r.record === "node:capacity_type:info");
        for (const [i, pass] of [first, records.filter((r) => !first.includes(r))].entries()) {
            rulesFile(`backfill-${i}.yaml`, pass);
            run(
                "promtool",
                [
                    "tsdb",
                    "create-blocks-from",
                    "rules",
                    `--start=${sim.start}`,
                    `--end=${sim.end + 1}`,
                    `--url=${server.url}`,
                    `--output-dir=rules-${i}`,
                    `--eval-interval=${step}s`,
                    `backfill-${i}.yaml`,
                ],
                dir,
            );
            await server.stop();
            for (const block of fs.readdirSync(path.join(dir, `rules-${i}`)))
                fs.renameSync(path.join(dir, `rules-${i}`, block), path.join(dir, "data", block));
            await server.start();
        }
    });

    after(async () => {
        await server?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A dashboard expression with its variables set: every namespace, one DAG (the daily one unless told), every task. */
    const withVariables = (expr: string, dag = sim.dailyDag) =>
        expr
            .replace(/\$namespace/g, ".+")
            .replace(/\$dag_id/g, dag)
            .replace(/\$task_id/g, ".+");
    /** The DAGs of the drill-down: the daily one (ran once, hours ago), one that fails at the incident, a dotted ID. */
    const drillDownDags = () => [sim.dailyDag, "hourly_sales", "ml-nightly.v2"];
    const FALLBACK = / or vector\(0\)$/;
    const hasData = (result: PromResult) => result.some((r) => !Number.isNaN(Number(r.value[1])));

    it("backfilled the recording rules: spot nodes counted, three replaced at the incident", async () => {
        expect((await server.query("airflow_platform:spot_nodes:count", sim.end))[0].value[1]).to.equal("3");
        expect((await server.query("airflow_platform:spot_nodes_created:1h", sim.end))[0].value[1]).to.equal("3");
        expect(
            (await server.query("airflow_platform:spot_nodes_created:1h", sim.incident - sim.stepSeconds))[0].value[1],
        ).to.equal("0");
    });

    it("answers every panel of every dashboard with data (the daily DAG's included, hours after its only run)", async () => {
        const empty: string[] = [];
        let panels = 0;
        for (const d of Object.values(mixin.dashboards)) {
            for (const e of dashboardExpressions(d).filter((x) => !x.where.includes("/$"))) {
                panels += 1;
                if (!hasData(await server.query(withVariables(e.expr), sim.end))) empty.push(`${e.where}: ${e.expr}`);
                // A `or vector(0)` fallback always answers: the query before it must have data for one of the DAGs.
                if (!FALLBACK.test(e.expr)) continue;
                const bare = e.expr.replace(FALLBACK, "");
                const answered = await Promise.all(
                    drillDownDags().map(async (dag) => hasData(await server.query(withVariables(bare, dag), sim.end))),
                );
                if (!answered.includes(true)) empty.push(`${e.where} without its fallback: ${bare}`);
            }
        }
        expect(empty, empty.join("\n")).to.deep.equal([]);
        expect(panels).to.be.greaterThan(40);
    });

    it("counts every failed and successful run of the day, a series born at the incident included", async () => {
        const stat = (title: string) =>
            dashboardExpressions(mixin.dashboards["airflow-dag.json"]).find((e) => e.where.endsWith(`/${title}`))!.expr;
        const value = async (expr: string, dag: string) =>
            Number((await server.query(withVariables(expr, dag), sim.end))[0].value[1]);
        // hourly_sales fails once a step from the incident to the end, in the incident namespace only.
        expect(await value(stat("Failed runs (24h)"), "hourly_sales")).to.equal(
            (sim.end - sim.incident) / sim.stepSeconds,
        );
        expect(await value(stat("Failed runs (24h)"), sim.dailyDag)).to.equal(0);
        // The daily DAG ran once in each namespace with an exporter; exporter-down's is not scraped since the incident.
        expect(await value(stat("Successful runs (24h)"), sim.dailyDag)).to.equal(3);
    });

    it("drills down into a dotted DAG ID: every run-level panel has data", async () => {
        const empty: string[] = [];
        for (const e of dashboardExpressions(mixin.dashboards["airflow-dag.json"]).filter(
            (x) => !x.where.includes("/$"),
        )) {
            const runLevel = /airflow_dagrun_/.test(e.expr) && !/airflow_(ti|task)_/.test(e.expr);
            // The run counts end in a fallback (the DAG never fails): the next test counts its successful runs.
            if (
                runLevel &&
                !FALLBACK.test(e.expr) &&
                !hasData(await server.query(withVariables(e.expr, "ml-nightly.v2"), sim.end))
            )
                empty.push(`${e.where}: ${e.expr}`);
        }
        expect(empty, empty.join("\n")).to.deep.equal([]);
        const successful = dashboardExpressions(mixin.dashboards["airflow-dag.json"]).find((e) =>
            e.where.endsWith("/Successful runs (24h)"),
        )!.expr;
        // Every two hours from step 7: twice in `airflow`, once where the incident or the silence stopped the second.
        expect(
            Number(
                (await server.query(withVariables(successful.replace(FALLBACK, ""), "ml-nightly.v2"), sim.end))[0]
                    .value[1],
            ),
        ).to.equal(4);
    });

    it("answers every template variable with values", async () => {
        const empty: string[] = [];
        for (const d of Object.values(mixin.dashboards)) {
            for (const v of d.templating?.list ?? []) {
                if (v.type !== "query") continue;
                const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(String(v.definition));
                expect(m, `${d.title}/$${v.name}`).to.not.equal(null);
                const values = await server.labelValues(m![2], withVariables(m![1]), sim.start, sim.end);
                if (values.length === 0) empty.push(`${d.title}/$${v.name}`);
                // Built from run-level metrics: a dotted DAG ID is listed whole, not split at its first dot as task metrics are.
                if (v.name === "dag_id") expect(values).to.have.members(drillDownDags());
                if (v.name === "task_id") expect(values).to.include.members(["extract", "transform", "load"]);
            }
        }
        expect(empty).to.deep.equal([]);
        // DAG-level metrics carry the whole dotted DAG ID.
        expect(await server.labelValues("dag_id", "airflow_dagrun_duration_count", sim.start, sim.end)).to.include(
            "ml-nightly.v2",
        );
    });

    it("has a scenario for every alert", () => {
        expect(alerts.map((a) => a.alert).sort()).to.deep.equal(Object.keys(SCENARIOS).sort());
    });

    for (const [alert, where] of Object.entries(SCENARIOS)) {
        it(`${alert}: fires on its scenario (${where}) and is quiet on healthy traffic`, async () => {
            const rule = alerts.find((a) => a.alert === alert)!;
            const firing = await server.query(rule.expr, sim.end);
            if (where === "cluster") expect(firing, "fires at the end").to.not.be.empty;
            else
                expect(
                    firing.map((r) => r.metric.namespace),
                    "fires at the end",
                ).to.include(sim.namespaces[where]);
            expect(firing.map((r) => r.metric.namespace)).to.not.include(sim.namespaces.healthy);
            // Before the incident everything is healthy: from the second hour (the rules' longest windows) to the incident.
            for (let t = sim.start + 4200; t < sim.incident; t += 600) {
                const quiet = await server.query(rule.expr, t);
                expect(quiet, `quiet ${Math.round((sim.incident - t) / 60)} min before the incident`).to.deep.equal([]);
            }
        });
    }
});
