/** Pure: the metadata database's connection details. */

export const DATABASE_NAME = "airflow";
export const DATABASE_USER = "airflow";
export const POSTGRES_PORT = 5432;

/** `postgresql://user:password@host:port/database`, the form the Airflow chart takes in `data.metadataSecretName`. */
export function postgresUri(c: { username: string; password: string; host: string; port: number; database: string }): string {
    return `postgresql://${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${encodeURIComponent(c.database)}`;
}

/** Default instance size per cloud when `database.tier` is unset. */
export const DEFAULT_DATABASE_TIER = { gke: "db-custom-2-7680", eks: "db.t4g.medium" } as const;
