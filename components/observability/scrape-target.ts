import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AIRFLOW_STATSD_SERVICE } from "@airflow-platform/airflow-mixin";

/** How often Prometheus scrapes the exporter; the dashboards' rate windows are at least 4x this. */
export const STATSD_SCRAPE_INTERVAL = "30s";

/**
 * The ServiceMonitor spec that scrapes one Airflow release's statsd-exporter by port name. The target's `namespace`
 * label comes from Prometheus' service discovery, so a devspace's series are told apart from the shared ones.
 */
export function statsdServiceMonitorSpec(namespace: string, releaseName: string) {
    return {
        selector: { matchLabels: AIRFLOW_STATSD_SERVICE.labels(releaseName) },
        namespaceSelector: { matchNames: [namespace] },
        endpoints: [
            {
                port: AIRFLOW_STATSD_SERVICE.scrapePort.name,
                path: "/metrics",
                interval: STATSD_SCRAPE_INTERVAL,
                // The exporter's own labels (dag_id, task_id, …) never clash with target labels; keep target labels authoritative.
                honorLabels: false,
                relabelings: [{ targetLabel: "airflow_release", replacement: releaseName, action: "replace" }],
            },
        ],
    };
}

export interface AirflowScrapeTargetArgs {
    /** Namespace of the Airflow release; the ServiceMonitor lives there too. */
    namespace: pulumi.Input<string>;
    /** Helm release name of the Airflow chart: the statsd Service carries `release: <releaseName>`. */
    releaseName: pulumi.Input<string>;
    provider: k8s.Provider;
    /** Usually the Observability component's `crds` release: the ServiceMonitor kind must exist first. */
    dependsOn?: pulumi.Resource[];
}

/** The ServiceMonitor that lets Prometheus scrape one Airflow release's statsd-exporter. */
export class AirflowScrapeTarget extends pulumi.ComponentResource {
    readonly serviceMonitorName: pulumi.Output<string>;

    constructor(name: string, args: AirflowScrapeTargetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:observability:AirflowScrapeTarget", name, {}, opts);
        const spec = pulumi
            .all([args.namespace, args.releaseName])
            .apply(([namespace, releaseName]) => statsdServiceMonitorSpec(namespace, releaseName));
        const monitor = new k8s.apiextensions.CustomResource(
            `${name}-statsd`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: {
                    name: pulumi.interpolate`${args.releaseName}-statsd`,
                    namespace: args.namespace,
                    labels: {
                        "app.kubernetes.io/part-of": "airflow-platform",
                        "app.kubernetes.io/component": "statsd",
                    },
                },
                spec,
            },
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        this.serviceMonitorName = monitor.metadata.name;
        this.registerOutputs({ serviceMonitorName: this.serviceMonitorName });
    }
}
