/** PromQL helpers every part of the Airflow mixin shares. */

/** Label selector that restricts a dashboard query to the namespaces chosen in the `$namespace` variable. */
export const NS = `namespace=~"$namespace"`;

/**
 * Events a counter counted within `window`, a series born inside it included: statsd-exporter creates a counter at its
 * first event's value (recorded: first-counter-event), so `increase()` alone sees 0 for the first failure of a task.
 * A series seen in the `gapTolerance` before the window (`AirflowMixinWindows.seriesGapTolerance`) is an old one (its
 * `increase()`), any other is new and counts its whole value; the two branches never hold the same series, so `sum()`
 * over the result adds them up.
 */
export function eventsInWindow(selector: string, window: string, gapTolerance: string): string {
    const seenBefore = `present_over_time(${selector}[${gapTolerance}] offset ${window})`;
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
