/**
 * Apache Airflow from the official Helm chart, on whatever cluster the cluster layer hands over: the namespace, the
 * generated keys and the credentials as Kubernetes Secrets, the log volume, and one `helm.v3.Release` that references
 * them by name. The values come from `airflowValues` (values.ts), a pure function.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ServiceAccountBinding } from "../cluster/types";
import { refuseArgs } from "../validation";
import { AIRFLOW_STATSD_PREFIX, airflowStatsdMappings } from "@airflow-platform/airflow-mixin";
import { type StatsdService, statsdService } from "./statsd-service";
import {
    AIRFLOW_PORTS,
    AIRFLOW_RELEASE_NAME,
    AirflowSecretNames,
    AirflowValuesInput,
    CHART_SECRET_KEYS,
    LOG_WRITERS,
    LogWriter,
    LogsPlan,
    SecretChecksums,
    airflowServiceNames,
    airflowValues,
    chartFullname,
    checksumOf,
    executorSetting,
    metadataConnections,
    pgbouncerIni,
} from "./values";
import { type AirflowArgs, withAirflowDefaults } from "./args";
import { checkAirflowArgs } from "./checks";

export * from "./args";
export * from "./checks";
export * from "./statsd-service";
export * from "./values";

/** Which of the component's Secrets (by suffix) each group of pods reads. */
const SECRETS_READ_BY: Record<keyof SecretChecksums, string[]> = {
    airflow: [
        "fernet-key",
        "webserver-secret-key",
        "api-secret-key",
        "jwt-secret",
        "metadata",
        "broker-url",
        "git-credentials",
    ],
    pgbouncer: ["pgbouncer-config", "pgbouncer-stats"],
    redis: ["redis-password"],
    flower: ["flower"],
};

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The values as a plain tree down to each placeholder leaf, which becomes its Output; every other branch is an Output
 * of the resolved values. Pulumi serializes nested Outputs one by one, so an unknown checksum leaves the rest known.
 */
function spliceOutputs(resolved: pulumi.Output<Tree>, shape: Tree, leaves: Map<unknown, pulumi.Output<string>>): Tree {
    const holdsLeaf = (v: unknown): boolean => leaves.has(v) || (isTree(v) && Object.values(v).some(holdsLeaf));
    return Object.fromEntries(
        Object.entries(shape).map(([key, value]) => {
            if (leaves.has(value)) return [key, leaves.get(value)];
            const branch = resolved.apply((r) => r[key] as Tree);
            return [key, isTree(value) && holdsLeaf(value) ? spliceOutputs(branch, value, leaves) : branch];
        }),
    );
}

/**
 * sha256 over the named Secrets' data ("" when none of them exists). Not secret: a hash of generated keys reveals
 * nothing, and a secret value would hide the whole of the release's values in the plan.
 */
function secretsChecksum(
    data: Record<string, pulumi.Output<Record<string, string>>>,
    suffixes: string[],
): pulumi.Output<string> {
    const present = suffixes.filter((suffix) => data[suffix] !== undefined);
    if (present.length === 0) return pulumi.output("");
    const all = pulumi
        .all(present.map((suffix) => data[suffix]))
        .apply((objects) => checksumOf(present.map((suffix, i) => [suffix, objects[i]])));
    return pulumi.unsecret(all);
}

/** The chart's repository; the version comes from `chartVersion`. */
export const AIRFLOW_CHART_REPO = "https://airflow.apache.org";

