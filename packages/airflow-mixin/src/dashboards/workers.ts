/** Workers and spot capacity: where Airflow's pods run, what they use, and what spot reclaims cost. */
import type { ResolvedAirflowMixinConfig } from "../config";
import { newDashboard, panelBuilders, row } from "./panels";
import { Dashboard } from "./sdk";

export const WORKERS_UID = "airflow-workers";

const NS = `namespace=~"$namespace"`;
// Airflow's pods carry the chart's `component` label; task pods of the KubernetesExecutor carry `kubernetes_executor`.
const WORKER_PODS = `kube_pod_labels{${NS}, label_component="worker"}`;
const ON_NODE = `* on (namespace, pod) group_left (node) kube_pod_info`;
const CAPACITY = `* on (node) group_left (capacity_type) node:capacity_type:info`;

export function airflowWorkersDashboard(config: ResolvedAirflowMixinConfig): Dashboard {
    const { queryVariable, singleStat, timeSeries } = panelBuilders(config.datasourceUid);
    const RATE_WINDOW = config.windows.rate;
    return newDashboard(
        WORKERS_UID,
        "Airflow workers and spot capacity",
        "Nodes by capacity type, worker pods per pool, evictions, restarts, CPU and memory.",
    )
        .withVariable(
            queryVariable("namespace", "Namespace", `label_values(kube_pod_labels{label_tier="airflow"}, namespace)`, {
                multi: true,
                includeAll: true,
            }),
        )
        .withRow(row("Nodes"))
        .withPanel(singleStat("Spot nodes", [`airflow_platform:spot_nodes:count`, "spot"], { width: 6 }))
        .withPanel(
            singleStat(
                "Worker pods on fallback",
                [
                    `count((${WORKER_PODS} ${ON_NODE}) * on (node) group_left () node:capacity_type:info{capacity_type="fallback"}) or vector(0)`,
                    "fallback",
                ],
                {
                    width: 6,
                    red: 1,
                },
            ),
        )
        .withPanel(
            singleStat(
                "Spot nodes replaced (1h)",
                [
                    `airflow_platform:spot_nodes_created:1h - clamp_min(airflow_platform:spot_nodes:count - (airflow_platform:spot_nodes:count offset 1h), 0)`,
                    "replaced",
                ],
                { width: 6, red: 3 },
            ),
        )
        .withPanel(
            timeSeries(
                "Nodes by capacity type",
                [[`count by (capacity_type) (node:capacity_type:info)`, "{{capacity_type}}"]],
                { stack: true },
            ),
        )
        .withRow(row("Worker pods"))
        .withPanel(
            timeSeries(
                "Worker pods per pool",
                [[`count by (capacity_type) ((${WORKER_PODS} ${ON_NODE}) ${CAPACITY})`, "{{capacity_type}}"]],
                {
                    stack: true,
                    description: "Celery workers and KubernetesExecutor task pods, by the capacity type of their node.",
                },
            ),
        )
        .withPanel(
            timeSeries(
                "Worker pods by executor",
                [
                    [
                        `count(kube_pod_labels{${NS}, label_component="worker", label_kubernetes_executor="True"}) or vector(0)`,
                        "KubernetesExecutor task pods",
                    ],
                    [
                        `count(kube_pod_labels{${NS}, label_component="worker", label_kubernetes_executor=""}) or vector(0)`,
                        "Celery workers",
                    ],
                ],
                { stack: true },
            ),
        )
        .withPanel(
            timeSeries(
                "Evicted pods",
                [[`sum by (namespace) (kube_pod_status_reason{${NS}, reason="Evicted"})`, "{{namespace}}"]],
                {
                    description: "Pods evicted (spot reclaim drains, memory pressure) still present in the API.",
                },
            ),
        )
        .withPanel(
            timeSeries("Container restarts / hour", [
                [
                    `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${NS}}[1h])) > 0`,
                    "{{pod}}",
                ],
            ]),
        )
        .withRow(row("Resources"))
        .withPanel(
            timeSeries(
                "CPU of Airflow pods",
                [
                    [
                        `sum by (pod) (rate(container_cpu_usage_seconds_total{${NS}, container!="", container!="POD"}[${RATE_WINDOW}]))`,
                        "{{pod}}",
                    ],
                ],
                { unit: "cores" },
            ),
        )
        .withPanel(
            timeSeries(
                "Memory of Airflow pods",
                [
                    [
                        `sum by (pod) (container_memory_working_set_bytes{${NS}, container!="", container!="POD"})`,
                        "{{pod}}",
                    ],
                ],
                { unit: "bytes" },
            ),
        )
        .build();
}
