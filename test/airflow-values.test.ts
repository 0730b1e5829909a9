/**
 * The Airflow chart's values as a pure function of config: executor per Airflow version, placement, requests,
 * git-sync wiring, logs, metrics, and validity against the chart's own values.schema.json (vendored).
 */
import Ajv, { ValidateFunction } from "ajv";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    AIRFLOW_PORTS,
    AirflowSecretNames,
    AirflowValuesInput,
    airflowServiceNames,
    airflowValues,
    checksumOf,
    executorSetting,
} from "../components/airflow/values";
import { withAirflowDefaults } from "../components/airflow/args";
import type { PoolPlacements } from "../components/cluster/types";
import { AIRFLOW_STATSD_PREFIX, airflowStatsdMappings } from "@airflow-platform/airflow-mixin";
import { AIRFLOW_STATSD_SERVICE } from "../components/airflow/statsd-service";
import { airflowSettings } from "../stacks/args/airflow";
import { StackConfig, parseStackConfig } from "../stacks/config";
import { chartValuesSchema, configError } from "./harness";
import { readStackFile } from "../tools/offline/runtime";

/** A hand-made placement shaped like the cluster layer's: a capacity label, and a taint on spot only. */
const PLACEMENT: PoolPlacements = {
    onDemand: { nodeSelector: { "airflow-platform/capacity": "on-demand" }, tolerations: [] },
    spot: {
        nodeSelector: { "airflow-platform/capacity": "spot" },
        tolerations: [{ key: "cloud.google.com/gke-spot", operator: "Equal", value: "true", effect: "NoSchedule" }],
    },
};

const SECRET_NAMES: AirflowSecretNames = {
    fernetKey: "airflow-fernet-key",
    webserverSecretKey: "airflow-webserver-secret-key",
    apiSecretKey: "airflow-api-secret-key",
    jwtSecret: "airflow-jwt-secret",
    metadata: "airflow-metadata",
    brokerUrl: "airflow-broker-url",
    redisPassword: "airflow-redis-password",
    adminPassword: "airflow-admin-password",
    gitCredentials: "airflow-git-credentials",
    pgbouncerConfig: "airflow-pgbouncer-config",
    pgbouncerStats: "airflow-pgbouncer-stats",
    postgresAuth: "airflow-postgres-auth",
};

function stackConfig(
    stack: string,
    airflow: Record<string, unknown> = {},
    more: Record<string, unknown> = {},
    secrets?: Record<string, string>,
): StackConfig {
    const file = readStackFile(stack);
    const base = file.config.airflow as Record<string, unknown>;
    return parseStackConfig(
        stack,
        { ...file.config, airflow: { ...base, ...airflow }, ...more },
        secrets ?? file.secrets,
    );
}

function input(config: StackConfig, overrides: Partial<AirflowValuesInput> = {}): AirflowValuesInput {
    return {
        airflow: withAirflowDefaults(airflowSettings(config)),
        releaseName: "airflow",
        placement: PLACEMENT,
        databaseMode: config.database.mode,
        secretNames: SECRET_NAMES,
        logs: { mode: "shared-volume", claimName: "airflow-logs" },
        baseUrl: "https://airflow.example.com",
        statsdMappings: airflowStatsdMappings({ ttl: config.monitoring.statsdMappingTtl }),
        statsdPrefix: AIRFLOW_STATSD_PREFIX,
        statsdExporterImageTag: config.monitoring.statsdExporterImageTag,
        production: config.production,
        ...overrides,
    };
}

type Obj = Record<string, any>;

function valuesOf(
    stack: string,
    airflow: Record<string, unknown> = {},
    overrides: Partial<AirflowValuesInput> = {},
): Obj {
    return airflowValues(input(stackConfig(stack, airflow), overrides)) as Obj;
}

/** Every (path, value) pair in a values tree. */
function walk(value: unknown, visit: (path: string[], value: unknown) => void, at: string[] = []): void {
    visit(at, value);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, [...at, String(i)]));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, visit, [...at, k]);
}

const AIRFLOW_2 = { version: "2.11.0" };

