import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Airflow } from "../components/airflow";
import { ReferencedCluster, accessKubeconfig, devspaceProvider } from "../components/cluster/referenced";
import { clusterAccess } from "./args/cluster";
import {
    DEVSPACE_FRAME_CONFIGMAP,
    DevspaceFrameFacts,
    devspaceAccessProblem,
    devspaceNamespace,
    parseDevspaceFrame,
    todayUtc,
} from "../components/devspace";
import { airflowArgs, devspaceAirflowSettings } from "./args/airflow";
import { exposureUrlsOf } from "./args/exposure";
import { ConfigError, DevspaceStackConfig, StackConfig, devspaceStackConfig, fullKey } from "./config";
import { scrapeAirflow } from "./scrape";
import { programToday } from "./today";

/**
 * A developer's own Airflow on the shared dev cluster, in the namespace the dev stack made for it (its frame: RBAC,
 * quota, limits, network policies): a small Airflow (bundled Postgres, git-sync of the developer's branch) scraped by
 * the shared Prometheus. It creates no Namespace, quota or cluster-scoped object, and refuses to start unless the dev
 * stack lists this devspace, for this owner, unexpired. It reads its frame from the ConfigMap the dev stack wrote in
 * its namespace, with the developer's own cloud identity: it needs no access to the dev stack's state or secrets.
 */
export async function devspaceStack(stackConfig: StackConfig) {
    const config = devspaceStackConfig(stackConfig);
    const { devspace } = config;
    const namespace = devspaceNamespace(devspace.developer);
    // The provider was the ReferencedCluster's child before the frame moved to a ConfigMap: keep its URN, or every
    // object of an existing devspace would be replaced with it.
    const access = clusterAccess(devspace.cluster);
    const provider = devspaceProvider("cluster-k8s", access, {
        aliases: [{ parent: pulumi.createUrn("cluster", "airflow-platform:cluster:ReferencedCluster") }],
    });
    const frame = await readFrame(config, namespace, provider);
    const refused = devspaceAccessProblem(devspace, [frame], todayUtc(programToday()));
    if (refused) {
        const key = fullKey(refused.key.split("."));
        throw new ConfigError(config.stack, [
            {
                key,
                message: refused.message,
                value: refused.key === "devspace.owner" ? devspace.owner : devspace.developer,
            },
        ]);
    }
    const cluster = new ReferencedCluster("cluster", {
        provider,
        kubeconfig: accessKubeconfig(access),
        clusterName: frame.clusterName,
        endpoint: devspace.cluster.endpoint,
        placement: frame.placement,
        sharedStorageClassName: frame.sharedStorageClassName,
        blockStorageClassName: frame.blockStorageClassName,
    });
    const sharedMonitoring = frame.monitoringNamespace !== undefined;
    const airflow = new Airflow(
        "airflow",
        airflowArgs(
            config,
            {
                cluster,
                // A referenced cluster hands over no ingress driver, so nothing terminates TLS for it.
                urls: exposureUrlsOf(config, false),
                // The dev stack owns the namespace (and its quota, limits, RBAC and network policies).
                createNamespace: false,
                ...(frame.kedaNamespace !== undefined ? { keda: true as const } : {}),
            },
            devspaceAirflowSettings(config),
        ),
    );
    // The shared Prometheus (installed by the dev stack, with its CRDs) selects ServiceMonitors in every namespace.
    if (sharedMonitoring) scrapeAirflow("airflow", airflow, cluster.provider);
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

/**
 * Reads the devspace's frame ConfigMap with the developer's credentials. A devspace the dev stack does not list has
 * no namespace and no RBAC for its owner, so the read fails (not found, or forbidden): that becomes a config error
 * saying what to ask for.
 */
async function readFrame(
    config: DevspaceStackConfig,
    namespace: string,
    provider: k8s.Provider,
): Promise<DevspaceFrameFacts> {
    const { devspace } = config;
    const frameMap = k8s.core.v1.ConfigMap.get("devspace-frame", `${namespace}/${DEVSPACE_FRAME_CONFIGMAP}`, {
        provider,
    });
    let data: Record<string, string> | undefined;
    try {
        // Output.promise() is internal to @pulumi/pulumi, but it is the one way to catch a failed read (apply never runs).
        data = await (frameMap.data as unknown as { promise(): Promise<Record<string, string> | undefined> }).promise();
    } catch (e) {
        throw new ConfigError(config.stack, [
            {
                key: fullKey(["devspace", "developer"]),
                value: devspace.developer,
                message:
                    `cannot read ConfigMap ${namespace}/${DEVSPACE_FRAME_CONFIGMAP} on cluster ${devspace.cluster.name} ` +
                    `(${String((e as Error)?.message ?? e).split("\n")[0]}): "${devspace.developer}" is not in the devspaces list of ` +
                    `${devspace.baseStack}, or not for ${devspace.owner}; ask the platform team to add { name, owner, expires } ` +
                    "to its airflow-platform:devspaces and deploy it (the dev stack creates the namespace and this ConfigMap)",
            },
        ]);
    }
    return parseDevspaceFrame(namespace, data);
}
