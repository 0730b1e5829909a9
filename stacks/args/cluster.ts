/** The stack config → the cluster layer's Args (`createCluster`). */
import type { ClusterArgs, DatabaseArgs } from "../../components/cluster";
import type { ClusterAccess } from "../../components/cluster/referenced";
import type { CloudSqlArgs } from "../../components/cluster/gke/args";
import type { DevspaceConfig, StackConfig } from "../config";
import { gatewayLoadBalancerArgs } from "./ingress";

/** A key the config requires in this case; the schema has refused the stack already if it is absent. */
function section<T>(value: T | undefined, key: string, when: string): T {
    if (value === undefined) throw new Error(`airflow-platform:${key} is required with ${when}`);
    return value;
}

/** The managed database's settings, or the chart's bundled Postgres. */
function databaseArgs(config: StackConfig): DatabaseArgs<CloudSqlArgs> {
    const { mode, postgresVersion, tier, storageGb, highAvailability, backupRetentionDays } = config.database;
    if (mode === "bundled") return { mode };
    return { mode, postgresVersion, tier, storageGb, highAvailability, backupRetentionDays };
}

/** The Args of the stack's cluster: GKE, EKS or an existing cluster, as `cloud` says. */
export function clusterArgs(config: StackConfig): ClusterArgs {
    switch (config.cloud) {
        case "gke": {
            const gcp = section(config.gcp, "gcp", "cloud gke");
            return {
                kind: "gke",
                clusterName: config.clusterName,
                stack: config.stack,
                production: config.production,
                deletionProtection: config.deletionProtection,
                controlPlane: config.controlPlane,
                nodePools: config.nodePools,
                database: databaseArgs(config),
                project: gcp.project,
                region: gcp.region,
                releaseChannel: gcp.releaseChannel,
                sharedStorage: gcp.sharedStorage,
                maintenanceWindow: gcp.maintenanceWindow,
                network: gcp.network,
                ingress: { loadBalancer: gatewayLoadBalancerArgs(config) },
            };
        }
        case "eks":
            return { kind: "eks", config };
        case "existing": {
            const existing = section(config.existing, "existing", "cloud existing");
            return {
                kind: "existing",
                clusterName: config.clusterName,
                kubeconfig: config.secrets.existingKubeconfig,
                context: existing.context,
                sharedStorageClassName: existing.sharedStorageClassName,
                blockStorageClassName: existing.blockStorageClassName,
                placement: existing.placement,
                ingressClassName: existing.ingressClassName,
                // The existing cluster's controller serves the Ingresses: nothing to install.
                ingress: {},
            };
        }
    }
}

/** A devspace's way to the dev cluster (`devspace.cluster`); the schema requires `region` with kind eks. */
export function clusterAccess(cluster: DevspaceConfig["cluster"]): ClusterAccess {
    if (cluster.kind === "gke") return { kind: "gke", name: cluster.name, endpoint: cluster.endpoint };
    return {
        kind: "eks",
        name: cluster.name,
        endpoint: cluster.endpoint,
        region: section(cluster.region, "devspace.cluster.region", "devspace.cluster.kind eks"),
        certificateAuthority: cluster.certificateAuthority,
    };
}
