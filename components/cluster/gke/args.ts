/** The Args of a GKE cluster (`GkeCluster`), and the one pure function that applies their defaults. */
import {
    DatabaseArgs,
    ManagedClusterArgs,
    PostgresVersion,
    ResolvedManagedClusterArgs,
    withManagedClusterDefaults,
} from "../args";
import type { GatewayLoadBalancerArgs } from "../ingress/args";
import { DEFAULT_DATABASE_TIER, MANAGED_DATABASE_DEFAULTS, withManagedDatabaseDefaults } from "../database";
import type { FilestoreMode } from "../storage";

/** A day of the week as RFC 5545 BYDAY writes it. */
export type WeekDay = "MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU";

/** The recurring window in which GKE may upgrade and repair the cluster automatically. */
export interface MaintenanceWindowArgs {
    /** @default every day */
    days?: WeekDay[];
    /** Start of each window, UTC `HH:MM`. @default "01:00" */
    startTimeUtc?: string;
    /** Length of each window in hours; GKE needs at least 4 contiguous hours. @default 4 */
    hours?: number;
}

/**
 * How the cluster enforces NetworkPolicy. `dataplane-v2`: GKE Dataplane V2 (eBPF), chosen at creation only
 * (`datapathProvider` is ForceNew). `calico`: GKE's network policy enforcement (Calico), which a running cluster created
 * without Dataplane V2 turns on in place (GKE re-creates its nodes, like an upgrade).
 */
export type GkeNetworkPolicy = "dataplane-v2" | "calico";

/** The VPC network: created with its subnet, router and Cloud NAT, or an existing one by name. */
export interface GkeNetworkArgs {
    /** Use this VPC network (by name): no network, router or NAT is created. @default undefined: created */
    existingNetwork?: string;
    /**
     * Use this subnetwork (by name); it must have the pods and services secondary ranges.
     * @default undefined: created
     */
    existingSubnetwork?: string;
    /**
     * Cloud SQL's private services access: `create` reserves a range and peers it; `existing` uses the peering the
     * network already has (a second servicenetworking connection fails). Required with `existingNetwork` and a
     * managed database (`checkGkeClusterArgs`); `create` there never overwrites the network's existing connection.
     * @default "create"
     */
    privateServicesAccess?: "create" | "existing";
    /** @default "pods" */
    podsRangeName?: string;
    /** @default "services" */
    servicesRangeName?: string;
    /** Primary range of a created subnetwork. @default "10.10.0.0/20" */
    nodesCidr?: string;
    /** Pods secondary range of a created subnetwork. @default "10.20.0.0/14" */
    podsCidr?: string;
    /** Services secondary range of a created subnetwork. @default "10.30.0.0/20" */
    servicesCidr?: string;
    /** Control plane range for private nodes. @default "172.16.0.0/28" */
    masterIpv4CidrBlock?: string;
}

/** Cloud SQL for PostgreSQL on a private IP in the cluster's VPC. */
export interface CloudSqlArgs {
    /** @default "16" */
    postgresVersion?: PostgresVersion;
    /** Cloud SQL tier. @default "db-custom-2-7680" */
    tier?: string;
    /** The initial disk size (GB): it grows by itself, later changes are ignored. @default 50 */
    storageGb?: number;
    /** Regional (REGIONAL availability) instead of zonal. @default false */
    highAvailability?: boolean;
    /**
     * Daily backups kept (0: none), with point-in-time recovery over one day less (at most 7); 1 is refused by
     * Cloud SQL with PITR.
     * @default 7
     */
    backupRetentionDays?: number;
}

export interface GkeClusterArgs extends ManagedClusterArgs<GatewayLoadBalancerArgs> {
    kind: "gke";
    /** GCP project ID. */
    project: string;
    /** GCP region, e.g. europe-west1: a regional cluster. */
    region: string;
    /** @default "REGULAR" */
    releaseChannel?: "RAPID" | "REGULAR" | "STABLE";
    /** Filestore behind the ReadWriteMany class (task logs). @default "basic-hdd" */
    sharedStorage?: FilestoreMode;
    /** @default every day from 01:00 UTC for 4 hours */
    maintenanceWindow?: MaintenanceWindowArgs;
    /** @default "dataplane-v2" */
    networkPolicy?: GkeNetworkPolicy;
    /** @default a created network with the default ranges */
    network?: GkeNetworkArgs;
    /** @default { mode: "bundled" } */
    database?: DatabaseArgs<CloudSqlArgs>;
}

