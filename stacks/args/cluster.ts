/** The stack config → the cluster layer's Args (`createCluster`). */
import { type ClusterArgs, type DatabaseArgs, checkClusterArgs } from "../../components/cluster";
import type { ClusterAccess } from "../../components/cluster/referenced";
import type { EksClusterArgs, RdsArgs } from "../../components/cluster/eks/args";
import type { ExistingClusterArgs } from "../../components/cluster/existing/args";
import type { CloudSqlArgs, GkeClusterArgs } from "../../components/cluster/gke/args";
import type { DevspaceConfig, StackConfig } from "../config";
import { type ConfigIssue, fullKey } from "../config/errors";
import { devspaceGroup } from "../../components/devspace/namespace";
import { PROJECT } from "../config/schema";
import { programToday } from "../today";
import { albLoadBalancerArgs, gatewayLoadBalancerArgs } from "./ingress";

/** The resolved config the cluster's Args are built from (the loader checks it before its warnings exist). */
type ClusterConfig = Omit<StackConfig, "warnings">;

/** A key the config requires in this case; the schema has refused the stack already if it is absent. */
function section<T>(value: T | undefined, key: string, when: string): T {
    if (value === undefined) throw new Error(`airflow-platform:${key} is required with ${when}`);
    return value;
}

/** The Cloud SQL instance's settings, or the chart's bundled Postgres. */
function cloudSqlArgs(config: ClusterConfig): DatabaseArgs<CloudSqlArgs> {
    const { mode, postgresVersion, tier, storageGb, highAvailability, backupRetentionDays } = config.database;
    if (mode === "bundled") return { mode };
    return { mode, postgresVersion, tier, storageGb, highAvailability, backupRetentionDays };
}

/** The RDS instance's settings, or the chart's bundled Postgres. */
function rdsArgs(config: ClusterConfig): DatabaseArgs<RdsArgs> {
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
function managedClusterArgs(config: ClusterConfig) {
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
export function clusterArgs(config: ClusterConfig): ClusterArgs {
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
                networkPolicy: gcp.networkPolicy,
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
                    // The devspace frame's RoleBinding binds this group to the devspace's namespace alone.
                    d.owner.aws
                        ? [{ name: d.name, principalArn: d.owner.aws, kubernetesGroup: devspaceGroup(d.name) }]
                        : [],
                ),
                extendedSupport: aws.extendedSupport,
                // The program's day (AIRFLOW_PLATFORM_TODAY, or today): the config check and the constructor agree.
                today: programToday(),
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
                ...(config.images.dockerHubMirror !== undefined
                    ? { dockerHubMirror: config.images.dockerHubMirror }
                    : {}),
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

/**
 * The config section each kind's own Args come from, and the Args set there; the rest (`nodePools`, `controlPlane`,
 * `database`, `kubernetesVersion`, ...) have the same path at the top level of the config.
 */
export const CLUSTER_SECTIONS = {
    gke: {
        section: "gcp",
        keys: ["project", "region", "releaseChannel", "sharedStorage", "maintenanceWindow", "network"],
    },
    eks: {
        section: "aws",
        keys: ["region", "authenticationMode", "accessEntries", "extendedSupport", "workloadIdentity", "vpc"],
    },
    existing: {
        section: "existing",
        keys: ["context", "sharedStorageClassName", "blockStorageClassName", "placement", "ingressClassName"],
    },
} satisfies {
    gke: { section: "gcp"; keys: (keyof GkeClusterArgs)[] };
    eks: { section: "aws"; keys: (keyof EksClusterArgs)[] };
    existing: { section: "existing"; keys: (keyof ExistingClusterArgs)[] };
};

/**
 * The config key path that sets a path of the cluster's Args (`vpc.privateSubnetIds` → `aws.vpc.privateSubnetIds`);
 * a devspace owner is the `devspaces` item that names it, and numeric parts are list indexes.
 */
export function clusterConfigPath(config: Pick<StackConfig, "devspaces">, kind: ClusterArgs["kind"], argsPath: string) {
    const parts: PropertyKey[] = argsPath.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (kind === "eks" && parts[0] === "devspaceOwners") {
        const owners = config.devspaces.flatMap((d, i) => (d.owner.aws ? [i] : []));
        return typeof parts[1] === "number" ? ["devspaces", owners[parts[1]], "owner", "aws"] : ["devspaces"];
    }
    if (kind === "existing" && parts[0] === "kubeconfig") return ["existingKubeconfig"];
    const { section, keys } = CLUSTER_SECTIONS[kind];
    return (keys as string[]).includes(String(parts[0])) ? [section, ...parts] : parts;
}

/** The value a config path holds in the resolved config, for the error line. */
function valueAt(config: object, path: PropertyKey[]): unknown {
    return path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], config);
}

/**
 * The cluster component's refusals of this config (`checkClusterArgs`, the check its constructor runs), each under the
 * config key that set its Args path; other Args named in a message (in backticks) become their config keys. Run
 * before any resource; a platform stack only (a devspace stack builds no cluster), and none while the cloud's section
 * is missing (the loader reports that).
 */
export function clusterConfigIssues(config: ClusterConfig): ConfigIssue[] {
    if (config.stackKind !== "platform") return [];
    const cloudSection = { gke: config.gcp, eks: config.aws, existing: config.existing }[config.cloud];
    if (cloudSection === undefined) return [];
    const args = clusterArgs(config);
    const keyOf = (argsPath: string) => clusterConfigPath(config, args.kind, argsPath);
    const component = { gke: "GkeCluster", eks: "EksCluster", existing: "ExistingCluster" }[args.kind];
    return checkClusterArgs(args).map((issue) => {
        const path = keyOf(issue.path);
        const message = issue.message.replace(/`([^`]+)`/g, (_, named: string) =>
            fullKey(keyOf(named)).slice(PROJECT.length + 1),
        );
        return {
            key: fullKey(path),
            message: `${message} (refused by the ${component} component)`,
            value: valueAt(config, path),
        };
    });
}
