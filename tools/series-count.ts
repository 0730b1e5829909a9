/**
 * Counts the Prometheus series and the statsd-exporter memory Airflow costs through the mapping, with the exporter
 * model over a simulated day, and the fleet figure the exporter's production memory is sized from.
 * Usage: node -r ts-node/register/transpile-only tools/series-count.ts [--tasks 10] [--runs 24] [--dags 1000]
 */
import { exporterMemoryMiB, MEMORY_HEADROOM, PROD_FLEET } from "../components/observability/airflow-mixin/exporter-sizing";
import { exposeLines, StatsdMapper } from "../components/observability/airflow-mixin/statsd-matcher";
import { AIRFLOW_METRICS, airflowStatsdMappings } from "../components/observability/airflow-mixin/statsd-mapping";
import { dagDayOfStatsdLines } from "../components/observability/airflow-mixin/simulate";

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

/** How many catalogue metrics the mapping labels, maps without labels, and how many twins it drops. */
export function mappingInventory() {
    const ids = (statsd: string) => /\{[a-z]/.test(statsd);
    return {
        labelled: AIRFLOW_METRICS.filter((m) => ids(m.statsd)).length,
        plain: AIRFLOW_METRICS.filter((m) => !ids(m.statsd)).length,
        dropped: new Set(AIRFLOW_METRICS.flatMap((m) => (m.twin ? [m.twin] : []))).size,
        // Every catalogue metric has its own rule; the catch-all is for names Airflow adds later.
        catchAll: 0,
        names: new Set(AIRFLOW_METRICS.map((m) => m.name)).size,
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
        `Mapping: ${AIRFLOW_METRICS.length} Airflow metrics (2.x + 3.x) -> ${inv.names} Prometheus names; ${inv.labelled} carry IDs as labels, ` +
            `${inv.plain} have none, ${inv.dropped} ID-less twins dropped, ${inv.catchAll} left to the catch-all`,
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
