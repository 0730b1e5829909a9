import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * One Airflow release's statsd-exporter Service, as a ServiceMonitor selects it: plain values, declared here with the
 * fields the scrape target reads (the Airflow component's `statsd` output has them; stacks/ passes it).
 */
export interface ScrapedStatsdService {
    /** The release's namespace, where the Service is and the ServiceMonitor goes. */
    readonly namespace: string;
    /** The Helm release name: the ServiceMonitor's name and its targets' `airflow_release` label. */
    readonly releaseName: string;
    /** Labels the Service carries: the ServiceMonitor's `selector.matchLabels`. */
    readonly selectorLabels: Readonly<Record<string, string>>;
    /** The name of the Service port that serves `/metrics`. */
    readonly scrapePortName: string;
}

/** How often Prometheus scrapes the exporter; the dashboards' rate windows are at least 4x this. */
export const STATSD_SCRAPE_INTERVAL = "30s";

/**
 * The ServiceMonitor spec that scrapes one Airflow release's statsd-exporter by port name. The target's `namespace`
 * label comes from Prometheus' service discovery, so a devspace's series are told apart from the shared ones.
 */
export function statsdServiceMonitorSpec(service: ScrapedStatsdService) {
    return {
        selector: { matchLabels: { ...service.selectorLabels } },
        namespaceSelector: { matchNames: [service.namespace] },
        endpoints: [
            {
                port: service.scrapePortName,
                path: "/metrics",
                interval: STATSD_SCRAPE_INTERVAL,
                // The exporter's own labels (dag_id, task_id, …) never clash with target labels; keep target labels authoritative.
                honorLabels: false,
                relabelings: [{ targetLabel: "airflow_release", replacement: service.releaseName, action: "replace" }],
            },
        ],
    };
}

export interface AirflowScrapeTargetArgs {
    /** The statsd-exporter Service to scrape: the Airflow component's `statsd` output. */
    service: pulumi.Input<ScrapedStatsdService>;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /**
     * What the ServiceMonitor waits for: the ServiceMonitor kind's CRDs (the Observability component's `crds` release,
     * when this program installs them) and the Airflow release. @default none
     */
    dependsOn?: pulumi.Resource[];
}

/**
 * The ServiceMonitor that lets Prometheus scrape one Airflow release's statsd-exporter, in the release's namespace. The
 * stack creates it from the facts the Airflow component exposes; the shared Prometheus selects ServiceMonitors in every
 * namespace.
 */
export class AirflowScrapeTarget extends pulumi.ComponentResource {
    readonly serviceMonitorName: pulumi.Output<string>;

    constructor(name: string, args: AirflowScrapeTargetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:observability:AirflowScrapeTarget", name, {}, opts);
        const service = pulumi.output(args.service);
        const monitor = new k8s.apiextensions.CustomResource(
            `${name}-statsd`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: {
                    name: pulumi.interpolate`${service.releaseName}-statsd`,
                    namespace: service.namespace,
                    labels: {
                        "app.kubernetes.io/part-of": "airflow-platform",
                        "app.kubernetes.io/component": "statsd",
                    },
                },
                spec: service.apply(statsdServiceMonitorSpec),
            },
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        this.serviceMonitorName = monitor.metadata.name;
        this.registerOutputs({ serviceMonitorName: this.serviceMonitorName });
    }
}
