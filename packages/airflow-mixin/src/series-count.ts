/**
 * Counts the Prometheus series and the statsd-exporter memory Airflow costs through the mapping, with the exporter
 * model over a simulated day, and the fleet figure the exporter's production memory is sized from.
 * Usage: npm run series -- [--tasks 10] [--runs 24] [--dags 1000]
 */
import { exporterMemoryMiB, MEMORY_HEADROOM, PROD_FLEET } from "./exporter-sizing";
import * as fs from "fs";
import * as path from "path";
import { exposeLines, StatsdMapper } from "./statsd-matcher";
import {
    AIRFLOW_METRICS,
    AIRFLOW_STATSD_PREFIX,
    airflowStatsdMappings,
    CATCH_ALL,
    StatsdMapping,
} from "./statsd-mapping";
import { dagDayOfStatsdLines } from "./simulate";

export function seriesForOneDag(tasks: number, runs: number, major: 2 | 3) {
    const mapper = new StatsdMapper(airflowStatsdMappings({ ttl: "48h" }));
    const lines = dagDayOfStatsdLines({ dagId: "etl_daily", tasks, runs, major });
    const { series, conflicts, scrapeError, exporter } = exposeLines(mapper, lines);
    const perDag = series.filter((s) => s.labels.dag_id === "etl_daily" || s.labels.dag_file !== undefined);
    const byTask = new Map<string, number>();
    for (const s of perDag) if (s.labels.task_id) byTask.set(s.labels.task_id, (byTask.get(s.labels.task_id) ?? 0) + 1);
    const dagOnly = perDag.filter((s) => !s.labels.task_id).length;
    const summaryChildren = exporter.children().summary;
    return {
        lines: lines.length,
        series: series.length,
        perDag: perDag.length,
        /** Series of the DAG that carry no task: runs, waits, its file. */
        dagOnly,
        perTaskMax: Math.max(...byTask.values()),
        perTaskMean: (perDag.length - dagOnly) / tasks,
        shared: series.length - perDag.length,
        summaryChildren,
        conflicts,
        scrapeError,
        all: series,
    };
}

/** Exporter memory for a fleet of identical DAGs, from one simulated DAG (shared series counted once). */
export function fleetMemoryMiB(dags: number, tasksPerDag: number, major: 2 | 3): { series: number; memoryMiB: number } {
    const one = seriesForOneDag(tasksPerDag, 24, major);
    const series = dags * one.perDag + one.shared;
    return { series, memoryMiB: exporterMemoryMiB({ series, summaryChildren: one.summaryChildren }) };
}

/** One row of an upstream metrics table (test/fixtures/statsd-exporter/airflow-metrics-*.txt). */
export interface ReferenceMetric {
    kind: "counter" | "gauge" | "timer";
    /** The name as the table writes it, `{id}` for each ID. */
    statsd: string;
    airflow: "2.11" | "3.x";
}

/** The Airflow metrics reference, 2.11 and 3.x, as copied from apache/airflow's metric tables (README there). */
export function airflowMetricsReference(
    dir = path.join(__dirname, "..", "test", "fixtures", "statsd-exporter"),
): ReferenceMetric[] {
    return (["2.11", "3.x"] as const).flatMap((airflow) =>
        fs
            .readFileSync(path.join(dir, `airflow-metrics-${airflow}.txt`), "utf8")
            .split("\n")
            .filter((l) => l.trim() && !l.startsWith("#"))
            .map((l) => {
                const [kind, statsd] = l.trim().split(/\s+/);
                if (!["counter", "gauge", "timer"].includes(kind) || !statsd)
                    throw new Error(`airflow-metrics-${airflow}.txt: bad line "${l}"`);
                return { kind: kind as ReferenceMetric["kind"], statsd, airflow };
            }),
    );
}

/**
 * Values for each ID of the upstream tables, of every shape Airflow allows (plain, hyphenated, dotted). `job_name` is
 * not an ID: Airflow >= 2.6 runs every job as the class `Job` and sends `job_start` (airflow/jobs/job.py).
 */
export const REFERENCE_ID_VALUES: Record<string, string[]> = {
    dag_id: ["etl_daily", "ml-nightly", "sales.v2"],
    task_id: ["extract", "train-model", "grp.load"],
    state: ["success", "up_for_retry"],
    return_code: ["0", "1"],
    job_id: ["4711"],
    operator_name: ["PythonOperator", "KubernetesPodOperator"],
    task_type: ["PythonOperator", "KubernetesPodOperator"],
    pool_name: ["default_pool", "gpu-pool"],
    executor_class_name: ["CeleryExecutor", "KubernetesExecutor"],
    hostname: ["airflow-triggerer-0", "airflow-triggerer-0.airflow-triggerer.airflow.svc.cluster.local"],
    dag_file: ["etl_daily", "sales.v2"],
    queue: ["default", "kubernetes"],
    worker_name: ["edge-1", "edge-1.example.com"],
    event_type: ["start", "complete"],
    transport_type: ["http", "kafka"],
    job_name: ["job"],
};