describe("airflow values: executor", () => {
    it("celery-kubernetes is the multi-executor on Airflow 3, with no CeleryKubernetesExecutor config", () => {
        const values = valuesOf("dev");
        expect(values.executor).to.equal("CeleryExecutor,KubernetesExecutor");
        expect(values.config).not.to.have.property("celery_kubernetes_executor");
        expect(values.airflowVersion).to.equal("3.1.8");
    });

    it("celery-kubernetes is CeleryKubernetesExecutor on Airflow 2, with its kubernetes_queue", () => {
        const values = valuesOf("dev", AIRFLOW_2);
        expect(values.executor).to.equal("CeleryKubernetesExecutor");
        expect(values.config.celery_kubernetes_executor).to.deep.equal({ kubernetes_queue: "kubernetes" });
        const custom = valuesOf("dev", { ...AIRFLOW_2, kubernetesQueue: "k8s-pods" });
        expect(custom.config.celery_kubernetes_executor.kubernetes_queue).to.equal("k8s-pods");
    });

    it("plain celery and kubernetes map to one executor each; Redis runs only with Celery", () => {
        expect(valuesOf("dev", { executor: "celery" }).executor).to.equal("CeleryExecutor");
        const k8s = valuesOf("dev", { executor: "kubernetes" });
        expect(k8s.executor).to.equal("KubernetesExecutor");
        expect(k8s.redis.enabled).to.equal(false);
        expect(valuesOf("dev").redis.enabled).to.equal(true);
    });

    it("the explicit forms: CeleryKubernetesExecutor on 2.x, the multi-executor on 2.11", () => {
        expect(
            executorSetting({ executor: "CeleryKubernetesExecutor", majorVersion: 2, kubernetesQueue: "q" }).executor,
        ).to.equal("CeleryKubernetesExecutor");
        expect(valuesOf("dev", { ...AIRFLOW_2, executor: "CeleryExecutor,KubernetesExecutor" }).executor).to.equal(
            "CeleryExecutor,KubernetesExecutor",
        );
    });

    it("CeleryKubernetesExecutor on Airflow 3 is a ConfigError that says why and what to use", () => {
        const err = configError(() => stackConfig("dev", { executor: "CeleryKubernetesExecutor" }));
        const issue = err.issues.find((i) => i.key === "airflow-platform:airflow.executor");
        expect(issue, err.message).to.exist;
        expect(issue!.message).to.match(/Airflow 3 removed CeleryKubernetesExecutor/);
        expect(issue!.message).to.include('"celery-kubernetes"');
        expect(issue!.value).to.equal("CeleryKubernetesExecutor");
    });

    it("chart 1.20.0 refuses Airflow before 2.11.0: a ConfigError on airflow.version with the chart's own reason; 2.11.x and 3.x pass", () => {
        for (const version of ["2.10.5", "2.9.3", "2.0.0"]) {
            const err = configError(() => stackConfig("dev", { version }));
            const issue = err.issues.find((i) => i.key === "airflow-platform:airflow.version");
            expect(issue, err.message).to.exist;
            expect(issue!.message).to.include("This chart only supports Apache Airflow version 2.11.0 and above.");
            expect(issue!.value).to.equal(version);
        }
        for (const version of ["2.11.0", "2.11.1", "3.0.6", "3.1.8"])
            expect(() => stackConfig("dev", { version }), version).not.to.throw();
        // Above the chart's appVersion minor (3.1): Airflow 3.2 came with chart 1.22.0, and 3.9.9 does not exist.
        for (const version of ["3.2.0", "3.9.9", "4.0.0"]) {
            const err = configError(() => stackConfig("dev", { version }));
            const issue = err.issues.find((i) => i.key === "airflow-platform:airflow.version");
            expect(issue, `${version}: ${err.message}`).to.exist;
            expect(issue!.value).to.equal(version);
        }
        expect(configError(() => stackConfig("dev", { version: "3.2.0" })).message).to.match(
            /2\.11\.0 to 3\.1\.x.*airflow\.chartVersion/,
        );
        // The multi-executor needs 2.10, which the chart no longer installs: from 2.11 on both executor forms pass.
        expect(() =>
            stackConfig("dev", { version: "2.11.0", executor: "CeleryExecutor,KubernetesExecutor" }),
        ).not.to.throw();
    });

    it("credential mismatches are ConfigErrors naming the key", () => {
        const sshWithoutHosts = configError(() =>
            stackConfig(
                "dev",
                { dags: { repo: "git@github.com:a/b.git", credentials: "ssh" } },
                {},
                { dagsGitSshKey: "k" },
            ),
        );
        expect(sshWithoutHosts.issues.map((i) => i.key)).to.include("airflow-platform:airflow.dags.knownHosts");
        const strayToken = configError(() => stackConfig("dev", {}, {}, { dagsGitToken: "t" }));
        expect(strayToken.issues.map((i) => i.key)).to.include("airflow-platform:dagsGitToken");
        const flower = configError(() => stackConfig("dev", { executor: "kubernetes", flower: { enabled: true } }));
        expect(flower.issues.map((i) => i.key)).to.include("airflow-platform:airflow.flower.enabled");
    });

    it("task pod sizing that the chart would ignore is a ConfigError; with the KubernetesExecutor alone it sizes the pods", () => {
        const taskSize = { kubernetesTask: { cpu: "2", memory: "8Gi" } };
        const ignored = configError(() => stackConfig("dev", { resources: taskSize }));
        expect(ignored.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:airflow.resources.kubernetesTask"]);
        expect(ignored.message).to.contain("resources.workers");
        const values = valuesOf("dev", { executor: "kubernetes", resources: taskSize });
        expect(values.workers.resources.requests).to.deep.equal({ cpu: "2", memory: "8Gi" });
    });
});

describe("airflow values: placement and resources", () => {
    // Components that run pods, per Airflow major version; each must be pinned to on-demand nodes.
    const controlPlane = (v3: boolean) => [
        "scheduler",
        v3 ? "apiServer" : "webserver",
        "dagProcessor",
        "triggerer",
        "redis",
        "pgbouncer",
        "statsd",
        "flower",
        "migrateDatabaseJob",
        "createUserJob",
        "cleanup",
        "databaseCleanup",
    ];

    for (const [label, airflow] of [
        ["3.x", {}],
        ["2.x", AIRFLOW_2],
    ] as const) {
        it(`${label}: the control plane selects on-demand nodes and does not tolerate spot`, () => {
            const values = valuesOf("dev", airflow);
            for (const component of controlPlane(label === "3.x")) {
                expect(values[component].nodeSelector, component).to.deep.equal(PLACEMENT.onDemand.nodeSelector);
                expect(values[component].tolerations, component).to.deep.equal([]);
            }
            expect(values.postgresql.primary.nodeSelector).to.deep.equal(PLACEMENT.onDemand.nodeSelector);
            // The chart-wide defaults (for anything without its own placement) are on-demand too.
            expect(values.nodeSelector).to.deep.equal(PLACEMENT.onDemand.nodeSelector);
        });

        it(`${label}: Celery workers and the KubernetesExecutor pod template (both read \`workers\`) select and tolerate spot`, () => {
            const values = valuesOf("dev", airflow);
            expect(values.workers.nodeSelector).to.deep.equal(PLACEMENT.spot.nodeSelector);
            expect(values.workers.tolerations).to.deep.equal(PLACEMENT.spot.tolerations);
            expect(
                values.workers.terminationGracePeriodSeconds,
                "an hour: a scale-down's warm shutdown lets hour-long tasks finish",
            ).to.equal(3600);
        });
    }

    it("only the workers' section tolerates the spot taint, anywhere in the values", () => {
        for (const values of [valuesOf("prod-eks"), valuesOf("dev", AIRFLOW_2)]) {
            const spotTolerations: string[] = [];
            walk(values, (at, value) => {
                if (
                    at[at.length - 1] === "tolerations" &&
                    Array.isArray(value) &&
                    value.some((t) => t.key === "cloud.google.com/gke-spot")
                )
                    spotTolerations.push(at.join("."));
            });
            expect(spotTolerations).to.deep.equal(["workers.tolerations"]);
        }
    });

    it("workers get the configured warm-shutdown grace period", () => {
        expect(
            valuesOf("dev", { workers: { terminationGracePeriodSeconds: 3600 } }).workers.terminationGracePeriodSeconds,
        ).to.equal(3600);
    });

    it("every container the chart runs gets explicit requests, sized from config (small in dev, production in prod)", () => {
        const dev = valuesOf("dev");
        const prod = valuesOf("prod-gke");
        const sections = [
            "scheduler",
            "scheduler.logGroomerSidecar",
            "apiServer",
            "dagProcessor",
            "triggerer",
            "workers",
            "redis",
            "pgbouncer",
            "statsd",
            "flower",
            "dags.gitSync",
            "migrateDatabaseJob",
            "createUserJob",
        ];
        const dig = (o: Obj, p: string) => p.split(".").reduce((x, k) => x[k], o);
        for (const section of sections) {
            for (const values of [dev, prod]) {
                const requests = dig(values, section).resources?.requests;
                expect(requests?.cpu, section).to.be.a("string");
                expect(requests?.memory, section).to.be.a("string");
            }
        }
        expect(dig(prod, "pgbouncer.metricsExporterSidecar").resources.requests.cpu).to.be.a("string");
        expect(dev.postgresql.primary.resources.requests).to.deep.equal({ cpu: "100m", memory: "256Mi" });
        expect(dev.scheduler.resources).to.deep.equal({
            requests: { cpu: "250m", memory: "512Mi" },
            limits: { memory: "512Mi" },
        });
        expect(prod.scheduler.resources.requests).to.deep.equal({ cpu: "1", memory: "2Gi" });
        // No `resources` block anywhere without requests.
        walk(prod, (at, value) => {
            if (
                at[at.length - 1] === "resources" &&
                value &&
                typeof value === "object" &&
                !Array.isArray(value) &&
                at[0] !== "config"
            )
                expect((value as Obj).requests, at.join(".")).to.have.keys("cpu", "memory");
        });
    });

    it("task pods take the kubernetesTask requests when no Celery worker shares the `workers` section", () => {
        const k8s = valuesOf("dev", {
            executor: "kubernetes",
            resources: { kubernetesTask: { cpu: "300m", memory: "700Mi" } },
        });
        expect(k8s.workers.resources.requests).to.deep.equal({ cpu: "300m", memory: "700Mi" });
    });

    it("prod runs the configured replicas with disruption budgets; dev runs one of each", () => {
        const prod = valuesOf("prod-eks");
        expect(prod.scheduler.replicas).to.equal(2);
        expect(prod.apiServer.replicas).to.equal(2);
        expect(prod.scheduler.podDisruptionBudget.enabled).to.equal(true);
        expect(prod.workers.replicas, "no KEDA in this input: the default fixed count").to.equal(1);
        const dev = valuesOf("dev");
        expect(dev.scheduler.replicas).to.equal(1);
        expect(dev.scheduler.podDisruptionBudget.enabled).to.equal(false);
    });
});

describe("airflow values: DAGs, database, secrets, logs, metrics, URLs", () => {
    it("git-sync follows the configured repo, branch, subPath and period", () => {
        const gitSync = valuesOf("dev", {
            dags: { repo: "https://github.com/acme/dags.git", branch: "release", subPath: "src/dags", period: "30s" },
        }).dags.gitSync;
        expect(gitSync).to.include({
            enabled: true,
            repo: "https://github.com/acme/dags.git",
            branch: "release",
            ref: "release",
            subPath: "src/dags",
            period: "30s",
        });
        expect(gitSync).not.to.have.any.keys("sshKeySecret", "credentialsSecret", "sshKey");
    });

    it("ssh credentials: the chart mounts the component's Secret; known_hosts is checked", () => {
        const gitSync = valuesOf("prod-eks").dags.gitSync;
        expect(gitSync.sshKeySecret).to.equal(SECRET_NAMES.gitCredentials);
        expect(gitSync.knownHosts).to.match(/^github\.com ssh-ed25519 /);
        expect(gitSync).not.to.have.any.keys("sshKey", "credentialsSecret");
    });

    it("https credentials: the chart reads username and token from the component's Secret", () => {
        const config = stackConfig(
            "dev",
            { dags: { repo: "https://github.com/acme/dags.git", credentials: "https", username: "ci-bot" } },
            {},
            { dagsGitToken: "t" },
        );
        const gitSync = (airflowValues(input(config)) as Obj).dags.gitSync;
        expect(gitSync.credentialsSecret).to.equal(SECRET_NAMES.gitCredentials);
        expect(gitSync).not.to.have.any.keys("sshKeySecret");
    });

    it("every key and connection reaches the chart as a Secret name, never as a value", () => {
        for (const values of [valuesOf("dev"), valuesOf("prod-gke")]) {
            expect(values).to.include({
                fernetKeySecretName: SECRET_NAMES.fernetKey,
                webserverSecretKeySecretName: SECRET_NAMES.webserverSecretKey,
                apiSecretKeySecretName: SECRET_NAMES.apiSecretKey,
                jwtSecretName: SECRET_NAMES.jwtSecret,
            });
            expect(values).not.to.have.any.keys("fernetKey", "webserverSecretKey", "apiSecretKey", "jwtSecret");
            expect(values.data).to.deep.equal({
                metadataSecretName: SECRET_NAMES.metadata,
                brokerUrlSecretName: SECRET_NAMES.brokerUrl,
            });
            expect(values.redis.passwordSecretName).to.equal(SECRET_NAMES.redisPassword);
            expect(values.redis).not.to.have.property("password");
            // The admin password: Kubernetes expands $(VAR) in the job's args from an env var read from a Secret.
            expect(values.createUserJob.defaultUser.password).to.equal("$(AIRFLOW_ADMIN_PASSWORD)");
            expect(values.createUserJob.env).to.deep.equal([
                {
                    name: "AIRFLOW_ADMIN_PASSWORD",
                    valueFrom: { secretKeyRef: { name: SECRET_NAMES.adminPassword, key: "password" } },
                },
            ]);
        }
    });

    it("dev uses the bundled Postgres with a generated password; prod goes through PgBouncer to the managed database", () => {
        const dev = valuesOf("dev");
        expect(dev.postgresql.enabled).to.equal(true);
        expect(dev.postgresql.auth.existingSecret).to.equal(SECRET_NAMES.postgresAuth);
        expect(dev.postgresql.auth).not.to.have.property("postgresPassword");
        expect(dev.pgbouncer.enabled).to.equal(false);
        const prod = valuesOf("prod-eks");
        expect(prod.postgresql).to.deep.equal({ enabled: false });
        expect(prod.pgbouncer).to.include({ enabled: true, configSecretName: SECRET_NAMES.pgbouncerConfig });
        expect(prod.pgbouncer.metricsExporterSidecar.statsSecretName).to.equal(SECRET_NAMES.pgbouncerStats);
    });

    it("logs: the shared volume by claim name, or remote logging to the bucket with the identities' annotations", () => {
        const shared = valuesOf("dev");
        expect(shared.logs).to.deep.equal({ persistence: { enabled: true, existingClaim: "airflow-logs" } });
        expect(shared.workers.persistence.enabled).to.equal(false);
        expect(shared.triggerer.persistence.enabled).to.equal(false);

        const annotation = { "iam.gke.io/gcp-service-account": "airflow-logs@acme.iam.gserviceaccount.com" };
        const remote = valuesOf(
            "dev",
            { logs: { mode: "remote", remoteBaseFolder: "gs://acme-logs/airflow" } },
            {
                logs: {
                    mode: "remote",
                    baseFolder: "gs://acme-logs/airflow",
                    serviceAccountAnnotations: {
                        workers: annotation,
                        scheduler: annotation,
                        triggerer: annotation,
                        dagProcessor: annotation,
                        ui: annotation,
                    },
                },
            },
        );
        expect(remote.logs.persistence.enabled).to.equal(false);
        expect(remote.config.logging).to.deep.equal({
            remote_logging: "True",
            delete_local_logs: "True",
            remote_base_log_folder: "gs://acme-logs/airflow",
            remote_log_conn_id: "google_cloud_default",
        });
        for (const component of ["workers", "scheduler", "triggerer", "dagProcessor", "apiServer"])
            expect(remote[component].serviceAccount.annotations, component).to.deep.equal(annotation);
    });

    it("statsd: on, and host, port and prefix agree with the chart's exporter and the mapping", () => {
        for (const values of [valuesOf("dev"), valuesOf("dev", AIRFLOW_2)]) {
            expect(values.statsd.enabled).to.equal(true);
            expect(values.config.metrics).to.deep.equal({
                statsd_on: "True",
                statsd_host: airflowServiceNames("airflow", 3).statsd,
                statsd_port: String(AIRFLOW_STATSD_SERVICE.ingestPort.port),
                statsd_prefix: AIRFLOW_STATSD_PREFIX,
            });
            const globs = (values.statsd.overrideMappings as { match: string; match_type?: string }[]).filter(
                (m) => m.match_type !== "regex",
            );
            expect(globs.length).to.be.greaterThan(10);
            for (const m of globs) expect(m.match.startsWith(`${AIRFLOW_STATSD_PREFIX}.`), m.match).to.equal(true);
        }
    });

    it("statsd: the exporter image is pinned to the tag the mapping is written for (monitoring.statsdExporterImageTag)", () => {
        expect(valuesOf("dev").images.statsd).to.deep.equal({
            repository: "quay.io/prometheus/statsd-exporter",
            tag: "v0.28.0",
        });
        const pinned = airflowValues(
            input(stackConfig("dev", {}, { monitoring: { statsdExporterImageTag: "v0.27.2" } }), {
                statsdExporterImageTag: "v0.27.2",
            }),
        ) as Obj;
        expect(pinned.images.statsd.tag).to.equal("v0.27.2");
    });

    it("base_url goes to [api] on 3.x and [webserver] on 2.x, the Execution API URL is the chart's; extraConfig is merged last", () => {
        expect(valuesOf("dev").config.api).to.deep.equal({ base_url: "https://airflow.example.com" });
        expect(valuesOf("dev", AIRFLOW_2).config.webserver).to.deep.equal({ base_url: "https://airflow.example.com" });
        expect(valuesOf("dev", {}, { baseUrl: undefined }).config).not.to.have.property("api");
        // configmap.yaml sets [core] execution_api_server_url to the API server's Service with base_url's sub-path
        // when the values leave it unset (3.x); a hand-set one would drop the sub-path.
        expect(valuesOf("dev").config.core).not.to.have.property("execution_api_server_url");
        expect(valuesOf("dev", AIRFLOW_2).config.core).not.to.have.property("execution_api_server_url");
        const extra = valuesOf("dev", {
            extraConfig: { core: { parallelism: "64" }, celery: { worker_prefetch_multiplier: "1" } },
        }).config;
        expect(extra.core).to.include({ parallelism: "64" });
        expect(extra.celery.worker_prefetch_multiplier).to.equal("1");
    });

    it("extraConfig that would break the render or bypass a check is a ConfigError naming airflow.extraConfig.<section>.<key>", () => {
        const refused = (extraConfig: Record<string, Record<string, string>>, key: string, says: RegExp) => {
            const err = configError(() => stackConfig("prod-gke", { extraConfig }));
            const issue = err.issues.find((i) => i.key === `airflow-platform:airflow.extraConfig.${key}`);
            expect(issue, `${key}: ${err.message}`).to.not.equal(undefined);
            expect(issue!.message, key).to.match(says);
        };
        // NOTES.txt: `if ne .Values.executor (tpl .Values.config.core.executor $)` fails the release.
        refused({ core: { executor: "CeleryExecutor" } }, "core.executor", /airflow\.executor/);
        // configmaps/configmap.yaml renders every value with `tpl`: braces are template code, not text.
        refused({ core: { dags_folder: "/opt/{{ .Release.Name }}" } }, "core.dags_folder", /tpl/);
        refused({ logging: { log_format: "[%(asctime)s] {{x}}" } }, "logging.log_format", /\{\{/);
        // The memory check on airflow.workers.concurrency would not see it.
        refused({ celery: { worker_concurrency: "64" } }, "celery.worker_concurrency", /airflow\.workers\.concurrency/);
        // A value on two lines leaves the airflow.cfg block of the ConfigMap.
        refused({ core: { parallelism: "64\nbroken" } }, "core.parallelism", /one line/);
        expect(() =>
            stackConfig("prod-gke", {
                extraConfig: { core: { parallelism: "64" }, logging: { log_format: "{asctime} %(message)s" } },
            }),
        ).to.not.throw();
    });

    it("Flower: basic auth from the component's Secret, served under the load balancer's path", () => {
        const values = valuesOf(
            "prod-eks",
            { flower: { enabled: true } },
            { flowerUrlPrefix: "/flower", secretNames: { ...SECRET_NAMES, flower: "airflow-flower" } },
        );
        expect(values.flower).to.include({ enabled: true, secretName: "airflow-flower" });
        expect(values.flower).not.to.have.any.keys("username", "password");
        expect(values.config.celery.flower_url_prefix).to.equal("/flower");
        expect(valuesOf("dev").flower.enabled).to.equal(false);
        expect(valuesOf("dev").config.celery).not.to.have.property("flower_url_prefix");
    });

    it("the image and the chart's airflowVersion follow airflow.version (and image.tag for a custom image)", () => {
        const values = valuesOf("dev", {
            version: "3.1.8",
            image: { repository: "ghcr.io/acme/airflow", tag: "3.1.8-acme.4" },
        });
        expect(values).to.include({
            airflowVersion: "3.1.8",
            defaultAirflowRepository: "ghcr.io/acme/airflow",
            defaultAirflowTag: "3.1.8-acme.4",
        });
        expect(values.images.airflow).to.deep.equal({ repository: "ghcr.io/acme/airflow", tag: "3.1.8-acme.4" });
    });
});

describe("airflow values: valid for the pinned chart (values.schema.json)", () => {
    it("the ports the program talks to are the chart's defaults (it never sets `ports`)", () => {
        const schema = chartValuesSchema() as unknown as {
            properties: { ports: { properties: Record<string, { default: number }> } };
        };
        const chartPort = (key: string) => schema.properties.ports.properties[key].default;
        expect(airflowValues(input(stackConfig("dev"))), "no ports override").not.to.have.property("ports");
        expect([chartPort("statsdIngest"), chartPort("statsdScrape")]).to.deep.equal([
            AIRFLOW_STATSD_SERVICE.ingestPort.port,
            AIRFLOW_STATSD_SERVICE.scrapePort.port,
        ]);
        expect([
            chartPort("apiServer"),
            chartPort("airflowUI"),
            chartPort("flowerUI"),
            chartPort("pgbouncer"),
        ]).to.deep.equal([AIRFLOW_PORTS.ui, AIRFLOW_PORTS.ui, AIRFLOW_PORTS.flower, AIRFLOW_PORTS.pgbouncer]);
    });

    let validate: ValidateFunction;
    before(() => {
        // Draft-07 and large: compile once. Vendored (see test/fixtures/airflow-chart/README.md).
        const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
        validate = ajv.compile(chartValuesSchema());
    });

    const cases: [string, string, Record<string, unknown>, Partial<AirflowValuesInput>][] = [
        ["dev (3.x, celery-kubernetes, bundled Postgres)", "dev", {}, {}],
        ["prod-gke (3.x, managed database, ssh)", "prod-gke", {}, {}],
        [
            "prod-eks (3.x, managed database, ssh, Flower)",
            "prod-eks",
            { flower: { enabled: true } },
            { secretNames: { ...SECRET_NAMES, flower: "airflow-flower" } },
        ],
        ["devspace-demo (3.x, kubernetes)", "devspace-demo", {}, {}],
        ["2.x CeleryKubernetesExecutor", "dev", AIRFLOW_2, {}],
        ["2.x celery, prod sizes", "prod-gke", { ...AIRFLOW_2, executor: "celery" }, {}],
        ["2.x kubernetes", "dev", { ...AIRFLOW_2, executor: "kubernetes" }, {}],
        ["2.x multi-executor", "dev", { ...AIRFLOW_2, executor: "CeleryExecutor,KubernetesExecutor" }, {}],
        [
            "3.x remote logs",
            "dev",
            { logs: { mode: "remote", remoteBaseFolder: "gs://acme-logs/airflow" } },
            {
                logs: {
                    mode: "remote",
                    baseFolder: "gs://acme-logs/airflow",
                    serviceAccountAnnotations: { workers: { a: "b" } },
                },
            },
        ],
    ];
    for (const [label, stack, airflow, overrides] of cases) {
        it(`accepts ${label}`, () => {
            const values = valuesOf(stack, airflow, overrides);
            expect(validate(values), JSON.stringify(validate.errors, null, 1)).to.equal(true);
        });
    }

    it("accepts https git credentials (3.x and 2.x)", () => {
        for (const version of ["3.1.8", "2.11.0"]) {
            const config = stackConfig(
                "dev",
                {
                    version,
                    dags: { repo: "https://github.com/acme/dags.git", credentials: "https", username: "ci-bot" },
                },
                {},
                { dagsGitToken: "t" },
            );
            const values = airflowValues(input(config));
            expect(validate(values), JSON.stringify(validate.errors, null, 1)).to.equal(true);
        }
    });

    it("rejects what helm install would reject (the check is not vacuous)", () => {
        const values = valuesOf("dev");
        expect(validate({ ...values, workers: { ...values.workers, replica: 2 } })).to.equal(false);
        expect(validate({ ...values, executor: "CeleryExecutor, KubernetesExecutor" })).to.equal(false);
    });
});

/** Every reference platform stack: each runs Celery workers on spot. */
const PLATFORM_STACKS = ["dev", "prod-gke", "prod-eks"];

describe("airflow values: spot reclaim, logs of running tasks, worker memory", () => {
    it("[core] hostname_callable is the pod IP in every reference stack: a worker Deployment pod has no DNS name the API server could resolve", () => {
        for (const stack of PLATFORM_STACKS) {
            const core = valuesOf(stack).config.core;
            expect(core.hostname_callable, stack).to.equal("airflow.utils.net.get_host_ip_address");
        }
        expect(valuesOf("dev", AIRFLOW_2).config.core.hostname_callable).to.equal(
            "airflow.utils.net.get_host_ip_address",
        );
    });

    it("every task is retried after a reclaim by default ([core] default_task_retries / default_task_retry_delay), configurable, and a DAG's own wins", () => {
        for (const stack of PLATFORM_STACKS) {
            expect(valuesOf(stack).config.core, stack).to.include({
                default_task_retries: "2",
                default_task_retry_delay: "120",
            });
        }
        const set = valuesOf("dev", { tasks: { retries: 5, retryDelaySeconds: 30 } }).config.core;
        expect(set).to.include({ default_task_retries: "5", default_task_retry_delay: "30" });
        // These are airflow.cfg defaults: `retries=` / `retry_delay=` on a task or in default_args still override them.
        expect(Object.keys(set).filter((k) => k.startsWith("default_task_retr"))).to.have.length(2);
    });

    it("worker_concurrency follows the worker memory (the limit): 1 in dev's 768Mi, 10 in prod's 4Gi, 4 in 2Gi; the chart's 16 never", () => {
        expect(valuesOf("dev").config.celery.worker_concurrency).to.equal("1");
        expect(valuesOf("prod-gke").config.celery.worker_concurrency).to.equal("10");
        expect(
            valuesOf("dev", { resources: { workers: { cpu: "1", memory: "2Gi" } } }).config.celery.worker_concurrency,
        ).to.equal("4");
        expect(
            valuesOf("dev", { workers: { memoryPerTask: "1Gi" }, resources: { workers: { cpu: "1", memory: "4Gi" } } })
                .config.celery.worker_concurrency,
        ).to.equal("3");
        expect(
            valuesOf("dev", { workers: { concurrency: 2 }, resources: { workers: { cpu: "1", memory: "1Gi" } } }).config
                .celery.worker_concurrency,
        ).to.equal("2");
    });

    it("a concurrency the worker memory cannot hold is a ConfigError naming airflow.workers.concurrency", () => {
        const err = configError(() => stackConfig("prod-gke", { workers: { concurrency: 16 } }));
        const issue = err.issues.find((i) => i.key === "airflow-platform:airflow.workers.concurrency");
        expect(issue, err.message).to.exist;
        expect(issue!.message).to.match(/do not fit in resources\.workers\.memory 4Gi/);
        expect(issue!.value).to.equal(16);
    });

    it("the grace period's description says what a spot reclaim really does", () => {
        const airflowSchemaDescriptions = fs.readFileSync(path.join(__dirname, "../docs/config.md"), "utf8");
        expect(airflowSchemaDescriptions).to.match(
            /terminationGracePeriodSeconds[^\n]*A spot reclaim does not wait for it/,
        );
        expect(airflowSchemaDescriptions).not.to.match(/warm shutdown when its spot node is reclaimed/);
        // A KEDA scale-down picks any pod of the ReplicaSet: the description must not promise that only idle workers go.
        expect(airflowSchemaDescriptions).to.match(
            /terminationGracePeriodSeconds[^\n]*A scale-down removes any worker, busy or idle[^\n]*killed and uses a retry/,
        );
    });
});

describe("airflow values: what the chart renders for us", () => {
    it("prod: two triggerers and two DAG processors, each with a PodDisruptionBudget; dev: one of each, no budget", () => {
        for (const stack of ["prod-gke", "prod-eks"]) {
            const v = valuesOf(stack);
            for (const component of ["triggerer", "dagProcessor", "scheduler"]) {
                expect(v[component].replicas, `${stack} ${component}`).to.equal(2);
                expect(v[component].podDisruptionBudget, `${stack} ${component}`).to.deep.equal({
                    enabled: true,
                    config: { maxUnavailable: 1 },
                });
            }
        }
        const dev = valuesOf("dev");
        for (const component of ["triggerer", "dagProcessor"]) {
            expect(dev[component].replicas).to.equal(1);
            expect(dev[component].podDisruptionBudget.enabled).to.equal(false);
        }
        expect(valuesOf("prod-gke", { triggererReplicas: 3 }).triggerer.replicas).to.equal(3);
    });

    it("`airflow db clean` runs on the chart's schedule with the configured retention, no archive; failed task pods are cleaned with the KubernetesExecutor", () => {
        for (const stack of PLATFORM_STACKS) {
            const v = valuesOf(stack);
            expect(v.databaseCleanup, stack).to.include({ enabled: true, retentionDays: 90, skipArchive: true });
            expect(v.databaseCleanup.resources.requests, stack).to.be.an("object");
            // cleanup-cronjob.yaml renders only with `contains "KubernetesExecutor" executor`: both hybrids do.
            expect(v.cleanup.enabled, stack).to.equal(true);
        }
        expect(valuesOf("dev", { executor: "celery" }).cleanup.enabled).to.equal(false);
        expect(valuesOf("dev", { databaseCleanup: { retentionDays: 30 } }).databaseCleanup.retentionDays).to.equal(30);
        expect(valuesOf("dev", { databaseCleanup: { enabled: false } }).databaseCleanup.enabled).to.equal(false);
        // A devspace lives days, and its quota holds no weekly job beside the install's.
        expect(valuesOf("devspace-demo").databaseCleanup.enabled).to.equal(false);
    });

    it("one log groomer trims the shared log tree (the scheduler's); with remote logs each pod trims its own emptyDir", () => {
        const shared = valuesOf("dev");
        expect(shared.scheduler.logGroomerSidecar.enabled).to.equal(undefined);
        expect(shared.scheduler.logGroomerSidecar.resources.requests).to.be.an("object");
        expect(shared.dagProcessor.logGroomerSidecar).to.deep.equal({ enabled: false });
        expect(shared.triggerer.logGroomerSidecar).to.deep.equal({ enabled: false });
        // worker-deployment.yaml runs the workers' groomer only beside the StatefulSet volume, which is off: no dead value.
        expect(shared.workers).not.to.have.property("logGroomerSidecar");
        const remote = valuesOf(
            "dev",
            { logs: { mode: "remote", remoteBaseFolder: "gs://acme-logs/airflow" } },
            { logs: { mode: "remote", baseFolder: "gs://acme-logs/airflow", serviceAccountAnnotations: {} } },
        );
        for (const component of ["scheduler", "dagProcessor", "triggerer"])
            expect(remote[component].logGroomerSidecar.enabled, component).to.equal(undefined);
    });

    it("a restricted security context wherever the chart takes one: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp", () => {
        const restrictedContainer = {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        };
        for (const stack of PLATFORM_STACKS) {
            const v = valuesOf(stack);
            // The Airflow image's pods and containers (scheduler, workers, task pods, jobs, …) fall back to these.
            expect(v.securityContexts.pod, stack).to.deep.equal({
                runAsUser: 50000,
                runAsGroup: 0,
                fsGroup: 0,
                runAsNonRoot: true,
                seccompProfile: { type: "RuntimeDefault" },
            });
            expect(v.securityContexts.containers, stack).to.deep.equal(restrictedContainer);
            // Redis, PgBouncer and git-sync read only their own (externalContainerSecurityContext / localContainerSecurityContext).
            expect(v.redis.securityContexts.container, stack).to.deep.equal(restrictedContainer);
            expect(v.redis.securityContexts.pod.runAsUser, stack).to.equal(999);
            expect(v.dags.gitSync.securityContexts.container, stack).to.deep.equal({
                ...restrictedContainer,
                runAsUser: 65533,
            });
            // statsd/statsd-deployment.yaml: localPodSecurityContext / externalContainerSecurityContext of .Values.statsd.
            expect(v.statsd.securityContexts.pod, stack).to.deep.equal({
                runAsUser: 65534,
                runAsGroup: 65534,
                fsGroup: 65534,
                runAsNonRoot: true,
                seccompProfile: { type: "RuntimeDefault" },
            });
            expect(v.statsd.securityContexts.container, stack).to.deep.equal(restrictedContainer);
            if (stack !== "dev") {
                expect(v.pgbouncer.securityContexts.container, stack).to.deep.equal(restrictedContainer);
                expect(v.pgbouncer.metricsExporterSidecar.securityContexts.container, stack).to.deep.equal(
                    restrictedContainer,
                );
            }
            // No pod context anywhere in the values runs as root.
            walk(v, (at, value) => {
                if (at[at.length - 1] === "pod" && at[at.length - 2] === "securityContexts")
                    expect((value as Obj).runAsNonRoot, at.join(".")).to.equal(true);
            });
        }
    });

    it("Secrets the program owns roll the pods that read them: a checksum annotation per group of pods", () => {
        const sums = { airflow: "a1", pgbouncer: "b2", redis: "c3", flower: "d4" };
        const v = valuesOf(
            "prod-gke",
            { flower: { enabled: true } },
            { secretChecksums: sums, secretNames: { ...SECRET_NAMES, flower: "airflow-flower" } },
        );
        // airflowPodAnnotations reach every Airflow pod template (scheduler, workers, API server, triggerer, DAG processor, jobs, task pods).
        expect(v.airflowPodAnnotations).to.deep.equal({ "checksum/airflow-platform-secrets": "a1" });
        expect(v.pgbouncer.podAnnotations).to.deep.equal({ "checksum/airflow-platform-secrets": "b2" });
        expect(v.redis.podAnnotations).to.deep.equal({ "checksum/airflow-platform-secrets": "c3" });
        expect(v.flower.podAnnotations).to.deep.equal({ "checksum/airflow-platform-flower-secret": "d4" });
        // flower/flower-deployment.yaml: `mustMerge .Values.flower.podAnnotations .Values.airflowPodAnnotations`; sprig's
        // mustMerge keeps the destination's value on a shared key, so Flower's pod must carry both checksums.
        const mustMerge = (dst: Obj, src: Obj) => ({ ...src, ...dst });
        expect(mustMerge(v.flower.podAnnotations, v.airflowPodAnnotations)).to.deep.equal({
            "checksum/airflow-platform-secrets": "a1",
            "checksum/airflow-platform-flower-secret": "d4",
        });
    });

    it("the checksum changes with any value of any Secret, and not with key order", () => {
        const base = checksumOf([
            ["metadata", { connection: "postgresql://a" }],
            ["fernet-key", { "fernet-key": "k" }],
        ]);
        expect(
            checksumOf([
                ["fernet-key", { "fernet-key": "k" }],
                ["metadata", { connection: "postgresql://a" }],
            ]),
        ).to.equal(base);
        expect(
            checksumOf([
                ["metadata", { connection: "postgresql://b" }],
                ["fernet-key", { "fernet-key": "k" }],
            ]),
        ).not.to.equal(base);
        expect(
            checksumOf([
                ["metadata", { connection: "postgresql://a" }],
                ["fernet-key", { "fernet-key": "j" }],
            ]),
        ).not.to.equal(base);
        expect(base).to.match(/^[0-9a-f]{64}$/);
    });
});

describe("airflow values: Celery workers scale with the queue (KEDA)", () => {
    const kedaOn = { kedaInstalled: true };

    it("dev scales from 0 to 3, prod from 1 (a warm worker) to 20, with the configured cooldown and polling", () => {
        expect(valuesOf("dev", {}, kedaOn).workers.keda).to.deep.equal({
            enabled: true,
            minReplicaCount: 0,
            maxReplicaCount: 3,
            cooldownPeriod: 300,
            pollingInterval: 5,
            usePgbouncer: true,
        });
        for (const stack of ["prod-gke", "prod-eks"])
            expect(valuesOf(stack, {}, kedaOn).workers.keda, stack).to.include({
                minReplicaCount: 1,
                maxReplicaCount: 20,
            });
        const set = valuesOf(
            "prod-gke",
            { workers: { autoscaling: { minReplicas: 0, maxReplicas: 8, cooldownSeconds: 900, pollingSeconds: 15 } } },
            kedaOn,
        );
        expect(set.workers.keda).to.include({
            minReplicaCount: 0,
            maxReplicaCount: 8,
            cooldownPeriod: 900,
            pollingInterval: 15,
        });
    });

    it("the query's connection: through PgBouncer by default, straight to the database with connection=direct", () => {
        expect(valuesOf("prod-gke", {}, kedaOn).workers.keda.usePgbouncer).to.equal(true);
        expect(
            valuesOf("prod-gke", { workers: { autoscaling: { connection: "direct" } } }, kedaOn).workers.keda
                .usePgbouncer,
        ).to.equal(false);
    });

    it("the chart's query has what it reads: worker_concurrency, and on 2.x the kubernetes queue it leaves out", () => {
        // values.yaml workers.keda.query: ceil(COUNT(*) / config.celery.worker_concurrency) over queued+running task
        // instances, minus `config.celery_kubernetes_executor.kubernetes_queue` (2.x) or executor 'KubernetesExecutor' (3.x).
        const v3 = valuesOf("dev", {}, kedaOn);
        expect(Number(v3.config.celery.worker_concurrency)).to.be.at.least(1);
        expect(v3.executor).to.contain("KubernetesExecutor");
        const v2 = valuesOf("dev", AIRFLOW_2, kedaOn);
        expect(v2.executor).to.equal("CeleryKubernetesExecutor");
        expect(v2.config.celery_kubernetes_executor.kubernetes_queue).to.equal("kubernetes");
        expect(v2.workers.keda.enabled).to.equal(true);
    });

    it("off without KEDA in the cluster, without Celery, or when turned off: then workers.replicas holds", () => {
        expect(valuesOf("dev").workers.keda).to.deep.equal({ enabled: false });
        expect(valuesOf("dev", { executor: "kubernetes" }, kedaOn).workers.keda.enabled).to.equal(false);
        expect(
            valuesOf("dev", { workers: { autoscaling: { enabled: false }, replicas: 2 } }, kedaOn).workers,
        ).to.deep.include({ keda: { enabled: false }, replicas: 2 });
    });

    it("with KEDA the chart renders no replicas, so none is emitted; setting workers.replicas beside autoscaling is a ConfigError", () => {
        // worker-deployment.yaml: `{{- if and (not $keda) (not $hpa) }} replicas: …`; the ScaledObject owns the count.
        for (const stack of ["prod-gke", "prod-eks", "dev"])
            expect(valuesOf(stack, {}, kedaOn).workers, stack).to.not.have.property("replicas");
        const err = configError(() => stackConfig("prod-gke", { workers: { replicas: 3 } }));
        const issue = err.issues.find((i) => i.key === "airflow-platform:airflow.workers.replicas");
        expect(issue, err.message).to.not.equal(undefined);
        expect(issue!.message).to.contain("airflow.workers.autoscaling.minReplicas");
        // Without autoscaling, or without Celery workers, the fixed count is what it says.
        expect(
            valuesOf("prod-gke", { workers: { replicas: 3, autoscaling: { enabled: false } } }, kedaOn).workers
                .replicas,
        ).to.equal(3);
        expect(() => stackConfig("dev", { executor: "kubernetes", workers: { replicas: 0 } })).to.not.throw();
    });

    it("minReplicas above maxReplicas is a ConfigError naming the key", () => {
        const err = configError(() =>
            stackConfig("dev", { workers: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } }),
        );
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:airflow.workers.autoscaling.minReplicas");
    });
});

describe("airflow values: both halves of each hybrid executor render (the chart's own conditions)", () => {
    // Go's `contains`, as the templates call it: (contains SUBSTR STRING).
    const contains = (sub: string, s: string) => s.includes(sub);
    /** Each template's render condition on `.Values.executor`, quoted from chart 1.20.0. */
    const CONDITIONS: Record<string, (executor: string) => boolean> = {
        // workers/worker-deployment.yaml, workers/worker-kedaautoscaler.yaml, redis/redis-statefulset.yaml
        "Celery workers and their ScaledObject": (e) =>
            contains("CeleryExecutor", e) || contains("CeleryKubernetesExecutor", e),
        // configmaps/configmap.yaml (pod_template_file.yaml)
        "KubernetesExecutor pod template": (e) =>
            contains("LocalKubernetesExecutor", e) ||
            contains("KubernetesExecutor", e) ||
            contains("CeleryKubernetesExecutor", e),
        // cleanup/cleanup-cronjob.yaml
        "failed-pod cleanup": (e) => contains("KubernetesExecutor", e),
    };
    for (const [label, airflow] of [
        ["3.x multi-executor", {}],
        ["2.11 CeleryKubernetesExecutor", AIRFLOW_2],
        ["2.11 multi-executor", { ...AIRFLOW_2, executor: "CeleryExecutor,KubernetesExecutor" }],
    ] as const) {
        it(`${label}: workers, ScaledObject, pod template and pod cleanup all render`, () => {
            const v = valuesOf("dev", airflow, { kedaInstalled: true });
            for (const [what, renders] of Object.entries(CONDITIONS))
                expect(renders(v.executor), `${what} with ${v.executor}`).to.equal(true);
            expect(v.workers.keda.enabled).to.equal(true);
            expect(v.redis.enabled).to.equal(true);
            expect(v.cleanup.enabled).to.equal(true);
        });
    }
    it("plain celery renders no pod template; plain kubernetes no worker", () => {
        expect(
            CONDITIONS["KubernetesExecutor pod template"](valuesOf("dev", { executor: "celery" }).executor),
        ).to.equal(false);
        expect(
            CONDITIONS["Celery workers and their ScaledObject"](valuesOf("dev", { executor: "kubernetes" }).executor),
        ).to.equal(false);
    });
});
