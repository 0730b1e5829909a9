import type { ResolvedAirflowMixinConfig } from "../config";
import { airflowDagDashboard } from "./dag";
import { airflowOverviewDashboard } from "./overview";
import { Dashboard } from "./sdk";
import { airflowWorkersDashboard } from "./workers";

export { dashboardExpressions } from "./panels";

/** The Airflow dashboards by file name, as the Grafana sidecar loads them. */
export function airflowDashboards(config: ResolvedAirflowMixinConfig): Record<string, Dashboard> {
    return {
        "airflow-overview.json": airflowOverviewDashboard(config),
        "airflow-dag.json": airflowDagDashboard(config),
        "airflow-workers.json": airflowWorkersDashboard(config),
    };
}
