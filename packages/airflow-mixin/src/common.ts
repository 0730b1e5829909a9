/** Constants every part of the Airflow mixin agrees on: the datasource, the label names, the rate windows. */

/** The fixed uid of the Prometheus datasource Grafana is provisioned with; every dashboard panel references it. */
export const PROMETHEUS_DATASOURCE_UID = "prometheus";
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID } as const;

/**
 * The Airflow chart's statsd-exporter Service (chart/templates/statsd/statsd-service.yaml, ports at the chart's defaults
 * `ports.statsdIngest`/`ports.statsdScrape`): Airflow sends to the ingest port, the ServiceMonitor scrapes the scrape
 * port by name, and the alerts select that name as the `endpoint` label.
 */
export const AIRFLOW_STATSD_SERVICE = {
    labels: (releaseName: string) => ({ tier: "airflow", component: "statsd", release: releaseName }),
    ingestPort: { name: "statsd-ingest", port: 9125, protocol: "UDP" },
    scrapePort: { name: "statsd-scrape", port: 9102, protocol: "TCP" },
} as const;

/** The Grafana folder the Airflow dashboards land in (the sidecar's folder annotation on their ConfigMaps). */
export const DASHBOARD_FOLDER = "Airflow";

/**
 * Rate window for StatsD-fed counters: Airflow sends whenever something happens and the exporter is scraped every 30s,
 * so 5m holds about 10 samples, enough for rate() to see a change without smoothing away a dead scheduler.
 */
export const RATE_WINDOW = "5m";
/** Longer window for failure ratios, where a handful of task runs must be seen before a ratio means anything. */
export const RATIO_WINDOW = "15m";

/** Label selector that restricts a dashboard query to the namespaces chosen in the `$namespace` variable. */
export const NS = `namespace=~"$namespace"`;

/**
 * How long a counter series may miss scrapes (a Prometheus restart, an exporter outage) and still be the same series
 * rather than a new one. Longer tolerates longer outages; a series the exporter expired (its TTL) and re-created
 * within this time after is taken for the old one, so its first new event counts only from its second.
 */
export const SERIES_GAP_TOLERANCE = "6h";

/**
 * Events a counter counted within `window`, a series born inside it included: statsd-exporter creates a counter at its
 * first event's value (recorded: first-counter-event), so `increase()` alone sees 0 for the first failure of a task.
 * A series seen in the `SERIES_GAP_TOLERANCE` before the window is an old one (its `increase()`), any other is new and
 * counts its whole value; the two branches never hold the same series, so `sum()` over the result adds them up.
 */
export function eventsInWindow(selector: string, window: string): string {
    const seenBefore = `present_over_time(${selector}[${SERIES_GAP_TOLERANCE}] offset ${window})`;
    return `((increase(${selector}[${window}]) and ${seenBefore}) or (${selector} unless ${seenBefore}))`;
}

/**
 * Mean of a statsd-exporter histogram since its series appeared (`_sum / _count`, no rate): it stays filled between the
 * runs of a daily DAG, where a rate over minutes would be empty most of the day.
 */
export function histogramMean(metric: string, selector: string, by: string): string {
    return `sum by (${by}) (${metric}_sum{${selector}}) / sum by (${by}) (${metric}_count{${selector}})`;
}

/** A quantile of a histogram's cumulative buckets since its series appeared (the same reason as histogramMean). */
export function histogramQuantile(q: number, metric: string, selector: string, by: string): string {
    return `histogram_quantile(${q}, sum by (le, ${by}) (${metric}_bucket{${selector}}))`;
}
