import { Airflow } from "../components/airflow";
import { createCluster } from "../components/cluster";
import { clusterArgs } from "./args/cluster";
import { DevspaceFrame, devspaceFrameOutput } from "../components/devspace";
import { Exposure } from "../components/exposure";
import { KEDA_NAMESPACE, Keda } from "../components/keda";
import { Observability } from "../components/observability";
import { airflowArgs } from "./args/airflow";
import { devspaceFrameArgs } from "./args/devspace";
import { exposureArgs, exposureUrlsOf } from "./args/exposure";
import { kedaArgs } from "./args/keda";
import { observabilityArgs } from "./args/observability";
import { StackConfig } from "./config";
import { scrapeAirflow } from "./scrape";

/** The shared platform: cluster, observability, Airflow and (optionally) one load balancer in front of them. */
export function platformStack(config: StackConfig) {
    const cluster = createCluster("cluster", clusterArgs(config));
    // Where the exposed UIs live, before the load balancer exists: Grafana is told its root URL.
    const urls = exposureUrlsOf(config, cluster.ingress?.tls ?? false);
    const observability = config.monitoring.enabled
        ? new Observability(
              "observability",
              observabilityArgs(config, { cluster, grafanaRootUrl: urls?.grafanaRootUrl }),
          )
        : undefined;
    // KEDA scales the Celery workers; devspaces on this cluster use it too (the `kedaNamespace` output tells them).
    const kedaConfig = kedaArgs(config, cluster);
    const keda = kedaConfig ? new Keda("keda", kedaConfig) : undefined;
    const airflow = new Airflow("airflow", airflowArgs(config, { cluster, urls, keda: keda?.release }));
    // The scrape target: Prometheus (Observability) scrapes the statsd-exporter Service the Airflow component describes.
    if (observability) scrapeAirflow("airflow", airflow, cluster.provider, observability);
    // Each listed devspace's namespace, RBAC, quota and network policy; the developer's stack deploys into it.
    for (const entry of config.devspaces)
        new DevspaceFrame(
            `devspace-${entry.name}`,
            devspaceFrameArgs(entry, {
                cluster,
                // The devspace routing rules: its network policies admit the shared Prometheus and KEDA.
                monitoringNamespace: observability ? config.monitoring.namespace : undefined,
                kedaNamespace: keda ? KEDA_NAMESPACE : undefined,
            }),
        );
    const exposure = config.exposure.enabled
        ? new Exposure(
              "exposure",
              exposureArgs(config, {
                  ingress: cluster.ingress,
                  airflow,
                  grafana: observability,
                  dependsOn: [airflow, ...(observability ? [observability] : [])],
              }),
          )
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