/** Apache Airflow from the official Helm chart. */
export class Airflow extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly releaseName: pulumi.Output<string>;
    /** The executor string the chart and `[core] executor` got. */
    readonly executor: string;
    /** The UI's Service (api-server on 3.x, webserver on 2.x) and port, for the ingress. */
    readonly uiServiceName: pulumi.Output<string>;
    readonly uiServicePort: pulumi.Output<number>;
    /** Flower's Service and port; undefined when Flower does not run. */
    readonly flowerServiceName?: pulumi.Output<string>;
    readonly flowerServicePort?: pulumi.Output<number>;
    /** The statsd-exporter Service Prometheus scrapes. */
    readonly statsdServiceName: pulumi.Output<string>;
    /** The statsd-exporter Service (namespace, release, name, selector labels, scrape port): what a scraper selects. */
    readonly statsd: pulumi.Output<StatsdService>;
    /** Secret: the password of the `admin` user the chart's create-user job makes. */
    readonly adminPassword: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: AirflowArgs, opts?: pulumi.ComponentResourceOptions) {
        // Bad Args are refused before anything is registered, this component included.
        refuseArgs("Airflow", checkAirflowArgs(args));
        // The token follows airflow-platform:<folder>:<Class>; the alias keeps the URNs of stacks made before.
        super(
            "airflow-platform:airflow:Airflow",
            name,
            {},
            {
                ...opts,
                aliases: [...(opts?.aliases ?? []), { type: "airflow-platform:index:Airflow" }],
            },
        );
        const airflow = withAirflowDefaults(args);
        const { cluster } = airflow;
        const namespaceName = airflow.namespace;
        const releaseName = AIRFLOW_RELEASE_NAME;
        // An external database (the cluster's managed Postgres) behind PgBouncer, or the chart's bundled one.
        const databaseMode = airflow.database.kind === "external" ? "managed" : "bundled";
        const fullname = chartFullname(releaseName);
        const services = airflowServiceNames(releaseName, airflow.majorVersion);
        const exec = executorSetting(airflow);
        const provider = cluster.provider;
        // Key-holding and stateful objects follow `protect` (the stacks' deletionProtection, on in prod): losing the
        // Fernet key makes stored connections unreadable.
        const protect = airflow.protect;
        const keep: pulumi.CustomResourceOptions = { parent: this, protect };
        const k8sOpts: pulumi.CustomResourceOptions = { parent: this, provider };

        const namespace = !airflow.createNamespace
            ? undefined
            : new k8s.core.v1.Namespace(
                  `${name}-ns`,
                  {
                      metadata: {
                          name: namespaceName,
                          labels: { "app.kubernetes.io/part-of": "airflow-platform" },
                      },
                  },
                  { ...k8sOpts, dependsOn: cluster.readiness },
              );
        const ns = namespace ? namespace.metadata.name : pulumi.output(namespaceName);
        // A caller that owns the namespace passes it (or its guards) as the component's dependsOn; children do not
        // inherit a component's dependsOn, so it is handed down here.
        const callerDeps = Array.isArray(opts?.dependsOn)
            ? (opts!.dependsOn as pulumi.Input<pulumi.Resource>[])
            : opts?.dependsOn
              ? [opts.dependsOn as pulumi.Input<pulumi.Resource>]
              : [];
        const inNamespace: pulumi.CustomResourceOptions = {
            ...k8sOpts,
            dependsOn: [...(namespace ? [namespace] : cluster.readiness), ...callerDeps],
        };

        // Everything the release references by name; it waits for all of them.
        const referenced: pulumi.Resource[] = [];
        // The data of every Secret, by name, for the checksum annotations that roll the pods reading them.
        const secretData: Record<string, pulumi.Output<Record<string, string>>> = {};
        const secret = (
            suffix: string,
            stringData: Record<string, pulumi.Input<string>>,
            extra: pulumi.CustomResourceOptions = {},
        ) => {
            secretData[suffix] = pulumi.output(stringData) as pulumi.Output<Record<string, string>>;
            const created = new k8s.core.v1.Secret(
                `${name}-${suffix}`,
                {
                    metadata: {
                        name: `${fullname}-${suffix}`,
                        namespace: ns,
                        labels: { "app.kubernetes.io/part-of": "airflow-platform" },
                    },
                    type: "Opaque",
                    stringData: Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, pulumi.secret(v)])),
                },
                { ...inNamespace, ...extra },
            );
            referenced.push(created);
            return created;
        };

        // --- Generated once: no keepers, so a later `pulumi up` never rotates them. ---------------------------------
        const fernetBytes = new random.RandomBytes(`${name}-fernet-key`, { length: 32 }, keep);
        const fernetKey = fernetBytes.base64.apply((b64) => b64.replace(/\+/g, "-").replace(/\//g, "_"));
        const password = (suffix: string, length: number, keepIt = false) =>
            new random.RandomPassword(
                `${name}-${suffix}`,
                { length, special: false },
                { parent: this, protect: keepIt && protect },
            );
        const webserverKey = password("webserver-secret-key", 48, true);
        const apiKey = password("api-secret-key", 48, true);
        const jwt = password("jwt-secret", 64, true);
        const redisPassword = password("redis-password", 32);
        const adminPassword = password("admin-password", 24);

        const secretNames: AirflowSecretNames = {
            fernetKey: `${fullname}-fernet-key`,
            webserverSecretKey: `${fullname}-webserver-secret-key`,
            apiSecretKey: `${fullname}-api-secret-key`,
            jwtSecret: `${fullname}-jwt-secret`,
            metadata: `${fullname}-metadata`,
            brokerUrl: `${fullname}-broker-url`,
            redisPassword: `${fullname}-redis-password`,
            adminPassword: `${fullname}-admin-password`,
        };
        const keepSecret: pulumi.CustomResourceOptions = { protect };
        secret("fernet-key", { [CHART_SECRET_KEYS.fernet]: fernetKey }, keepSecret);
        secret("webserver-secret-key", { [CHART_SECRET_KEYS.webserverSecretKey]: webserverKey.result }, keepSecret);
        secret("api-secret-key", { [CHART_SECRET_KEYS.apiSecretKey]: apiKey.result }, keepSecret);
        secret("jwt-secret", { [CHART_SECRET_KEYS.jwt]: jwt.result }, keepSecret);
        secret("redis-password", { [CHART_SECRET_KEYS.redisPassword]: redisPassword.result });
        secret("broker-url", {
            [CHART_SECRET_KEYS.connection]: pulumi.interpolate`redis://:${redisPassword.result}@${fullname}-redis:6379/0`,
        });
        secret("admin-password", { [CHART_SECRET_KEYS.adminPassword]: adminPassword.result });

        // --- Metadata database -------------------------------------------------------------------------------------
        const kedaRuns = airflow.keda !== undefined && exec.usesCelery && airflow.workers.autoscaling.enabled;
        const kedaDirect =
            kedaRuns && databaseMode === "managed" && airflow.workers.autoscaling.connection === "direct";
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
            secret("metadata", {
                [CHART_SECRET_KEYS.connection]: connections.apply((c) => c[CHART_SECRET_KEYS.connection]),
                ...(kedaDirect
                    ? {
                          [CHART_SECRET_KEYS.kedaConnection]: connections.apply(
                              (c) => c[CHART_SECRET_KEYS.kedaConnection],
                          ),
                      }
                    : {}),
            });
            secret("pgbouncer-config", {
                "pgbouncer.ini": pulumi
                    .all([database.host, database.port, database.database, user])
                    .apply(([host, port, db, u]) =>
                        pgbouncerIni({
                            releaseName,
                            host,
                            port,
                            database: db,
                            user: u,
                            production: airflow.production,
                        }),
                    ),
                "users.txt": pulumi.interpolate`"${user}" "${database.password}"\n`,
            });
            secret("pgbouncer-stats", {
                [CHART_SECRET_KEYS.connection]: pulumi.interpolate`postgresql://${user.apply(encodeURIComponent)}:${database.password.apply(
                    encodeURIComponent,
                )}@127.0.0.1:${AIRFLOW_PORTS.pgbouncer}/pgbouncer?sslmode=disable`,
            });
            secretNames.pgbouncerConfig = `${fullname}-pgbouncer-config`;
            secretNames.pgbouncerStats = `${fullname}-pgbouncer-stats`;
        } else {
            const postgresPassword = password("postgres-password", 32);
            secret("postgres-auth", { [CHART_SECRET_KEYS.postgresPassword]: postgresPassword.result });
            secret("metadata", {
                [CHART_SECRET_KEYS.connection]: pulumi.all([ns, postgresPassword.result]).apply(
                    ([namespace, pass]) =>
                        metadataConnections({
                            releaseName,
                            namespace,
                            user: "postgres",
                            password: pass,
                            kedaDirect: false,
                        }).connection,
                ),
            });
            secretNames.postgresAuth = `${fullname}-postgres-auth`;
        }

        // --- git-sync credentials ----------------------------------------------------------------------------------
        const credentials = airflow.dags.credentials;
        if (credentials.kind === "ssh") {
            // git-sync reads the key file verbatim; a key pasted without its final newline is rejected by ssh.
            secret("git-credentials", {
                [CHART_SECRET_KEYS.gitSshKey]: pulumi
                    .output(credentials.privateKey)
                    .apply((k) => (k.endsWith("\n") ? k : `${k}\n`)),
            });
            secretNames.gitCredentials = `${fullname}-git-credentials`;
        } else if (credentials.kind === "https") {
            const { username, token } = credentials;
            // git-sync v4 reads GITSYNC_*, v3 GIT_SYNC_*; the chart references all four keys, so all four must exist.
            secret("git-credentials", {
                GITSYNC_USERNAME: username,
                GITSYNC_PASSWORD: token,
                GIT_SYNC_USERNAME: username,
                GIT_SYNC_PASSWORD: token,
            });
            secretNames.gitCredentials = `${fullname}-git-credentials`;
        }

        // --- Flower ------------------------------------------------------------------------------------------------
        const flowerRuns = airflow.flower.enabled && exec.usesCelery;
        if (flowerRuns) {
            const flowerPassword = password("flower-password", 24);
            secret("flower", {
                [CHART_SECRET_KEYS.flowerBasicAuth]: pulumi.interpolate`admin:${flowerPassword.result}`,
            });
            secretNames.flower = `${fullname}-flower`;
        }

        // --- Logs --------------------------------------------------------------------------------------------------
        let logs: pulumi.Output<LogsPlan>;
        if (airflow.logs.kind === "shared-volume") {
            const claim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-logs`,
                {
                    metadata: {
                        name: `${fullname}-logs`,
                        namespace: ns,
                        // RWX classes often bind on first consumer; the release is that consumer, so do not wait here.
                        annotations: { "pulumi.com/skipAwait": "true" },
                    },
                    spec: {
                        accessModes: ["ReadWriteMany"],
                        storageClassName: cluster.sharedStorageClassName,
                        resources: { requests: { storage: airflow.logs.size } },
                    },
                },
                { ...inNamespace, protect },
            );
            referenced.push(claim);
            logs = claim.metadata.name.apply((claimName) => ({ mode: "shared-volume" as const, claimName }));
        } else {
            const baseFolder = airflow.logs.baseFolder;
            const bucket = baseFolder.replace(/^(s3|gs):\/\//, "").split("/")[0];
            const serviceAccounts: Record<LogWriter, string> = {
                workers: `${fullname}-worker`,
                scheduler: `${fullname}-scheduler`,
                triggerer: `${fullname}-triggerer`,
                dagProcessor: `${fullname}-dag-processor`,
                // The chart names the UI's service account like its Service.
                ui: services.ui,
            };
            const bindings: [LogWriter, ServiceAccountBinding][] = LOG_WRITERS.map((who) => [
                who,
                cluster.bindServiceAccount({
                    name: `${name}-logs-${who.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
                    namespace: ns,
                    serviceAccountName: serviceAccounts[who],
                    bucketAccess: [bucket],
                }),
            ]);
            logs = pulumi.all(bindings.map(([, b]) => b.annotations)).apply((annotations) => ({
                mode: "remote" as const,
                baseFolder,
                serviceAccountAnnotations: Object.fromEntries(bindings.map(([who], i) => [who, annotations[i]])),
            }));
        }

        // --- The release -------------------------------------------------------------------------------------------
        // Checksums are unknown until the generated secrets exist: only their annotation leaves wait, the rest of the
        // values stays readable in a preview.
        const groups = (Object.keys(SECRETS_READ_BY) as (keyof SecretChecksums)[]).filter((group) =>
            SECRETS_READ_BY[group].some((suffix) => secretData[suffix] !== undefined),
        );
        const placeholders = Object.fromEntries(
            groups.map((group) => [group, `[checksum of the ${group} secrets]`]),
        ) as unknown as SecretChecksums;
        const valuesInput = (logsPlan: LogsPlan, blockStorageClassName: string | undefined): AirflowValuesInput => ({
            airflow,
            releaseName,
            placement: cluster.placement,
            databaseMode,
            secretNames,
            logs: logsPlan,
            baseUrl: airflow.baseUrl,
            statsdMappings: airflowStatsdMappings({ ttl: airflow.statsd.mappingTtl, prefix: AIRFLOW_STATSD_PREFIX }),
            statsdPrefix: AIRFLOW_STATSD_PREFIX,
            statsdExporterImageTag: airflow.statsd.exporterImageTag,
            flowerUrlPrefix: flowerRuns ? airflow.flower.urlPrefix : undefined,
            production: airflow.production,
            blockStorageClassName,
            kedaInstalled: kedaRuns,
            secretChecksums: placeholders,
        });
        const resolved = pulumi
            .all([logs, cluster.blockStorageClassName])
            .apply(([logsPlan, blockStorageClassName]) => airflowValues(valuesInput(logsPlan, blockStorageClassName)));
        const leaves = new Map<unknown, pulumi.Output<string>>(
            groups.map((group) => [placeholders[group], secretsChecksum(secretData, SECRETS_READ_BY[group])]),
        );
        // The tree's shape does not depend on the log plan or the storage class: any stand-in gives the same keys.
        const shape = airflowValues(valuesInput({ mode: "shared-volume", claimName: "" }, undefined));
        const values = spliceOutputs(resolved, shape, leaves);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: releaseName,
                namespace: ns,
                chart: "airflow",
                version: airflow.chartVersion,
                repositoryOpts: { repo: AIRFLOW_CHART_REPO },
                values,
                // No `--wait`: Helm runs post-install/upgrade hooks only after the wait, and every Airflow pod waits for
                // the migration hook in an init container, so waiting would deadlock (apache/airflow#32003). Helm still
                // waits for the hook Jobs themselves and fails the release if the migration fails.
                skipAwait: true,
                // Airflow's migrations only go forward: rolling a failed upgrade back to the old image would run old code
                // on a new schema, so no `atomic`; `cleanupOnFail` removes what a failed upgrade added.
                atomic: false,
                cleanupOnFail: true,
                // For the hooks: the migration, image pulls and a spot node scale-up can take several minutes.
                timeout: 900,
                maxHistory: 10,
            },
            {
                ...inNamespace,
                // The ScaledObject's CRD comes with the KEDA release.
                dependsOn: [
                    ...(namespace ? [namespace] : []),
                    ...cluster.readiness,
                    ...callerDeps,
                    ...referenced,
                    ...(kedaRuns && airflow.keda !== true && airflow.keda ? [airflow.keda] : []),
                ],
            },
        );

        this.namespace = ns;
        this.releaseName = this.release.name;
        this.executor = exec.executor;
        this.uiServiceName = pulumi.output(services.ui);
        this.uiServicePort = pulumi.output(AIRFLOW_PORTS.ui);
        if (flowerRuns) {
            this.flowerServiceName = pulumi.output(services.flower);
            this.flowerServicePort = pulumi.output(AIRFLOW_PORTS.flower);
        }
        this.statsdServiceName = pulumi.output(services.statsd);
        // `ns` carries the Namespace: a ServiceMonitor made from these facts waits for it.
        this.statsd = ns.apply((namespace) => statsdService(namespace, releaseName, services.statsd));
        this.adminPassword = pulumi.secret(adminPassword.result);
        this.registerOutputs({
            namespace: this.namespace,
            releaseName: this.releaseName,
            uiServiceName: this.uiServiceName,
            uiServicePort: this.uiServicePort,
            flowerServiceName: this.flowerServiceName,
            flowerServicePort: this.flowerServicePort,
            statsdServiceName: this.statsdServiceName,
            statsd: this.statsd,
            adminPassword: this.adminPassword,
        });
    }
}
