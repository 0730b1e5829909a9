import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as YAML from "yaml";
import { airflowMixin } from "@airflow-platform/airflow-mixin";
import { refuseArgs } from "../validation";
import { AlertmanagerReceivers, ObservabilityArgs, checkObservabilityArgs, withObservabilityDefaults } from "./args";
import {
    ALERTMANAGER_CONFIG_KEY,
    GRAFANA_DASHBOARD_LABEL,
    GRAFANA_FOLDER_ANNOTATION,
    GRAFANA_SERVICE,
    KUBE_PROMETHEUS_STACK_CHART,
    PROMETHEUS_OPERATOR_CRDS_CHART,
    alertmanagerConfig,
    kubePrometheusStackValues,
    prometheusOperatorCrdsValues,
} from "./values";
import { platformMixinConfig } from "./mixin";

export * from "./args";

const PART_OF = { "app.kubernetes.io/part-of": "airflow-platform" };

/**
 * kube-prometheus-stack with its CRDs installed first as their own release, Grafana's admin password and
 * Alertmanager's configuration as Secrets, and the Airflow mixin: dashboards (ConfigMaps for the Grafana sidecar) and
 * rules (a PrometheusRule). Each Airflow release is scraped by an `AirflowScrapeTarget` the stack creates beside it.
 */
export class Observability extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    /** The prometheus-operator-crds release: ServiceMonitors, PodMonitors and PrometheusRules depend on it alone. */
    readonly crds: k8s.helm.v3.Release;
    /** The kube-prometheus-stack release. */
    readonly release: k8s.helm.v3.Release;
    readonly grafanaServiceName: pulumi.Output<string>;
    readonly grafanaServicePort: pulumi.Output<number>;
    /** Secret: Grafana's generated admin password (user `admin`). */
    readonly grafanaAdminPassword: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseArgs("Observability", checkObservabilityArgs(args));
        // The type token followed the folder (issue 14): the alias keeps every existing URN.
        super(
            "airflow-platform:observability:Observability",
            name,
            {},
            {
                ...opts,
                aliases: [{ type: "airflow-platform:index:Observability" }, ...(opts?.aliases ?? [])],
            },
        );
        const { cluster } = args;
        const config = withObservabilityDefaults(args);
        const provider = cluster.provider;
        const child = { parent: this, provider };

        const namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: config.namespace, labels: PART_OF } },
            { ...child, dependsOn: cluster.readiness },
        );
        this.namespace = namespace.metadata.name;

        const password = new random.RandomPassword(
            `${name}-grafana-admin`,
            { length: 24, special: false },
            { parent: this },
        );
        this.grafanaAdminPassword = pulumi.secret(password.result);
        const grafanaAdmin = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            {
                metadata: { name: "grafana-admin", namespace: this.namespace, labels: PART_OF },
                stringData: { "admin-user": "admin", "admin-password": this.grafanaAdminPassword },
            },
            child,
        );

        // The receivers are secret: the whole Alertmanager configuration stays a secret, outside the Helm values.
        const receivers = pulumi.output<AlertmanagerReceivers | undefined>(config.alertmanager.receivers);
        const alertmanager = new k8s.core.v1.Secret(
            `${name}-alertmanager-config`,
            {
                metadata: { name: "alertmanager-airflow-platform", namespace: this.namespace, labels: PART_OF },
                stringData: {
                    [ALERTMANAGER_CONFIG_KEY]: pulumi.secret(
                        receivers.apply((r) => YAML.stringify(alertmanagerConfig(r, config.unpagedNamespacePrefixes))),
                    ),
                },
            },
            child,
        );

        this.crds = new k8s.helm.v3.Release(
            `${name}-crds`,
            {
                name: "prometheus-operator-crds",
                chart: PROMETHEUS_OPERATOR_CRDS_CHART.chart,
                version: config.prometheusOperatorCrdsVersion,
                repositoryOpts: { repo: PROMETHEUS_OPERATOR_CRDS_CHART.repo },
                namespace: this.namespace,
                values: prometheusOperatorCrdsValues(),
                atomic: true,
            },
            { ...child, dependsOn: [namespace] },
        );

        const values = pulumi
            .all([cluster.blockStorageClassName, config.grafana.rootUrl])
            .apply(([blockStorageClassName, grafanaRootUrl]) =>
                kubePrometheusStackValues({
                    settings: config,
                    onDemand: cluster.placement.onDemand,
                    spotNodeSelector: cluster.placement.spot.nodeSelector,
                    grafanaAdminSecretName: "grafana-admin",
                    alertmanagerConfigSecretName: "alertmanager-airflow-platform",
                    grafanaRootUrl,
                    blockStorageClassName,
                }),
            );
        this.release = new k8s.helm.v3.Release(
            `${name}-kube-prometheus-stack`,
            {
                name: "kube-prometheus-stack",
                chart: KUBE_PROMETHEUS_STACK_CHART.chart,
                version: config.kubePrometheusStackVersion,
                repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_CHART.repo },
                namespace: this.namespace,
                skipCrds: true,
                // Prometheus' volume and the admission webhook jobs can take a while on a fresh cluster.
                timeout: 900,
                values,
            },
            { ...child, dependsOn: [this.crds, grafanaAdmin, alertmanager, ...cluster.readiness] },
        );
        this.grafanaServiceName = pulumi.output(GRAFANA_SERVICE.name);
        this.grafanaServicePort = pulumi.output<number>(GRAFANA_SERVICE.port);

        const mixin = airflowMixin(platformMixinConfig(cluster.placement, args.airflowStatsd));
        for (const [file, dashboard] of Object.entries(mixin.dashboards)) {
            new k8s.core.v1.ConfigMap(
                `${name}-dashboard-${file.replace(/\.json$/, "")}`,
                {
                    metadata: {
                        name: `dashboard-${file.replace(/\.json$/, "")}`,
                        namespace: this.namespace,
                        labels: { ...PART_OF, ...GRAFANA_DASHBOARD_LABEL },
                        annotations: { [GRAFANA_FOLDER_ANNOTATION]: mixin.config.dashboardFolder },
                    },
                    data: { [file]: JSON.stringify(dashboard) },
                },
                { ...child, dependsOn: [namespace] },
            );
        }

        new k8s.apiextensions.CustomResource(
            `${name}-airflow-rules`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: "airflow-platform", namespace: this.namespace, labels: PART_OF },
                spec: {
                    groups: [...mixin.recordingRules, ...mixin.alerts],
                },
            },
            { ...child, dependsOn: [this.crds] },
        );

        this.registerOutputs({
            namespace: this.namespace,
            grafanaServiceName: this.grafanaServiceName,
            grafanaServicePort: this.grafanaServicePort,
            grafanaAdminPassword: this.grafanaAdminPassword,
        });
    }

    /** What other stacks (devspaces) need to know about the shared monitoring. */
    stackOutputs(): Record<string, pulumi.Output<unknown>> {
        return {
            monitoringNamespace: this.namespace,
            grafanaServiceName: this.grafanaServiceName,
            grafanaServicePort: this.grafanaServicePort,
            grafanaAdminPassword: this.grafanaAdminPassword,
        };
    }
}
