/** DAG drill-down: one DAG's runs and tasks, chosen with the `$dag_id` and `$task_id` variables. */
import { eventsInWindow as eventsAfterGap, histogramMean, histogramQuantile, NS } from "../common";
import type { ResolvedAirflowMixinConfig } from "../config";
import { newDashboard, panelBuilders } from "./panels";
import { Dashboard } from "./sdk";

export const DAG_UID = "airflow-dag";

const DAG = `${NS}, dag_id="$dag_id"`;
const TASK = `${DAG}, task_id=~"$task_id"`;
/** The run-level series every DAG run sends (at its start and at its end), named with the whole DAG ID. */
const RUN_METRICS = "airflow_dagrun_schedule_delay_count|airflow_dagrun_duration_count";

export function airflowDagDashboard(config: ResolvedAirflowMixinConfig): Dashboard {
    const { namespaceVariable, queryVariable, singleStat, timeSeries } = panelBuilders(config.datasourceUid);
    const RATE_WINDOW = config.windows.rate;
    const eventsInWindow = (selector: string, window: string) =>
        eventsAfterGap(selector, window, config.windows.seriesGapTolerance);
    return (
        newDashboard(DAG_UID, "Airflow DAG drill-down", "Runs, task outcomes and timings of one DAG.")
            .withVariable(namespaceVariable())
            // Run-level metrics carry a dotted DAG ID whole; task metrics split it at its first dot (docs/observability.md).
            .withVariable(queryVariable("dag_id", "DAG", `label_values({__name__=~"${RUN_METRICS}", ${NS}}, dag_id)`))
            .withVariable(
                queryVariable("task_id", "Task", `label_values(airflow_ti_finish{${DAG}}, task_id)`, {
                    multi: true,
                    includeAll: true,
                }),
            )
            .withPanel(
                // increase() extrapolates to the window's edges; a count of runs is whole.
                singleStat(
                    "Failed runs (24h)",
                    [
                        `round(sum(${eventsInWindow(`airflow_dagrun_duration_count{${DAG}, state="failed"}`, "24h")})) or vector(0)`,
                        "failed",
                    ],
                    { red: 1 },
                ),
            )
            .withPanel(
                singleStat("Successful runs (24h)", [
                    `round(sum(${eventsInWindow(`airflow_dagrun_duration_count{${DAG}, state="success"}`, "24h")})) or vector(0)`,
                    "success",
                ]),
            )
            .withPanel(
                singleStat(
                    "Mean run duration",
                    [histogramMean("airflow_dagrun_duration", `${DAG}, state="success"`, "dag_id"), "mean"],
                    { unit: "s" },
                ),
            )
            .withPanel(
                singleStat(
                    "Mean schedule delay",
                    [histogramMean("airflow_dagrun_schedule_delay", DAG, "dag_id"), "mean"],
                    { unit: "s" },
                ),
            )
            .withPanel(
                timeSeries(
                    "Run duration",
                    [
                        [histogramMean("airflow_dagrun_duration", DAG, "state"), "{{state}} mean"],
                        [histogramQuantile(0.95, "airflow_dagrun_duration", DAG, "state"), "{{state}} p95"],
                    ],
                    {
                        unit: "s",
                        description: "Since the exporter's series appeared: filled between the runs of a daily DAG.",
                    },
                ),
            )
            .withPanel(
                timeSeries(
                    "Scheduling delays",
                    [
                        [histogramMean("airflow_dagrun_schedule_delay", DAG, "dag_id"), "run schedule delay (mean)"],
                        [
                            histogramMean("airflow_dagrun_first_task_scheduling_delay", DAG, "dag_id"),
                            "first task delay (mean)",
                        ],
                        [histogramMean("airflow_task_queued_duration", DAG, "dag_id"), "task queued (mean)"],
                    ],
                    { unit: "s" },
                ),
            )
            .withPanel(
                timeSeries(
                    "Task instances finished / hour",
                    [[`sum by (task_id, state) (increase(airflow_ti_finish{${TASK}}[1h]))`, "{{task_id}} {{state}}"]],
                    { width: 24, stack: true },
                ),
            )
            .withPanel(
                timeSeries(
                    "Task duration (p95)",
                    [[histogramQuantile(0.95, "airflow_task_duration", TASK, "task_id"), "{{task_id}}"]],
                    {
                        unit: "s",
                        description:
                            "From the duration histogram's buckets (10 s, 1 min, 5 min, 30 min, 2 h), interpolated.",
                    },
                ),
            )
            .withPanel(
                timeSeries(
                    "Time queued (p95, whole DAG)",
                    [[histogramQuantile(0.95, "airflow_task_queued_duration", DAG, "dag_id"), "p95"]],
                    {
                        unit: "s",
                        description:
                            "Time between queued and running (waiting for a worker or a pod), over all tasks of the DAG.",
                    },
                ),
            )
            .withPanel(
                timeSeries(
                    "Running task instances",
                    [[`sum by (task_id) (airflow_ti_running{${TASK}})`, "{{task_id}}"]],
                    { width: 12 },
                ),
            )
            .withPanel(
                timeSeries(
                    "Task starts / min",
                    [[`sum by (task_id) (rate(airflow_ti_start{${TASK}}[${RATE_WINDOW}])) * 60`, "{{task_id}}"]],
                    {
                        width: 12,
                    },
                ),
            )
            .build()
    );
}
