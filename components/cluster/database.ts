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
