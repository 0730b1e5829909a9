import { Airflow } from "../components/airflow";
import { createCluster } from "../components/cluster";
import { Exposure } from "../components/exposure";
import { Observability } from "../components/observability";
import { StackConfig } from "./config";

/** The shared platform: cluster, observability, Airflow and (optionally) one load balancer in front of them. */
export function platformStack(config: StackConfig) {
    const cluster = createCluster("cluster", config);
    const observability = config.monitoring.enabled
        ? new Observability("observability", { cluster, stack: config })
        : undefined;
    const airflow = new Airflow("airflow", { cluster, stack: config, observability });
    const exposure = config.exposure.enabled
        ? new Exposure("exposure", { cluster, stack: config, airflow, observability })
        : undefined;
    return {
        clusterName: cluster.clusterName,
        endpoint: cluster.endpoint,
        kubeconfig: cluster.kubeconfig,
        placement: cluster.placement,
        sharedStorageClassName: cluster.sharedStorageClassName,
        blockStorageClassName: cluster.blockStorageClassName,
        airflowNamespace: airflow.namespace,
        airflowExecutor: airflow.executor,
        /** Secret: the `admin` user's password (the chart's default admin/admin is never used). */
        airflowAdminPassword: airflow.adminPassword,
        ...(observability ? observability.stackOutputs() : {}),
        // Where to point DNS for exposure.host: the load balancer's hostname or IP.
        ...(exposure ? { urls: exposure.urls, loadBalancerAddress: exposure.address } : {}),
    };
}
