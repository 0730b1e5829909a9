import { Airflow, executorSetting } from "../components/airflow";
import { createCluster } from "../components/cluster";
import { clusterArgs } from "./args/cluster";
import { DevspaceFrame, devspaceFrameOutput } from "../components/devspace";
import { Exposure } from "../components/exposure";
import { KEDA_NAMESPACE, Keda } from "../components/keda";
import { Observability } from "../components/observability";
import { StackConfig } from "./config";

/** The shared platform: cluster, observability, Airflow and (optionally) one load balancer in front of them. */
export function platformStack(config: StackConfig) {
    const cluster = createCluster("cluster", clusterArgs(config));
    const observability = config.monitoring.enabled
        ? new Observability("observability", { cluster, stack: config })
        : undefined;
    // KEDA scales the Celery workers; devspaces on this cluster use it too (the `kedaNamespace` output tells them).
    const keda =
        executorSetting(config.airflow).usesCelery && config.airflow.workers.autoscaling.enabled
            ? new Keda("keda", {
                  provider: cluster.provider,
                  placement: cluster.placement.onDemand,
                  dependsOn: cluster.readiness,
              })
            : undefined;
    const airflow = new Airflow("airflow", { cluster, stack: config, observability, keda: keda?.release });
    // Each listed devspace's namespace, RBAC, quota and network policy; the developer's stack deploys into it.
    for (const entry of config.devspaces)
        new DevspaceFrame(`devspace-${entry.name}`, {
            entry,
            provider: cluster.provider,
            monitoringNamespace: observability ? config.monitoring.namespace : undefined,
            kedaNamespace: keda ? KEDA_NAMESPACE : undefined,
            cluster: {
                clusterName: cluster.clusterName,
                placement: cluster.placement,
                sharedStorageClassName: cluster.sharedStorageClassName,
                blockStorageClassName: cluster.blockStorageClassName,
            },
            dependsOn: cluster.readiness,
        });
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
        /** The API server's (webserver's) Service: the deploy workflow's health gate port-forwards to it. */
        airflowUiServiceName: airflow.uiServiceName,
        airflowUiServicePort: airflow.uiServicePort,
        /** Secret: the `admin` user's password (the chart's default admin/admin is never used). */
        airflowAdminPassword: airflow.adminPassword,
        ...(observability ? observability.stackOutputs() : {}),
        /** The devspaces this stack frames: their stacks check name, owner and expiry against it before deploying. */
        devspaces: config.devspaces.map(devspaceFrameOutput),
        ...(keda ? { kedaNamespace: keda.namespace } : {}),
        // Where to point DNS for exposure.host: the load balancer's hostname or IP.
        ...(exposure ? { urls: exposure.urls, loadBalancerAddress: exposure.address } : {}),
    };
}
