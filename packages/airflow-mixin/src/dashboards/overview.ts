/** Airflow overview: is the platform alive, does work flow, where does it wait. */
import { histogramMean, NS } from "../common";
import type { ResolvedAirflowMixinConfig } from "../config";
import { newDashboard, panelBuilders, row } from "./panels";
import { Dashboard } from "./sdk";

export const OVERVIEW_UID = "airflow-overview";

export function airflowOverviewDashboard(config: ResolvedAirflowMixinConfig): Dashboard {
    const { namespaceVariable, singleStat, timeSeries } = panelBuilders(config.datasourceUid);
    const RATE_WINDOW = config.windows.rate;
    const heartbeat = (title: string, metric: string) =>
        singleStat(title, [`sum(rate(${metric}{${NS}}[${RATE_WINDOW}])) * 60`, title], {
            unit: "short",
            description: `Heartbeats per minute (${metric}); 0 means the component is down or stuck.`,
        });
    return newDashboard(
        OVERVIEW_UID,
        "Airflow overview",
        "Heartbeats, executor slots, task outcomes, DAG runs, parsing and pools.",
    )
        .withVariable(namespaceVariable())
        .withRow(row("Components"))
        .withPanel(heartbeat("Scheduler heartbeats / min", "airflow_scheduler_heartbeat"))
        .withPanel(heartbeat("DAG processor heartbeats / min", "airflow_dag_processor_heartbeat"))
        .withPanel(heartbeat("Triggerer heartbeats / min", "airflow_triggerer_heartbeat"))
        .withPanel(
            singleStat("DAG import errors", [`sum(airflow_dag_processing_import_errors{${NS}})`, "import errors"], {
                red: 1,
            }),
        )
        .withRow(row("Executors"))
        .withPanel(
            timeSeries(
                "Executor slots",
                [
                    [
                        `sum by (namespace, executor) (airflow_executor_open_slots{${NS}})`,
                        "{{namespace}} {{executor}} open",
                    ],
                    [
                        `sum by (namespace, executor) (airflow_executor_queued_tasks{${NS}})`,
                        "{{namespace}} {{executor}} queued",
                    ],
                    [
                        `sum by (namespace, executor) (airflow_executor_running_tasks{${NS}})`,
                        "{{namespace}} {{executor}} running",
                    ],
                ],
                {
                    width: 24,
                    description:
                        "Open, queued and running slots per executor (`default` when a single executor is configured).",
                },
            ),
        )
        .withRow(row("Tasks and DAG runs"))
        .withPanel(
            timeSeries(
                "Task instances finished / min",
                [[`sum by (state) (rate(airflow_ti_finish{${NS}}[${RATE_WINDOW}])) * 60`, "{{state}}"]],
                { description: "Finished task instances per minute, by final state." },
            ),
        )
        .withPanel(
            timeSeries(
                "Task failure ratio",
                [
                    [
                        `sum(rate(airflow_ti_finish{${NS}, state="failed"}[${RATE_WINDOW}])) / sum(rate(airflow_ti_finish{${NS}, state=~"success|failed"}[${RATE_WINDOW}]))`,
                        "failed share",
                    ],
                ],
                { unit: "percentunit" },
            ),
        )
        .withPanel(
            timeSeries(
                "DAG run duration (mean, slowest 10)",
                [
                    [
                        `topk(10, ${histogramMean("airflow_dagrun_duration", NS, "dag_id, state")})`,
                        "{{dag_id}} {{state}}",
                    ],
                ],
                {
                    unit: "s",
                    description: "Mean run duration since the exporter's series appeared (filled between daily runs).",
                },
            ),
        )
        .withPanel(
            timeSeries("DAG runs finished / hour", [
                [`sum by (state) (increase(airflow_dagrun_duration_count{${NS}}[1h]))`, "{{state}}"],
            ]),
        )
        .withRow(row("DAG parsing"))
        .withPanel(
            timeSeries(
                "Total parse time",
                [[`max by (namespace) (airflow_dag_processing_total_parse_time{${NS}})`, "{{namespace}}"]],
                { unit: "s", description: "Seconds to parse every DAG file once." },
            ),
        )
        .withPanel(
            timeSeries(
                "Slowest DAG files to parse",
                [
                    [
                        `topk(10, ${histogramMean("airflow_dag_processing_last_duration", NS, "dag_file")})`,
                        "{{dag_file}}",
                    ],
                ],
                { unit: "s" },
            ),
        )
        .withRow(row("Pools"))
        .withPanel(
            timeSeries("Pool slots", [
                [`sum by (pool) (airflow_pool_open_slots{${NS}})`, "{{pool}} open"],
                [`sum by (pool) (airflow_pool_running_slots{${NS}})`, "{{pool}} running"],
                [`sum by (pool) (airflow_pool_queued_slots{${NS}})`, "{{pool}} queued"],
            ]),
        )
        .withPanel(
            timeSeries(
                "Starving tasks per pool",
                [[`sum by (pool) (airflow_pool_starving_tasks{${NS}})`, "{{pool}}"]],
                {
                    description: "Tasks that cannot be scheduled for lack of a free slot in their pool.",
                },
            ),
        )
        .build();
}
