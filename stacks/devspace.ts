import * as pulumi from "@pulumi/pulumi";
import { Airflow } from "../components/airflow";
import { ReferencedCluster, readPlacement } from "../components/cluster/referenced";
import { DevspaceFrameOutput, devspaceAccessProblem, devspaceNamespace, todayUtc } from "../components/devspace";
import { ConfigError, ResolvedAirflowConfig, StackConfig, fullKey } from "./config";

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
 * A developer's own Airflow on the shared dev cluster, in the namespace the dev stack made for it (its frame: RBAC,
 * quota, limits, network policies): a small Airflow (bundled Postgres, git-sync of the developer's branch) scraped by
 * the shared Prometheus. It creates no Namespace, quota or cluster-scoped object, and refuses to start unless the dev
 * stack lists this devspace, for this owner, unexpired.
 */
export async function devspaceStack(config: StackConfig) {
    const devspace = config.devspace;
    if (!devspace) throw new Error(`stack ${config.stack} is not a devspace (no devspace section)`);
    const base = new pulumi.StackReference("base", { name: devspace.baseStack });
    const frames = (await base.getOutputValue("devspaces")) as DevspaceFrameOutput[] | undefined;
    const refused = devspaceAccessProblem(devspace, frames, todayUtc());
    if (refused) {
        const key = fullKey(refused.key.split("."));
        throw new ConfigError(config.stack, [{ key, message: refused.message, value: refused.key === "devspace.owner" ? devspace.owner : devspace.developer }]);
    }
    const frame = frames!.find((f) => f.name === devspace.developer)!;
    const cluster = new ReferencedCluster("cluster", { stack: base, placement: await readPlacement(base, devspace.baseStack) });
    const airflowConfig = devspaceAirflowConfig(config);
    // The dev stack exports its monitoring namespace only when it runs the shared Prometheus (and its CRDs).
    const sharedMonitoring = (await base.getOutputValue("monitoringNamespace")) !== undefined;
    // The dev stack exports its KEDA namespace when it installed KEDA (and so the ScaledObject CRD).
    const sharedKeda = (await base.getOutputValue("kedaNamespace")) !== undefined;
    const airflow = new Airflow("airflow", {
        cluster,
        stack: config,
        airflow: airflowConfig,
        // The dev stack owns the namespace (and its quota, limits, RBAC and network policies).
        createNamespace: false,
        // The shared Prometheus (installed by the dev stack) selects ServiceMonitors in every namespace.
        scrape: sharedMonitoring,
        ...(sharedKeda ? { keda: true as const } : {}),
    });
    const namespace = devspaceNamespace(devspace.developer);
    return {
        namespace,
        developer: devspace.developer,
        owner: devspace.owner,
        expires: frame.expires,
        branch: devspace.branch,
        baseStack: devspace.baseStack,
        clusterName: cluster.clusterName,
        quota: frame.quota,
        executor: airflow.executor,
        /** How to reach the UI: a devspace has no load balancer of its own. */
        uiPortForward: pulumi.interpolate`kubectl -n ${namespace} port-forward svc/${airflow.uiServiceName} 8080:${airflow.uiServicePort}`,
        /** The shared Grafana's Airflow dashboards show this devspace with this filter. */
        grafanaFilter: sharedMonitoring ? `var-namespace=${namespace}` : "the dev stack runs no monitoring",
        adminPassword: airflow.adminPassword,
    };
}
