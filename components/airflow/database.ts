/** The metadata database's Secrets: the connection to an external database behind PgBouncer, or the bundled Postgres'. */
import * as pulumi from "@pulumi/pulumi";
import type { AirflowScope } from "./namespace";
import { type AirflowSecretStore, generatedPassword } from "./secrets";
import { AIRFLOW_PORTS, type AirflowSecretNames, CHART_SECRET_KEYS, metadataConnections, pgbouncerIni } from "./values";

/** The metadata connection (and, for an external database, PgBouncer's config and stats connection). */
export function createDatabaseSecrets(
    scope: AirflowScope,
    store: AirflowSecretStore,
    opts: { kedaDirect: boolean },
): Pick<AirflowSecretNames, "pgbouncerConfig" | "pgbouncerStats" | "postgresAuth"> {
    const { airflow, releaseName, fullname } = scope;
    const ns = scope.namespace.name;
    const { kedaDirect } = opts;
    if (airflow.database.kind === "external") {
        const database = airflow.database.connection;
        const user = database.username;
        // Airflow talks to PgBouncer (plain, inside the namespace); PgBouncer talks to the database.
        const connections = pulumi
            .all([ns, user, database.password, database.host, database.port, database.database])
            .apply(([namespace, u, pass, host, port, db]) =>
                metadataConnections({
                    releaseName,
                    namespace,
                    user: u,
                    password: pass,
                    managed: { host, port, database: db },
                    kedaDirect,
                }),
            );
        store.write("metadata", {
            [CHART_SECRET_KEYS.connection]: connections.apply((c) => c[CHART_SECRET_KEYS.connection]),
            ...(kedaDirect
                ? {
                      [CHART_SECRET_KEYS.kedaConnection]: connections.apply((c) => c[CHART_SECRET_KEYS.kedaConnection]),
                  }
                : {}),
        });
        store.write("pgbouncer-config", {
            "pgbouncer.ini": pulumi
                .all([database.host, database.port, database.database, user])
                .apply(([host, port, db, u]) =>
                    pgbouncerIni({ releaseName, host, port, database: db, user: u, production: airflow.production }),
                ),
            "users.txt": pulumi.interpolate`"${user}" "${database.password}"\n`,
        });
        store.write("pgbouncer-stats", {
            [CHART_SECRET_KEYS.connection]: pulumi.interpolate`postgresql://${user.apply(encodeURIComponent)}:${database.password.apply(
                encodeURIComponent,
            )}@127.0.0.1:${AIRFLOW_PORTS.pgbouncer}/pgbouncer?sslmode=disable`,
        });
        return { pgbouncerConfig: `${fullname}-pgbouncer-config`, pgbouncerStats: `${fullname}-pgbouncer-stats` };
    }
    const postgresPassword = generatedPassword(scope, "postgres-password", 32);
    store.write("postgres-auth", { [CHART_SECRET_KEYS.postgresPassword]: postgresPassword.result });
    store.write("metadata", {
        [CHART_SECRET_KEYS.connection]: pulumi
            .all([ns, postgresPassword.result])
            .apply(
                ([namespace, pass]) =>
                    metadataConnections({ releaseName, namespace, user: "postgres", password: pass, kedaDirect: false })
                        .connection,
            ),
    });
    return { postgresAuth: `${fullname}-postgres-auth` };
}
