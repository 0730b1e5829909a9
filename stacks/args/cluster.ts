/** The stack config → the cluster layer's Args (`createCluster`). */
import type { ClusterArgs, DatabaseArgs } from "../../components/cluster";
import type { ClusterAccess } from "../../components/cluster/referenced";
import type { RdsArgs } from "../../components/cluster/eks/args";
import type { CloudSqlArgs } from "../../components/cluster/gke/args";
import type { DevspaceConfig, StackConfig } from "../config";
import { albLoadBalancerArgs, gatewayLoadBalancerArgs } from "./ingress";

/** A key the config requires in this case; the schema has refused the stack already if it is absent. */
function section<T>(value: T | undefined, key: string, when: string): T {
    if (value === undefined) throw new Error(`airflow-platform:${key} is required with ${when}`);
    return value;
}

/** The Cloud SQL instance's settings, or the chart's bundled Postgres. */
function cloudSqlArgs(config: StackConfig): DatabaseArgs<CloudSqlArgs> {
    const { mode, postgresVersion, tier, storageGb, highAvailability, backupRetentionDays } = config.database;
    if (mode === "bundled") return { mode };
    return { mode, postgresVersion, tier, storageGb, highAvailability, backupRetentionDays };
}

/** The RDS instance's settings, or the chart's bundled Postgres. */
function rdsArgs(config: StackConfig): DatabaseArgs<RdsArgs> {
    const db = config.database;
    if (db.mode === "bundled") return { mode: "bundled" };
    return {
        mode: "managed",
        postgresVersion: db.postgresVersion,
        tier: db.tier,
        storageGb: db.storageGb,
        maxStorageGb: db.maxStorageGb,
        extendedSupport: db.extendedSupport,
        highAvailability: db.highAvailability,
        backupRetentionDays: db.backupRetentionDays,
    };
}

/** What both managed clusters read from the stack config. */
function managedClusterArgs(config: StackConfig) {
    return {
        clusterName: config.clusterName,
        stack: config.stack,
        production: config.production,
        deletionProtection: config.deletionProtection,
        controlPlane: config.controlPlane,
        nodePools: config.nodePools,
    };
}

/** The Args of the stack's cluster: GKE, EKS or an existing cluster, as `cloud` says. */
export function clusterArgs(config: StackConfig): ClusterArgs {
    switch (config.cloud) {
        case "gke": {
            const gcp = section(config.gcp, "gcp", "cloud gke");
            return {
                kind: "gke",
                ...managedClusterArgs(config),
                database: cloudSqlArgs(config),
                project: gcp.project,
                region: gcp.region,
                releaseChannel: gcp.releaseChannel,
                sharedStorage: gcp.sharedStorage,
                maintenanceWindow: gcp.maintenanceWindow,
                network: gcp.network,
                ingress: { loadBalancer: gatewayLoadBalancerArgs(config) },
            };
        }
        case "eks": {
            const aws = section(config.aws, "aws", "cloud eks");
            const vpc = aws.vpc;
            return {
                kind: "eks",
                ...managedClusterArgs(config),
                database: rdsArgs(config),
                region: aws.region,
                ingress: { loadBalancer: albLoadBalancerArgs(config) },
                kubernetesVersion: config.kubernetesVersion,
                authenticationMode: aws.authenticationMode,
                accessEntries: aws.accessEntries,
                devspaceOwners: config.devspaces.flatMap((d) =>
                    d.owner.aws ? [{ name: d.name, principalArn: d.owner.aws }] : [],
                ),
                extendedSupport: aws.extendedSupport,
                workloadIdentity: aws.workloadIdentity,
                vpc: vpc.existingVpcId
                    ? {
                          existingVpcId: vpc.existingVpcId,
                          privateSubnetIds: vpc.privateSubnetIds ?? [],
                          publicSubnetIds: vpc.publicSubnetIds,
                      }
                    : {
                          cidrBlock: vpc.cidrBlock,
                          availabilityZones: vpc.availabilityZones,
                          natGateways: vpc.natGateways,
                      },
            };
        }
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
