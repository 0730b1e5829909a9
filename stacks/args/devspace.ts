/** Stack config → the devspace components' Args: each listed devspace's frame and the routing rules it admits. */
import type { Cluster } from "../../components/cluster/types";
import { DevspaceEntry, DevspaceFrameArgs, checkDevspaceFrameArgs } from "../../components/devspace/args";
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

/** One listed devspace's frame Args. */
export function devspaceFrameArgs(entry: DevspaceEntry, wiring: DevspaceFrameWiring): DevspaceFrameArgs {
    const { cluster } = wiring;
    return {
        entry,
        provider: cluster.provider,
        monitoringNamespace: wiring.monitoringNamespace,
        kedaNamespace: wiring.kedaNamespace,
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
