/**
 * Apache Airflow from the official Helm chart, on whatever cluster the cluster layer hands over: the namespace
 * (namespace.ts), the generated keys and the credentials as Kubernetes Secrets (secrets.ts, database.ts), the log
 * volume or bucket access (logs.ts), and one `helm.v3.Release` that references them by name (release.ts). The values
 * come from `airflowValues` (values.ts), a pure function.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { refuseArgs } from "../validation";
import { type StatsdService, statsdService } from "./statsd-service";
import { AIRFLOW_PORTS, AIRFLOW_RELEASE_NAME, airflowServiceNames, chartFullname, executorSetting } from "./values";
import { type AirflowArgs, withAirflowDefaults } from "./args";
import { checkAirflowArgs } from "./checks";
import { type AirflowScope, createAirflowNamespace } from "./namespace";
import { airflowSecretStore, createFlowerSecret, createGeneratedSecrets, createGitCredentials } from "./secrets";
import { createDatabaseSecrets } from "./database";
import { createAirflowLogs } from "./logs";
import { createAirflowRelease } from "./release";

export * from "./args";
export * from "./checks";
export * from "./statsd-service";
export * from "./values";
export { AIRFLOW_CHART_REPO } from "./release";

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
        const releaseName = AIRFLOW_RELEASE_NAME;
        const fullname = chartFullname(releaseName);
        const services = airflowServiceNames(releaseName, airflow.majorVersion);
        const exec = executorSetting(airflow);
        // An external database (the cluster's managed Postgres) behind PgBouncer, or the chart's bundled one.
        const databaseMode = airflow.database.kind === "external" ? "managed" : "bundled";
        const kedaRuns = airflow.keda !== undefined && exec.usesCelery && airflow.workers.autoscaling.enabled;
        const kedaDirect =
            kedaRuns && databaseMode === "managed" && airflow.workers.autoscaling.connection === "direct";
        const flowerRuns = airflow.flower.enabled && exec.usesCelery;

        const namespace = createAirflowNamespace(name, airflow, this, opts?.dependsOn);
        const scope: AirflowScope = {
            name,
            parent: this,
            airflow,
            releaseName,
            fullname,
            protect: airflow.protect,
            namespace,
        };
        const secrets = airflowSecretStore(scope);
        const generated = createGeneratedSecrets(scope, secrets);
        const secretNames = {
            ...generated.names,
            ...createDatabaseSecrets(scope, secrets, { kedaDirect }),
            ...createGitCredentials(scope, secrets),
            ...(flowerRuns ? createFlowerSecret(scope, secrets) : {}),
        };
        const logs = createAirflowLogs(scope, services);
        this.release = createAirflowRelease(scope, {
            databaseMode,
            secretNames,
            secretData: secrets.data,
            logs: logs.plan,
            referenced: [...secrets.created, ...logs.referenced],
            flowerRuns,
            kedaRuns,
        });

        this.namespace = namespace.name;
        this.releaseName = this.release.name;
        this.executor = exec.executor;
        this.uiServiceName = pulumi.output(services.ui);
        this.uiServicePort = pulumi.output(AIRFLOW_PORTS.ui);
        if (flowerRuns) {
            this.flowerServiceName = pulumi.output(services.flower);
            this.flowerServicePort = pulumi.output(AIRFLOW_PORTS.flower);
        }
        this.statsdServiceName = pulumi.output(services.statsd);
        // The name carries the Namespace: a ServiceMonitor made from these facts waits for it.
        this.statsd = namespace.name.apply((ns) => statsdService(ns, releaseName, services.statsd));
        this.adminPassword = pulumi.secret(generated.adminPassword);
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
