/**
 * Runs the real `promtool` (Debian package `prometheus`; `npm test` installs it through tools/ensure-tool.sh) on
 * the Airflow rules (the platform's annotation-based scrape config: test/observability-promtool.test.ts). Fails, never skips, when promtool is missing.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { AlertingRule } from "../src/alerts";
import { dashboardExpressions } from "../src/dashboards/panels";
import { mixin, ruleGroups } from "./mixin";

interface AlertCase {
    /** What the case shows, for the test name. */
    title: string;
    alert: string;
    input: { series: string; values: string }[];
    evalTime: string;
    /** The alerts expected at evalTime: their labels (beyond alertname and the rule's severity) and rendered $value. */
    expected: { labels: Record<string, string>; value?: string }[];
}

const NS = (ns: string) => `namespace="${ns}"`;

/** A failing series next to a healthy one in every case: the alert must fire for the first only. */
const CASES: AlertCase[] = [
    ...(
        [
            ["Scheduler", "airflow_scheduler_heartbeat"],
            ["DagProcessor", "airflow_dag_processor_heartbeat"],
            ["Triggerer", "airflow_triggerer_heartbeat"],
        ] as const
    ).map<AlertCase>(([component, metric]) => ({
        title: `${component} stops heartbeating after 10 minutes`,
        alert: `Airflow${component}HeartbeatMissing`,
        input: [
            { series: `${metric}{${NS("broken")}}`, values: "0+12x10 120x30" },
            { series: `${metric}{${NS("healthy")}}`, values: "0+12x40" },
        ],
        evalTime: "30m",
        expected: [{ labels: { namespace: "broken" } }],
    })),
    {
        title: "the exporter in one namespace cannot be scraped",
        alert: "AirflowStatsdExporterDown",
        input: [
            {
                series: `up{${NS("broken")}, endpoint="statsd-scrape", job="airflow-statsd", pod="airflow-statsd-0"}`,
                values: "1x5 0x20",
            },
            {
                series: `up{${NS("healthy")}, endpoint="statsd-scrape", job="airflow-statsd", pod="airflow-statsd-0"}`,
                values: "1x25",
            },
        ],
        evalTime: "20m",
        expected: [
            {
                labels: {
                    namespace: "broken",
                    endpoint: "statsd-scrape",
                    job: "airflow-statsd",
                    pod: "airflow-statsd-0",
                },
            },
        ],
    },
    {
        title: "the exporter is up but receives no sample",
        alert: "AirflowMetricsMissing",
        input: [
            { series: `statsd_exporter_samples_total{${NS("broken")}}`, values: "0+100x10 1000x30" },
            { series: `up{${NS("broken")}, endpoint="statsd-scrape"}`, values: "1x40" },
            { series: `statsd_exporter_samples_total{${NS("healthy")}}`, values: "0+100x40" },
            { series: `up{${NS("healthy")}, endpoint="statsd-scrape"}`, values: "1x40" },
        ],
        evalTime: "35m",
        expected: [{ labels: { namespace: "broken" } }],
    },
    {
        title: "the exporter drops samples on a name conflict",
        alert: "AirflowStatsdMappingConflict",
        input: [
            { series: `statsd_exporter_events_conflict_total{${NS("broken")}}`, values: "0+1x30" },
            { series: `statsd_exporter_events_conflict_total{${NS("healthy")}}`, values: "0x30" },
        ],
        evalTime: "25m",
        expected: [{ labels: { namespace: "broken" } }],
    },
    {
        title: "half the finished tasks fail",
        alert: "AirflowHighTaskFailureRate",
        input: [
            {
                series: `airflow_ti_finish{${NS("broken")}, dag_id="etl", task_id="load", state="failed"}`,
                values: "0+1x40",
            },
            {
                series: `airflow_ti_finish{${NS("broken")}, dag_id="etl", task_id="extract", state="success"}`,
                values: "0+1x40",
            },
            {
                series: `airflow_ti_finish{${NS("healthy")}, dag_id="etl", task_id="load", state="failed"}`,
                values: "0x40",
            },
            {
                series: `airflow_ti_finish{${NS("healthy")}, dag_id="etl", task_id="extract", state="success"}`,
                values: "0+5x40",
            },
        ],
        evalTime: "30m",
        expected: [{ labels: { namespace: "broken" }, value: "50%" }],
    },
    {
        title: "the first failed run of a DAG (the counter series appears at 1: increase() alone sees nothing)",
        alert: "AirflowDagRunFailed",
        input: [
            {
                series: `airflow_dagrun_duration_count{${NS("broken")}, dag_id="etl", state="failed"}`,
                values: "_x10 1x20",
            },
            {
                series: `airflow_dagrun_duration_count{${NS("broken")}, dag_id="etl", state="success"}`,
                values: "0+1x30",
            },
            {
                series: `airflow_dagrun_duration_count{${NS("healthy")}, dag_id="etl", state="success"}`,
                values: "0+1x30",
            },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", dag_id: "etl" } }],
    },
    {
        title: "the first failure of a task, next to a task that only succeeds",
        alert: "AirflowTaskFailed",
        input: [
            {
                series: `airflow_ti_finish{${NS("broken")}, dag_id="etl", task_id="load", state="failed"}`,
                values: "_x10 1x20",
            },
            {
                series: `airflow_ti_finish{${NS("broken")}, dag_id="etl", task_id="extract", state="success"}`,
                values: "0+1x30",
            },
            {
                series: `airflow_ti_finish{${NS("healthy")}, dag_id="etl", task_id="load", state="success"}`,
                values: "0+1x30",
            },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", dag_id: "etl", task_id: "load" } }],
    },
    {
        title: "a failed task's series misses scrapes for 10 minutes: its old failure does not fire again",
        alert: "AirflowTaskFailed",
        input: [
            {
                series: `airflow_ti_finish{${NS("gap")}, dag_id="etl", task_id="load", state="failed"}`,
                values: "_x5 1x15 _x10 1x40",
            },
        ],
        evalTime: "60m",
        expected: [],
    },
    {
        title: "a failed run's series misses scrapes for 10 minutes: its old failure does not fire again",
        alert: "AirflowDagRunFailed",
        input: [
            {
                series: `airflow_dagrun_duration_count{${NS("gap")}, dag_id="etl", state="failed"}`,
                values: "_x5 1x15 _x10 1x40",
            },
        ],
        evalTime: "60m",
        expected: [],
    },
    {
        title: "a kill counter misses scrapes for 10 minutes: its old kills do not fire again",
        alert: "AirflowTasksKilledWithoutHeartbeat",
        input: [
            { series: `airflow_task_instances_without_heartbeats_killed{${NS("gap")}}`, values: "_x5 2x15 _x10 2x40" },
        ],
        evalTime: "45m",
        expected: [],
    },
    {
        title: "a DAG run fails",
        alert: "AirflowDagRunFailed",
        input: [
            {
                series: `airflow_dagrun_duration_count{${NS("broken")}, dag_id="etl", state="failed"}`,
                values: "0x10 1x20",
            },
            {
                series: `airflow_dagrun_duration_count{${NS("broken")}, dag_id="etl", state="success"}`,
                values: "0+1x30",
            },
            {
                series: `airflow_dagrun_duration_count{${NS("healthy")}, dag_id="etl", state="success"}`,
                values: "0+1x30",
            },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", dag_id: "etl" } }],
    },
    {
        title: "an executor has no free slot while tasks queue",
        alert: "AirflowExecutorNoOpenSlots",
        input: [
            { series: `airflow_executor_open_slots{${NS("broken")}, executor="CeleryExecutor"}`, values: "0x30" },
            { series: `airflow_executor_queued_tasks{${NS("broken")}, executor="CeleryExecutor"}`, values: "5x30" },
            { series: `airflow_executor_open_slots{${NS("broken")}, executor="KubernetesExecutor"}`, values: "10x30" },
            { series: `airflow_executor_queued_tasks{${NS("broken")}, executor="KubernetesExecutor"}`, values: "5x30" },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", executor: "CeleryExecutor" } }],
    },
    {
        title: "task instances stay QUEUED in the database for half an hour (pool.queued_slots)",
        alert: "AirflowQueuedTaskBacklog",
        input: [
            { series: `airflow_pool_queued_slots{${NS("broken")}, pool="default_pool"}`, values: "40x40" },
            { series: `airflow_pool_queued_slots{${NS("broken")}, pool="etl"}`, values: "20x40" },
            // The executor's own queue is empty: the tasks wait for workers, not for [core] parallelism.
            { series: `airflow_executor_queued_tasks{${NS("broken")}, executor="CeleryExecutor"}`, values: "0x40" },
            { series: `airflow_pool_queued_slots{${NS("healthy")}, pool="default_pool"}`, values: "10x40" },
        ],
        evalTime: "35m",
        expected: [{ labels: { namespace: "broken" }, value: "60" }],
    },
    {
        title: "worker pods stay Pending (no spot capacity), other pods do not count",
        alert: "AirflowWorkerPodsPending",
        input: [
            { series: `kube_pod_status_phase{namespace="broken", pod="w-0", phase="Pending"}`, values: "1x30" },
            {
                series: `kube_pod_labels{namespace="broken", pod="w-0", label_tier="airflow", label_component="worker"}`,
                values: "1x30",
            },
            { series: `kube_pod_status_phase{namespace="broken", pod="web-0", phase="Pending"}`, values: "1x30" },
            {
                series: `kube_pod_labels{namespace="broken", pod="web-0", label_tier="airflow", label_component="api-server"}`,
                values: "1x30",
            },
            { series: `kube_pod_status_phase{namespace="healthy", pod="w-0", phase="Pending"}`, values: "0x30" },
            {
                series: `kube_pod_labels{namespace="healthy", pod="w-0", label_tier="airflow", label_component="worker"}`,
                values: "1x30",
            },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken" }, value: "1" }],
    },
    {
        title: "a pool stays full (starving_tasks is not sent then)",
        alert: "AirflowPoolFull",
        input: [
            { series: `airflow_pool_open_slots{${NS("broken")}, pool="etl"}`, values: "0x30" },
            { series: `airflow_pool_open_slots{${NS("broken")}, pool="default_pool"}`, values: "100x30" },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", pool: "etl" } }],
    },
    {
        title: "one of two schedulers is dead while their shared heartbeat keeps counting",
        alert: "AirflowComponentReplicasUnavailable",
        input: [
            { series: `airflow_scheduler_heartbeat{${NS("broken")}}`, values: "0+6x30" },
            {
                series: `kube_deployment_spec_replicas{namespace="broken", deployment="airflow-scheduler"}`,
                values: "2x30",
            },
            {
                series: `kube_deployment_status_replicas_available{namespace="broken", deployment="airflow-scheduler"}`,
                values: "2x5 1x25",
            },
            {
                series: `kube_deployment_spec_replicas{namespace="healthy", deployment="airflow-scheduler"}`,
                values: "2x30",
            },
            {
                series: `kube_deployment_status_replicas_available{namespace="healthy", deployment="airflow-scheduler"}`,
                values: "2x30",
            },
        ],
        evalTime: "25m",
        expected: [{ labels: { namespace: "broken", deployment: "airflow-scheduler" } }],
    },
    {
        title: "one of two triggerers is dead (their heartbeat is shared too)",
        alert: "AirflowComponentReplicasUnavailable",
        input: [
            {
                series: `kube_deployment_spec_replicas{namespace="broken", deployment="airflow-triggerer"}`,
                values: "2x30",
            },
            {
                series: `kube_deployment_status_replicas_available{namespace="broken", deployment="airflow-triggerer"}`,
                values: "2x5 1x25",
            },
            {
                series: `kube_deployment_spec_replicas{namespace="healthy", deployment="airflow-triggerer"}`,
                values: "2x30",
            },
            {
                series: `kube_deployment_status_replicas_available{namespace="healthy", deployment="airflow-triggerer"}`,
                values: "2x30",
            },
        ],
        evalTime: "25m",
        expected: [{ labels: { namespace: "broken", deployment: "airflow-triggerer" } }],
    },
    {
        title: "the exporter's target is gone entirely (no up series to be 0)",
        alert: "AirflowStatsdExporterAbsent",
        input: [
            { series: `kube_service_info{namespace="broken", service="airflow-statsd"}`, values: "1x30" },
            { series: `kube_service_info{namespace="healthy", service="airflow-statsd"}`, values: "1x30" },
            { series: `up{${NS("healthy")}, endpoint="statsd-scrape", job="airflow-statsd"}`, values: "1x30" },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken" } }],
    },
    {
        title: "tasks are killed for missing heartbeats (spot reclaim), the first kill included",
        alert: "AirflowTasksKilledWithoutHeartbeat",
        input: [
            { series: `airflow_task_instances_without_heartbeats_killed{${NS("broken")}}`, values: "_x10 2x20" },
            { series: `airflow_task_instances_without_heartbeats_killed{${NS("healthy")}}`, values: "0x30" },
        ],
        evalTime: "15m",
        expected: [{ labels: { namespace: "broken" }, value: "2" }],
    },
    {
        title: "Airflow 2.x zombies are killed",
        alert: "AirflowTasksKilledWithoutHeartbeat",
        input: [{ series: `airflow_zombies_killed{${NS("broken")}}`, values: "0x10 1x20" }],
        evalTime: "15m",
        expected: [{ labels: { namespace: "broken" }, value: "1" }],
    },
    {
        title: "DAG runs start ten minutes late on average",
        alert: "AirflowScheduleDelayHigh",
        input: [
            // One run every 5 minutes, each 900 s behind its schedule, against 5 s in the healthy namespace.
            { series: `airflow_dagrun_schedule_delay_sum{${NS("broken")}, dag_id="etl"}`, values: "0+180x120" },
            { series: `airflow_dagrun_schedule_delay_count{${NS("broken")}, dag_id="etl"}`, values: "0+0.2x120" },
            { series: `airflow_dagrun_schedule_delay_sum{${NS("healthy")}, dag_id="etl"}`, values: "0+1x120" },
            { series: `airflow_dagrun_schedule_delay_count{${NS("healthy")}, dag_id="etl"}`, values: "0+0.2x120" },
        ],
        evalTime: "90m",
        expected: [{ labels: { namespace: "broken" }, value: "15m 0s" }],
    },
    {
        title: "a triggerer has no capacity left",
        alert: "AirflowTriggererAtCapacity",
        input: [
            {
                series: `airflow_triggerer_capacity_left{${NS("broken")}, hostname="airflow-triggerer-0"}`,
                values: "0x20",
            },
            {
                series: `airflow_triggerer_capacity_left{${NS("broken")}, hostname="airflow-triggerer-1"}`,
                values: "500x20",
            },
        ],
        evalTime: "15m",
        expected: [{ labels: { namespace: "broken", hostname: "airflow-triggerer-0" } }],
    },
    {
        title: "PgBouncer's metrics Service (scraped through its prometheus.io annotations) is down",
        alert: "AirflowPgbouncerDown",
        input: [
            {
                series: `up{job="kubernetes-service-endpoints", namespace="broken", service="airflow-pgbouncer", pod="airflow-pgbouncer-0"}`,
                values: "1x5 0x20",
            },
            {
                series: `up{job="kubernetes-service-endpoints", namespace="healthy", service="airflow-pgbouncer", pod="airflow-pgbouncer-0"}`,
                values: "1x25",
            },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", service: "airflow-pgbouncer" } }],
    },
    {
        title: "a pool starves tasks",
        alert: "AirflowPoolStarving",
        input: [
            { series: `airflow_pool_starving_tasks{${NS("broken")}, pool="default_pool"}`, values: "5x30" },
            { series: `airflow_pool_starving_tasks{${NS("broken")}, pool="etl"}`, values: "0x30" },
        ],
        evalTime: "20m",
        expected: [{ labels: { namespace: "broken", pool: "default_pool" }, value: "5" }],
    },
    {
        title: "DAG files fail to import",
        alert: "AirflowDagImportErrors",
        input: [
            { series: `airflow_dag_processing_import_errors{${NS("broken")}}`, values: "2x20" },
            { series: `airflow_dag_processing_import_errors{${NS("healthy")}}`, values: "0x20" },
        ],
        evalTime: "15m",
        expected: [{ labels: { namespace: "broken" }, value: "2" }],
    },
    {
        title: "a node reports memory pressure",
        alert: "NodeMemoryPressure",
        input: [
            {
                series: `kube_node_status_condition{node="n1", condition="MemoryPressure", status="true"}`,
                values: "1x10",
            },
            {
                series: `kube_node_status_condition{node="n2", condition="MemoryPressure", status="true"}`,
                values: "0x10",
            },
        ],
        evalTime: "8m",
        expected: [{ labels: { node: "n1" } }],
    },
    {
        title: "workers run on the on-demand fallback pool for 30 minutes (a spot shortage); workers on spot do not count",
        alert: "AirflowWorkersOnFallbackCapacity",
        input: [
            { series: `kube_node_labels{node="f1", label_airflow_platform_capacity="fallback"}`, values: "1x60" },
            {
                series: `kube_node_labels{node="s1", label_airflow_platform_capacity="spot", label_cloud_google_com_gke_spot="true"}`,
                values: "1x60",
            },
            { series: `kube_pod_labels{${NS("short")}, pod="w-1", label_component="worker"}`, values: "1x60" },
            { series: `kube_pod_info{${NS("short")}, pod="w-1", node="f1"}`, values: "1x60" },
            { series: `kube_pod_labels{${NS("short")}, pod="w-2", label_component="worker"}`, values: "1x60" },
            { series: `kube_pod_info{${NS("short")}, pod="w-2", node="f1"}`, values: "1x60" },
            { series: `kube_pod_labels{${NS("healthy")}, pod="w-3", label_component="worker"}`, values: "1x60" },
            { series: `kube_pod_info{${NS("healthy")}, pod="w-3", node="s1"}`, values: "1x60" },
            // A scheduler on the fallback would be a misplacement, not fallback use: only worker pods count.
            {
                series: `kube_pod_labels{${NS("healthy")}, pod="scheduler-0", label_component="scheduler"}`,
                values: "1x60",
            },
            { series: `kube_pod_info{${NS("healthy")}, pod="scheduler-0", node="f1"}`, values: "1x60" },
        ],
        evalTime: "40m",
        expected: [{ labels: { namespace: "short" }, value: "2" }],
    },
    spotCase("three spot nodes are replaced within the hour", "replaced", [{ labels: {}, value: "3" }]),
    spotCase("three spot nodes are added by a scale-up (not churn)", "scaled-up", []),
];

/** GKE spot nodes s1..s3 from the start; then either replaced by s4..s6 (reclaims) or joined by them (scale-up). */
function spotCase(title: string, scenario: "replaced" | "scaled-up", expected: AlertCase["expected"]): AlertCase {
    const input: AlertCase["input"] = [
        { series: `kube_node_labels{node="od1", label_airflow_platform_capacity="on-demand"}`, values: "1x120" },
        { series: `kube_node_created{node="od1"}`, values: "0x120" },
    ];
    for (const n of [1, 2, 3]) {
        const alive = scenario === "replaced" ? "x60 _x60" : "x120";
        input.push({
            series: `kube_node_labels{node="s${n}", label_cloud_google_com_gke_spot="true"}`,
            values: `1${alive}`,
        });
        input.push({ series: `kube_node_created{node="s${n}"}`, values: `0${alive}` });
    }
    const joined = scenario === "replaced" ? 70 : 90;
    for (const n of [4, 5, 6]) {
        input.push({
            series: `kube_node_labels{node="s${n}", label_cloud_google_com_gke_spot="true"}`,
            values: `_x${joined} 1x${120 - joined}`,
        });
        input.push({ series: `kube_node_created{node="s${n}"}`, values: `_x${joined} ${joined * 60}x${120 - joined}` });
    }
    return { title, alert: "SpotNodeChurn", input, evalTime: "120m", expected };
}

function render(template: string, labels: Record<string, string>, value: string | undefined): string {
    return template
        .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, l: string) => labels[l] ?? "")
        .replace(/\{\{\s*\$value(\s*\|\s*\w+)?\s*\}\}/g, () => {
            if (value === undefined) throw new Error(`the case must give the rendered $value for: ${template}`);
            return value;
        });
}

function promtool(args: string[], cwd: string): { code: number; output: string } {
    const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
    if (r.error)
        throw new Error(`promtool cannot run (${r.error.message}): run \`bash tools/ensure-tool.sh\` (npm test does)`);
    return { code: r.status ?? 1, output: `${r.stdout}\n${r.stderr}` };
}

describe("observability: promtool on the Airflow rules", function () {
    this.timeout(60000);
    const groups = ruleGroups;
    const alerts = groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => "alert" in r);
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "airflow-rules-"));
        fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify({ groups }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("finds promtool", () => {
        const version = execFileSync("promtool", ["--version"], { encoding: "utf8" });
        expect(version).to.match(/promtool, version \d+\.\d+/);
    });

    it("accepts the rule file (promtool check rules)", () => {
        const r = promtool(["check", "rules", "rules.yaml"], dir);
        expect(r.code, r.output).to.equal(0);
        expect(r.output).to.match(new RegExp(`SUCCESS: ${groups.flatMap((g) => g.rules).length} rules found`));
    });

    it("has a firing and a quiet case for every alert", () => {
        const covered = new Set(CASES.map((c) => c.alert));
        expect([...covered].sort()).to.deep.equal(alerts.map((a) => a.alert).sort());
        for (const a of alerts) {
            expect(a.annotations.summary, a.alert).to.be.a("string").and.not.empty;
            expect(a.annotations.description, a.alert).to.be.a("string").and.not.empty;
            expect(a.annotations.runbook, a.alert).to.be.a("string").and.not.empty;
        }
    });

    for (const c of CASES) {
        it(`${c.alert}: ${c.title}`, () => {
            const rule = alerts.find((a) => a.alert === c.alert)!;
            const test = {
                rule_files: ["rules.yaml"],
                evaluation_interval: "1m",
                tests: [
                    {
                        interval: "1m",
                        input_series: c.input,
                        alert_rule_test: [
                            {
                                eval_time: c.evalTime,
                                alertname: c.alert,
                                exp_alerts: c.expected.map((e) => ({
                                    exp_labels: { ...e.labels, severity: rule.labels.severity },
                                    exp_annotations: Object.fromEntries(
                                        Object.entries(rule.annotations).map(([k, v]) => [
                                            k,
                                            render(v, e.labels, e.value),
                                        ]),
                                    ),
                                })),
                            },
                            // Before anything goes wrong (first minute), the alert is quiet.
                            { eval_time: "1m", alertname: c.alert, exp_alerts: [] },
                        ],
                    },
                ],
            };
            const file = `${c.alert}-${CASES.indexOf(c)}.test.yaml`;
            fs.writeFileSync(path.join(dir, file), YAML.stringify(test));
            const r = promtool(["test", "rules", file], dir);
            expect(r.code, r.output).to.equal(0);
        });
    }

    it("counts every failed run of the day on the DAG dashboard, a series born inside the window included", () => {
        const failedRuns = dashboardExpressions(mixin.dashboards["airflow-dag.json"]).find((e) =>
            e.where.endsWith("/Failed runs (24h)"),
        )!.expr;
        const expr = failedRuns.replace(/\$namespace/g, ".+").replace(/\$dag_id/g, "etl");
        const series = (ns: string) => `airflow_dagrun_duration_count{namespace="${ns}", dag_id="etl", state="failed"}`;
        const test = {
            evaluation_interval: "1m",
            tests: [
                {
                    interval: "1m",
                    input_series: [
                        // Born at its first failure (statsd-exporter starts a counter at the event's value), two more later.
                        { series: series("born"), values: "_x10 1x10 2x10 3x10" },
                        // Counting since before the window: 5 when it opens, 7 at the end.
                        { series: series("old"), values: "5x1440 6x10 7x10" },
                        // Not scraped for 30 minutes (a scrape gap), no new failure since: counts nothing.
                        { series: series("gap"), values: "4x1440 _x30 4x10" },
                    ],
                    promql_expr_test: [
                        {
                            expr: expr.replace(/\.\+/g, "born"),
                            eval_time: "40m",
                            exp_samples: [{ labels: "{}", value: 3 }],
                        },
                        {
                            expr: expr.replace(/\.\+/g, "old|gap"),
                            eval_time: "1480m",
                            exp_samples: [{ labels: "{}", value: 2 }],
                        },
                    ],
                },
            ],
        };
        fs.writeFileSync(path.join(dir, "dag-stats.test.yaml"), YAML.stringify(test));
        const r = promtool(["test", "rules", "dag-stats.test.yaml"], dir);
        expect(r.code, r.output).to.equal(0);
    });
});
