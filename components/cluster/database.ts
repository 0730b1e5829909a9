/** Pure: the metadata database's connection details. */

export const DATABASE_NAME = "airflow";
export const DATABASE_USER = "airflow";
export const POSTGRES_PORT = 5432;

/** Default instance size per cloud when `database.tier` is unset. */
export const DEFAULT_DATABASE_TIER = { gke: "db-custom-2-7680", eks: "db.t4g.medium" } as const;