export type ResolvedCloudSqlArgs = Required<Omit<CloudSqlArgs, "tier">> & { tier: string };

export interface ResolvedGkeClusterArgs extends ResolvedManagedClusterArgs<GatewayLoadBalancerArgs> {
    kind: "gke";
    project: string;
    region: string;
    releaseChannel: "RAPID" | "REGULAR" | "STABLE";
    sharedStorage: FilestoreMode;
    maintenanceWindow: Required<MaintenanceWindowArgs>;
    networkPolicy: GkeNetworkPolicy;
    network: Required<Omit<GkeNetworkArgs, "existingNetwork" | "existingSubnetwork">> &
        Pick<GkeNetworkArgs, "existingNetwork" | "existingSubnetwork">;
    database: DatabaseArgs<ResolvedCloudSqlArgs>;
}

export const ALL_WEEK: WeekDay[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** A Cloud SQL instance's defaults. */
export const CLOUD_SQL_DEFAULTS: ResolvedCloudSqlArgs = {
    ...MANAGED_DATABASE_DEFAULTS,
    tier: DEFAULT_DATABASE_TIER.gke,
};

/**
 * A GKE cluster's defaults, in one place: `withGkeClusterDefaults` applies them, and the config schema's `gcp` keys
 * default to the same values (stacks/config/schema.ts reads this constant).
 */
export const GKE_CLUSTER_DEFAULTS: Pick<
    ResolvedGkeClusterArgs,
    "releaseChannel" | "sharedStorage" | "maintenanceWindow" | "networkPolicy"
> & {
    network: Omit<ResolvedGkeClusterArgs["network"], "existingNetwork" | "existingSubnetwork">;
    database: DatabaseArgs<CloudSqlArgs>;
} = {
    releaseChannel: "REGULAR",
    sharedStorage: "basic-hdd",
    networkPolicy: "dataplane-v2",
    maintenanceWindow: { days: ALL_WEEK, startTimeUtc: "01:00", hours: 4 },
    network: {
        privateServicesAccess: "create",
        podsRangeName: "pods",
        servicesRangeName: "services",
        nodesCidr: "10.10.0.0/20",
        podsCidr: "10.20.0.0/14",
        servicesCidr: "10.30.0.0/20",
        masterIpv4CidrBlock: "172.16.0.0/28",
    },
    database: { mode: "bundled" },
};

/** Pure: a GKE cluster's Args with every default applied. */
export function withGkeClusterDefaults(args: GkeClusterArgs): ResolvedGkeClusterArgs {
    const defaults = GKE_CLUSTER_DEFAULTS;
    const window = args.maintenanceWindow ?? {};
    const net = args.network ?? {};
    const db = args.database ?? defaults.database;
    return {
        ...withManagedClusterDefaults(args),
        kind: "gke",
        project: args.project,
        region: args.region,
        releaseChannel: args.releaseChannel ?? defaults.releaseChannel,
        sharedStorage: args.sharedStorage ?? defaults.sharedStorage,
        networkPolicy: args.networkPolicy ?? defaults.networkPolicy,
        maintenanceWindow: {
            days: window.days ?? [...defaults.maintenanceWindow.days],
            startTimeUtc: window.startTimeUtc ?? defaults.maintenanceWindow.startTimeUtc,
            hours: window.hours ?? defaults.maintenanceWindow.hours,
        },
        network: {
            ...net,
            privateServicesAccess: net.privateServicesAccess ?? defaults.network.privateServicesAccess,
            podsRangeName: net.podsRangeName ?? defaults.network.podsRangeName,
            servicesRangeName: net.servicesRangeName ?? defaults.network.servicesRangeName,
            nodesCidr: net.nodesCidr ?? defaults.network.nodesCidr,
            podsCidr: net.podsCidr ?? defaults.network.podsCidr,
            servicesCidr: net.servicesCidr ?? defaults.network.servicesCidr,
            masterIpv4CidrBlock: net.masterIpv4CidrBlock ?? defaults.network.masterIpv4CidrBlock,
        },
        database:
            db.mode === "bundled"
                ? { mode: "bundled" }
                : { mode: "managed", ...withManagedDatabaseDefaults(db, CLOUD_SQL_DEFAULTS) },
    };
}
