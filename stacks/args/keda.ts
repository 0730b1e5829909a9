/** The stack config mapped to the KEDA component's Args. */
import { executorSetting } from "../../components/airflow/values";
import type { Cluster } from "../../components/cluster/types";
import type { KedaArgs } from "../../components/keda/args";
import type { StackConfig } from "../config";

/** KEDA's Args when this stack's Airflow scales Celery workers with it; undefined when nothing would use KEDA. */
export function kedaArgs(config: StackConfig, cluster: Cluster): KedaArgs | undefined {
    const scales = executorSetting(config.airflow).usesCelery && config.airflow.workers.autoscaling.enabled;
    if (!scales) return undefined;
    return { provider: cluster.provider, placement: cluster.placement.onDemand, dependsOn: cluster.readiness };
}
