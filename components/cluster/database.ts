/** Pure: the metadata database's connection details. */
import type { PostgresVersion } from "./args";

export const DATABASE_NAME = "airflow";
export const DATABASE_USER = "airflow";
export const POSTGRES_PORT = 5432;

/** Default instance size per cloud when `database.tier` is unset. */
export const DEFAULT_DATABASE_TIER = { gke: "db-custom-2-7680", eks: "db.t4g.medium" } as const;

/** What a managed database of either cloud (Cloud SQL, RDS) defaults to, besides its tier; the config schema reads it. */
export const MANAGED_DATABASE_DEFAULTS: {
    postgresVersion: PostgresVersion;
    storageGb: number;
    highAvailability: boolean;
    backupRetentionDays: number;
} = { postgresVersion: "16", storageGb: 50, highAvailability: false, backupRetentionDays: 7 };

/** What both managed databases (Cloud SQL, RDS) are sized and kept by. */
export type ManagedDatabaseFields = typeof MANAGED_DATABASE_DEFAULTS & { tier: string };

/** Pure: the fields both managed databases share, each one left unset taken from that cloud's `defaults`. */
export function withManagedDatabaseDefaults(
    db: Partial<ManagedDatabaseFields>,
    defaults: ManagedDatabaseFields,
): ManagedDatabaseFields {
    return {
        postgresVersion: db.postgresVersion ?? defaults.postgresVersion,
        tier: db.tier ?? defaults.tier,
        storageGb: db.storageGb ?? defaults.storageGb,
        highAvailability: db.highAvailability ?? defaults.highAvailability,
        backupRetentionDays: db.backupRetentionDays ?? defaults.backupRetentionDays,
    };
}
