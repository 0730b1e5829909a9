/**
 * Counts the Prometheus series one DAG adds through the Airflow statsd mapping over a day of its StatsD lines.
 * Usage: node -r ts-node/register/transpile-only tools/series-count.ts [--tasks 10] [--runs 24]
 */
import { exposeLines, StatsdMapper } from "../components/observability/airflow-mixin/statsd-matcher";
import { airflowStatsdMappings } from "../components/observability/airflow-mixin/statsd-mapping";
import { dagDayOfStatsdLines } from "../components/observability/airflow-mixin/simulate";

export function seriesForOneDag(tasks: number, runs: number, major: 2 | 3) {
    const mapper = new StatsdMapper(airflowStatsdMappings({ ttl: "48h" }));
    const lines = dagDayOfStatsdLines({ dagId: "etl_daily", tasks, runs, major });
    const { series, conflicts } = exposeLines(mapper, lines);
    const perDag = series.filter((s) => s.labels.dag_id === "etl_daily" || s.labels.dag_file !== undefined);
    return { lines: lines.length, series: series.length, perDag: perDag.length, shared: series.length - perDag.length, conflicts, all: series };
}

function arg(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

if (require.main === module) {
    const tasks = arg("tasks", 10);
    const runs = arg("runs", 24);
    for (const major of [2, 3] as const) {
        const r = seriesForOneDag(tasks, runs, major);
        const oneMore = seriesForOneDag(tasks + 1, runs, major);
        console.log(
            `Airflow ${major}.x, 1 DAG x ${tasks} tasks x ${runs} runs/day (one failed run): ${r.lines} StatsD lines -> ` +
                `${r.perDag} series labelled with the DAG or its file (+${oneMore.perDag - r.perDag} per extra task), ` +
                `${r.shared} shared series (operators, totals), ${r.conflicts.length} name conflicts`,
        );
    }
}
