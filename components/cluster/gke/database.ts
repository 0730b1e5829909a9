/** CloudSqlDatabase: Cloud SQL for PostgreSQL on a private IP in the cluster's VPC, with a generated password. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DATABASE_NAME, DATABASE_USER, POSTGRES_PORT } from "../database";
import { DatabaseConnection } from "../types";
import type { ResolvedCloudSqlArgs } from "./args";

export interface CloudSqlDatabaseArgs {
    /** The instance: version, tier, storage, HA, backups. */
    database: ResolvedCloudSqlArgs;
    /** The GCP region of the instance. */
    region: string;
    /** The stack's name, in the instance's labels. */
    stack: string;
    /** Pulumi `protect` and Cloud SQL's deletion protection on the instance. */
    deletionProtection: boolean;
    /** The VPC the instance gets its private IP in (`projects/<p>/global/networks/<n>`). */
    networkId: pulumi.Input<string>;
    gcpProvider: gcp.Provider;
    /** Resources to wait for (the enabled APIs). */
    dependsOn?: pulumi.Resource[];
    /**
     * `create`: reserve a range and peer it with Google's service producer network. `existing`: the network has that
     * peering already (one per network: a second `servicenetworking.Connection` fails with "Cannot modify allocated
     * ranges in CreateConnection").
     */
    privateServicesAccess: "create" | "existing";
    /**
     * Whether this stack created the network, so that every range peered on it is this stack's: only then may a failed
     * creation overwrite the network's connection (`updateOnCreationFail`).
     */
    networkCreatedByStack: boolean;
}

/**
 * Pure: the private services access connection. On a failed create with "Cannot modify allocated ranges",
 * `updateOnCreationFail` PATCHes the network's connection with `force=true` and only this stack's range, which removes
 * every other range peered on it (magic-modules resource_service_networking_connection.go; Service Networking API
 * services.connections.patch: `force` allows removing ranges). So it is set only on a network this stack created
 * (a re-created stack finds its own abandoned connection, GoogleCloudPlatform/cluster-toolkit#4744); on an existing
 * network a failed create stays a failure, and the ranges are never patched after creation (`ignoreChanges`).
 */
export function privateServicesConnection(
    networkId: pulumi.Input<string>,
    peeringRange: pulumi.Input<string>,
    networkCreatedByStack: boolean,
): { args: gcp.servicenetworking.ConnectionArgs; ignoreChanges: string[] } {
    return {
        args: {
            network: networkId,
            service: "servicenetworking.googleapis.com",
            reservedPeeringRanges: [peeringRange],
            // Deleting fails while Cloud SQL still holds producer resources; ABANDON drops the connection from the
            // state but leaves the VPC peering, which blocks the VPC's deletion: delete the peering by hand before a
            // destroy (docs/cluster.md; GoogleCloudPlatform/magic-modules#18476).
            deletionPolicy: "ABANDON",
            ...(networkCreatedByStack ? { updateOnCreationFail: true } : {}),
        },
        // Every update of the ranges is a force PATCH too (the same file's update function).
        ignoreChanges: networkCreatedByStack ? [] : ["reservedPeeringRanges"],
    };
}

/** ENTERPRISE edition keeps at most 7 days of transaction logs for point-in-time recovery (Enterprise Plus: 35). */
export const ENTERPRISE_MAX_LOG_RETENTION_DAYS = 7;

/**
 * Pure: daily backups kept `backupRetentionDays` times, with point-in-time recovery. Cloud SQL requires more retained
 * backups than days of transaction logs ("backup retention should be > transaction log retention"), so the logs
 * cover one day less than the backups, at most 7 on ENTERPRISE; PITR therefore needs at least 2 backups (the
 * config check refuses 1). Unset, the API uses its default of 7 days on ENTERPRISE, which fewer backups reject.
 */