/**
 * Runs every name of the upstream metrics reference, with every ID shape, through the exporter model with `mappings`:
 * each must be dropped (an ID-less twin) or mapped to a name of its own that holds no ID; none may reach the catch-all.
 * Independent of the catalogue that generates the mapping: a metric the catalogue misses shows up as `caughtAll`.
 */
export function mappingInventory(
    mappings: StatsdMapping[] = airflowStatsdMappings({ ttl: "48h" }),
    reference = airflowMetricsReference(),
) {
    const mapper = new StatsdMapper(mappings);
    const catchAll = new Set<string>(Object.values(CATCH_ALL));
    const caughtAll = new Set<string>();
    const idInName = new Set<string>();
    const labelled = new Set<string>();
    const plain = new Set<string>();
    const dropped = new Set<string>();
    const names = new Set<string>();
    for (const metric of reference) {
        const ids = [...metric.statsd.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
        const variants = Math.max(1, ...ids.map((id) => (REFERENCE_ID_VALUES[id] ?? [""]).length));
        for (let v = 0; v < variants; v += 1) {
            const values: string[] = [];
            const name = metric.statsd.replace(/\{([a-z_]+)\}/g, (_, id: string) => {
                const shapes = REFERENCE_ID_VALUES[id];
                if (!shapes) throw new Error(`no example value for the ID {${id}} of ${metric.statsd}`);
                const value = shapes[v % shapes.length];
                if (id !== "job_name") values.push(value);
                return value;
            });
            const r = mapper.map(
                `${AIRFLOW_STATSD_PREFIX}.${name}`,
                metric.kind === "timer" ? "observer" : metric.kind,
            );
            const key = `${metric.airflow} ${metric.statsd}`;
            if (r.action === "drop") dropped.add(key);
            else if (r.action !== "map" || catchAll.has(r.name)) caughtAll.add(key);
            else {
                names.add(r.name);
                (ids.some((id) => id !== "job_name") ? labelled : plain).add(key);
                const flat = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, "_");
                for (const value of values)
                    if (flat(r.name).includes(flat(value))) idInName.add(`${key}: ${value} in ${r.name}`);
            }
        }
    }
    return {
        reference: reference.length,
        labelled: labelled.size,
        plain: plain.size,
        dropped: dropped.size,
        /** Reference names (with the Airflow line) that reach the catch-all instead of a rule of their own. */
        caughtAll: [...caughtAll].sort(),
        catchAll: caughtAll.size,
        idInName: [...idInName].sort(),
        names: names.size,
    };
}

function arg(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

if (require.main === module) {
    const tasks = arg("tasks", 10);
    const runs = arg("runs", 24);
    const dags = arg("dags", PROD_FLEET.dags);
    const inv = mappingInventory();
    console.log(
        `Mapping: ${AIRFLOW_METRICS.length} catalogue entries (2.x + 3.x). Upstream metrics reference (2.11 + 3.x): ${inv.reference} names -> ` +
            `${inv.names} Prometheus names; ${inv.labelled} carry IDs as labels, ${inv.plain} have none, ${inv.dropped} ID-less twins dropped, ` +
            `${inv.catchAll} left to the catch-all${inv.catchAll ? ` (${inv.caughtAll.join(", ")})` : ""}, ${inv.idInName.length} with an ID in the name`,
    );
    for (const major of [2, 3] as const) {
        const r = seriesForOneDag(tasks, runs, major);
        const fleet = fleetMemoryMiB(dags, tasks, major);
        console.log(
            `Airflow ${major}.x, 1 DAG x ${tasks} tasks x ${runs} runs/day (one failed run with a retry): ${r.lines} StatsD lines -> ` +
                `${r.perDag} series for the DAG (${r.dagOnly} without a task, ${r.perTaskMean.toFixed(1)} per task on average, ` +
                `at most ${r.perTaskMax} for one task), ${r.shared} shared, ${r.conflicts.length} conflicts, scrape ${r.scrapeError ? "500" : "200"}`,
        );
        console.log(
            `  ${dags} DAGs x ${tasks} tasks: ${fleet.series} series, about ${fleet.memoryMiB.toFixed(0)} MiB of exporter memory ` +
                `(limit with ${MEMORY_HEADROOM}x headroom: ${(fleet.memoryMiB * MEMORY_HEADROOM).toFixed(0)} MiB)`,
        );
    }
}
