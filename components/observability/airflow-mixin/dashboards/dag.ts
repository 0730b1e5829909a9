/** DAG drill-down: one DAG's runs and tasks, chosen with the `$dag_id` and `$task_id` variables. */
import { NS, RATE_WINDOW } from "../common";
import { namespaceVariable, newDashboard, queryVariable, singleStat, timeSeries } from "./panels";
import { Dashboard } from "./sdk";

export const DAG_UID = "airflow-dag";

const DAG = `${NS}, dag_id="$dag_id"`;
const TASK = `${DAG}, task_id=~"$task_id"`;

export function airflowDagDashboard(): Dashboard {
    return newDashboard(DAG_UID, "Airflow DAG drill-down", "Runs, task outcomes and timings of one DAG.")
        .withVariable(namespaceVariable())
        .withVariable(queryVariable("dag_id", "DAG", `label_values(airflow_ti_finish{${NS}}, dag_id)`))
        .withVariable(
            queryVariable("task_id", "Task", `label_values(airflow_ti_finish{${DAG}}, task_id)`, { multi: true, includeAll: true }),
        )
        .withPanel(
            singleStat("Failed runs (24h)", [`sum(increase(airflow_dagrun_duration_count{${DAG}, state="failed"}[24h]))`, "failed"], { red: 1 }),
        )
        .withPanel(
            singleStat("Successful runs (24h)", [`sum(increase(airflow_dagrun_duration_count{${DAG}, state="success"}[24h]))`, "success"]),
        )
        .withPanel(
            singleStat("Median run duration", [`max(airflow_dagrun_duration{${DAG}, state="success", quantile="0.5"})`, "p50"], { unit: "s" }),
        )
        .withPanel(
            singleStat("Median schedule delay", [`max(airflow_dagrun_schedule_delay{${DAG}, quantile="0.5"})`, "p50"], { unit: "s" }),
        )
        .withPanel(
            timeSeries("Run duration", [[`max by (state, quantile) (airflow_dagrun_duration{${DAG}})`, "{{state}} p{{quantile}}"]], {
                unit: "s",
            }),
        )
        .withPanel(
            timeSeries(
                "Scheduling delays",
                [
                    [`max(airflow_dagrun_schedule_delay{${DAG}, quantile="0.5"})`, "run schedule delay p50"],
                    [`max(airflow_dagrun_first_task_scheduling_delay{${DAG}, quantile="0.5"})`, "first task delay p50"],
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
            timeSeries("Task duration (p95)", [[`max by (task_id) (airflow_task_duration{${TASK}, quantile="0.95"})`, "{{task_id}}"]], {
                unit: "s",
            }),
        )
        .withPanel(
            timeSeries(
                "Time queued (p95)",
                [[`max by (task_id) (airflow_task_queued_duration{${TASK}, quantile="0.95"})`, "{{task_id}}"]],
                { unit: "s", description: "Time between queued and running: waiting for a worker or a pod." },
            ),
        )
        .withPanel(
            timeSeries("Running task instances", [[`sum by (task_id) (airflow_ti_running{${TASK}})`, "{{task_id}}"]], { width: 12 }),
        )
        .withPanel(
            timeSeries("Task starts / min", [[`sum by (task_id) (rate(airflow_ti_start{${TASK}}[${RATE_WINDOW}])) * 60`, "{{task_id}}"]], {
                width: 12,
            }),
        )
        .build();
}
