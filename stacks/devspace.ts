import * as pulumi from "@pulumi/pulumi";
import { Airflow } from "../components/airflow";
import { ReferencedCluster, readPlacement } from "../components/cluster/referenced";
import { Devspace, devspaceNamespace } from "../components/devspace";
import { ResolvedAirflowConfig, StackConfig } from "./config";

/** The devspace's Airflow: the stack's settings, in the devspace's namespace, syncing the developer's branch. */
export function devspaceAirflowConfig(config: StackConfig): ResolvedAirflowConfig {
    const devspace = config.devspace;
    if (!devspace) throw new Error(`stack ${config.stack} is not a devspace (no devspace section)`);
    return {
        ...config.airflow,
        namespace: devspaceNamespace(devspace.developer),
        // The developer's branch wins over airflow.dags.branch: that is what the devspace is for.
        dags: { ...config.airflow.dags, branch: devspace.branch },
    };
}

/**
 * A developer's own Airflow on the shared dev cluster: a namespace with a quota and default requests, and a small
 * Airflow (bundled Postgres, git-sync of the developer's branch) scraped by the shared Prometheus. It reads the dev
 * stack through a StackReference and creates nothing outside its namespace but the namespace itself.
 */
export async function devspaceStack(config: StackConfig) {
    const devspace = config.devspace;
    if (!devspace) throw new Error(`stack ${config.stack} is not a devspace (no devspace section)`);
    const base = new pulumi.StackReference("base", { name: devspace.baseStack });
    const cluster = new ReferencedCluster("cluster", { stack: base, placement: await readPlacement(base, devspace.baseStack) });
    const space = new Devspace("devspace", { devspace, provider: cluster.provider });
    const airflowConfig = devspaceAirflowConfig(config);
    // The dev stack exports its monitoring namespace only when it runs the shared Prometheus (and its CRDs).
    const sharedMonitoring = (await base.getOutputValue("monitoringNamespace")) !== undefined;
    const airflow = new Airflow(
        "airflow",
        {
            cluster,
            stack: config,
            airflow: airflowConfig,
            createNamespace: false,
            // The shared Prometheus (installed by the dev stack) selects ServiceMonitors in every namespace.
            scrape: sharedMonitoring,
        },
        { dependsOn: space.guards },
    );
    return {
        namespace: space.namespace,
        developer: devspace.developer,
        branch: devspace.branch,
        baseStack: devspace.baseStack,
        clusterName: cluster.clusterName,
        quota: devspace.quota,
        executor: airflow.executor,
        /** How to reach the UI: a devspace has no load balancer of its own. */
        uiPortForward: pulumi.interpolate`kubectl -n ${space.namespace} port-forward svc/${airflow.uiServiceName} 8080:${airflow.uiServicePort}`,
        /** The shared Grafana's Airflow dashboards show this devspace with this filter. */
        grafanaFilter: sharedMonitoring ? pulumi.interpolate`var-namespace=${space.namespace}` : "the dev stack runs no monitoring",
        adminPassword: airflow.adminPassword,
    };
}
