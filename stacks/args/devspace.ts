/** Stack config → the devspace components' Args: each listed devspace's frame and the routing rules it admits. */
import { AIRFLOW_STATSD_SERVICE } from "../../components/airflow/statsd-service";
import { AIRFLOW_PORTS, AIRFLOW_RELEASE_NAME, BUNDLED_POSTGRES_POD_LABELS } from "../../components/airflow/values";
import type { Cluster } from "../../components/cluster/types";
import {
    DevspaceAirflowPods,
    DevspaceEntry,
    DevspaceFrameArgs,
    checkDevspaceFrameArgs,
} from "../../components/devspace/args";
import { KEDA_OPERATOR_POD_LABELS } from "../../components/keda";
import type { ConfigIssue } from "../config/errors";
import type { StackConfig } from "../config/resolved";
import { issuesAtKeys } from "./issues";

/** What a devspace frame is wired to in the dev stack. */
export interface DevspaceFrameWiring {
    cluster: Pick<
        Cluster,
        "provider" | "clusterName" | "placement" | "sharedStorageClassName" | "blockStorageClassName" | "readiness"
    >;
    /**
     * The devspace routing rules: the shared Prometheus's namespace (admitted to the devspace's statsd-exporter) when
     * the stack runs monitoring, and the shared KEDA's (admitted to its Postgres) when the stack installed it.
     */
    monitoringNamespace?: string;
    kedaNamespace?: string;
}

/**
 * The Airflow pods a devspace's routing rules admit to, from the Airflow component's facts: the statsd-exporter by its
 * `component` label alone (whatever the release) on the chart's scrape port, and the bundled Postgres on its port.
 */
export const DEVSPACE_AIRFLOW_PODS: DevspaceAirflowPods = {
    statsdExporter: {
        podLabels: { component: AIRFLOW_STATSD_SERVICE.labels(AIRFLOW_RELEASE_NAME).component },
        port: { protocol: AIRFLOW_STATSD_SERVICE.scrapePort.protocol, port: AIRFLOW_STATSD_SERVICE.scrapePort.port },
    },
    database: { podLabels: BUNDLED_POSTGRES_POD_LABELS, port: { protocol: "TCP", port: AIRFLOW_PORTS.postgres } },
};

/** One listed devspace's frame Args. */
export function devspaceFrameArgs(entry: DevspaceEntry, wiring: DevspaceFrameWiring): DevspaceFrameArgs {
    const { cluster } = wiring;
    return {
        entry,
        provider: cluster.provider,
        monitoringNamespace: wiring.monitoringNamespace,
        ...(wiring.kedaNamespace
            ? { keda: { namespace: wiring.kedaNamespace, podLabels: KEDA_OPERATOR_POD_LABELS } }
            : {}),
        airflowPods: DEVSPACE_AIRFLOW_PODS,
        cluster: {
            clusterName: cluster.clusterName,
            placement: cluster.placement,
            sharedStorageClassName: cluster.sharedStorageClassName,
            blockStorageClassName: cluster.blockStorageClassName,
        },
        dependsOn: cluster.readiness,
    };
}

/** The DevspaceFrame's refusals of each `devspaces[i]` entry, under `devspaces[i].<path>` (run before any resource). */
export function devspaceFrameConfigIssues(config: Pick<StackConfig, "devspaces">): ConfigIssue[] {
    return config.devspaces.flatMap((entry, i) =>
        issuesAtKeys("DevspaceFrame", checkDevspaceFrameArgs({ entry }), {}, ["devspaces", i]),
    );
}
