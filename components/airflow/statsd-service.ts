/**
 * The Airflow chart's statsd-exporter Service: facts of the chart that the Airflow component owns and hands over as its
 * `statsd` output to whoever scrapes the exporter or lets Prometheus through to it. Pure: no Pulumi resources here.
 * Source: apache/airflow chart/templates/statsd/statsd-service.yaml (the 1.20.0-dev tree, as Miretpl/airflow dda8d27):
 * name `{{ include "airflow.fullname" . }}-statsd`, labels and selector tier/component/release, ports statsd-ingest
 * (UDP, `ports.statsdIngest`) and statsd-scrape (TCP, `ports.statsdScrape`).
 */
/**
 * The Service's labels and ports, ports at the chart's defaults `ports.statsdIngest`/`ports.statsdScrape` (the program
 * never sets `ports`): Airflow sends to the ingest port, a ServiceMonitor scrapes the scrape port by name, and the
 * mixin's exporter alerts select that name as the `endpoint` label.
 */
export const AIRFLOW_STATSD_SERVICE = {
    /** The Service's `metadata.labels` and its `spec.selector` (the exporter pod's labels) share these three. */
    labels: (releaseName: string) => ({ tier: "airflow", component: "statsd", release: releaseName }),
    ingestPort: { name: "statsd-ingest", port: 9125, protocol: "UDP" },
    scrapePort: { name: "statsd-scrape", port: 9102, protocol: "TCP" },
} as const;

/** One Airflow release's statsd-exporter Service, as a scraper selects it: plain values, no Outputs. */
export interface StatsdService {
    /** The release's namespace, where the Service is (and its ServiceMonitor goes). */
    readonly namespace: string;
    /** The Helm release name: the Service carries `release: <releaseName>`. */
    readonly releaseName: string;
    /** The Service's name, `<chart fullname>-statsd`. */
    readonly serviceName: string;
    /** Labels the Service carries and selects its pods by: a ServiceMonitor's `selector.matchLabels`. */
    readonly selectorLabels: Readonly<Record<string, string>>;
    /** The name of the Service port that serves `/metrics`. */
    readonly scrapePortName: string;
}

/**
 * The statsd-exporter Service the chart renders for release `releaseName` in `namespace`, named `serviceName` (the
 * chart's `<airflow.fullname>-statsd`: `airflowServiceNames(releaseName, …).statsd`). Pure.
 */
export function statsdService(namespace: string, releaseName: string, serviceName: string): StatsdService {
    return {
        namespace,
        releaseName,
        serviceName,
        selectorLabels: AIRFLOW_STATSD_SERVICE.labels(releaseName),
        scrapePortName: AIRFLOW_STATSD_SERVICE.scrapePort.name,
    };
}