export function cloudSqlBackupConfiguration(
    backupRetentionDays: number,
): gcp.types.input.sql.DatabaseInstanceSettingsBackupConfiguration {
    if (backupRetentionDays <= 0) return { enabled: false };
    return {
        enabled: true,
        pointInTimeRecoveryEnabled: true,
        transactionLogRetentionDays: Math.min(ENTERPRISE_MAX_LOG_RETENTION_DAYS, backupRetentionDays - 1),
        backupRetentionSettings: { retainedBackups: backupRetentionDays, retentionUnit: "COUNT" },
    };
}

export class CloudSqlDatabase extends pulumi.ComponentResource {
    readonly instance: gcp.sql.DatabaseInstance;
    readonly connection: DatabaseConnection;

    constructor(name: string, args: CloudSqlDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:CloudSqlDatabase", name, {}, opts);
        const db = args.database;
        const withGcp: pulumi.CustomResourceOptions = { parent: this, provider: args.gcpProvider };

        // Private services access: a reserved range peered with Google's service producer network, unless the
        // existing network has it already (the instance then takes an address from the ranges it peers).
        const peering: pulumi.Resource[] = [];
        if (args.privateServicesAccess === "create") {
            const peeringRange = new gcp.compute.GlobalAddress(
                `${name}-peering-range`,
                { purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 16, network: args.networkId },
                { ...withGcp, dependsOn: args.dependsOn },
            );
            const connection = privateServicesConnection(args.networkId, peeringRange.name, args.networkCreatedByStack);
            peering.push(
                new gcp.servicenetworking.Connection(`${name}-peering`, connection.args, {
                    ...withGcp,
                    ...(connection.ignoreChanges.length > 0 ? { ignoreChanges: connection.ignoreChanges } : {}),
                }),
            );
        }

        const password = new random.RandomPassword(
            `${name}-password`,
            { length: 32, special: false },
            { parent: this },
        );

        this.instance = new gcp.sql.DatabaseInstance(
            `${name}-instance`,
            {
                databaseVersion: `POSTGRES_${db.postgresVersion}`,
                region: args.region,
                deletionProtection: args.deletionProtection,
                settings: {
                    // PostgreSQL 16+ defaults to Enterprise Plus, which does not take db-custom-* tiers.
                    edition: "ENTERPRISE",
                    tier: db.tier,
                    availabilityType: db.highAvailability ? "REGIONAL" : "ZONAL",
                    diskType: "PD_SSD",
                    diskSize: db.storageGb,
                    diskAutoresize: true,
                    deletionProtectionEnabled: args.deletionProtection,
                    ipConfiguration: { ipv4Enabled: false, privateNetwork: args.networkId, sslMode: "ENCRYPTED_ONLY" },
                    backupConfiguration: cloudSqlBackupConfiguration(db.backupRetentionDays),
                    userLabels: { "airflow-platform-stack": args.stack },
                },
            },
            // diskAutoresize grows the disk; a later `up` would otherwise try to set the smaller diskSize again, which
            // replaces the instance (@pulumi/gcp docs of settings.diskSize/diskAutoresize: ignore changes to diskSize).
            {
                ...withGcp,
                protect: args.deletionProtection,
                dependsOn: [...(args.dependsOn ?? []), ...peering],
                ignoreChanges: ["settings.diskSize"],
            },
        );
        const database = new gcp.sql.Database(
            `${name}-database`,
            { name: DATABASE_NAME, instance: this.instance.name },
            withGcp,
        );
        const user = new gcp.sql.User(
            `${name}-user`,
            {
                name: DATABASE_USER,
                instance: this.instance.name,
                password: password.result,
                // The user owns Airflow's tables: Cloud SQL cannot drop it through the API, so a destroy leaves it
                // to the instance's own deletion instead of stopping on it.
                deletionPolicy: "ABANDON",
            },
            withGcp,
        );

        const host = this.instance.privateIpAddress;
        const secretPassword = pulumi.secret(password.result);
        this.connection = {
            host,
            port: pulumi.output(POSTGRES_PORT),
            database: database.name,
            username: user.name,
            password: secretPassword,
        };
        this.registerOutputs({ host, database: database.name });
    }
}
