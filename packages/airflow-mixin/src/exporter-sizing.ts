/**
 * What the statsd-exporter's memory grows with, and the figure its requests and limits are sized from.
 *
 * The cost per series is calibrated on measurements of the real exporter (v0.28.0, a day of traffic for 100 DAGs x 10
 * tasks, reported in the platform's issue 10; this machine has no exporter binary to repeat them):
 * - five-bucket histograms: about 26 KiB of exporter memory per task for 30 exposed series per task, so a counter,
 *   gauge or histogram sample line costs about 0.87 KiB (label maps, registry entries, mapper cache);
 * - three summaries with quantiles per task: about 124 KiB per task for 18 series, i.e. (124 - 6 x 0.87) / 3 =
 *   39.6 KiB per summary child: five age buckets of quantile streams and their 500-sample buffers.
 * The baseline (Go runtime, exporter, mapping) is an estimate: 24 MiB.
 */
export const EXPORTER_COST = {
    kibPerSeries: 26 / 30,
    kibPerSummaryChild: (124 - 6 * (26 / 30)) / 3,
    baselineMiB: 24,
} as const;

export interface ExporterFootprint {
    /** Exposed series that are not summary children's (counters, gauges, histogram buckets/sum/count). */
    series: number;
    /** Summary children (one per label set of a summary). */
    summaryChildren: number;
}

/** Estimated resident memory of the exporter holding this footprint, in MiB. */
export function exporterMemoryMiB(f: ExporterFootprint): number {
    return (
        EXPORTER_COST.baselineMiB +
        (f.series * EXPORTER_COST.kibPerSeries + f.summaryChildren * EXPORTER_COST.kibPerSummaryChild) / 1024
    );
}

/** The fleet the production limit is sized for: 1,000 DAGs of 10 tasks. */
export const PROD_FLEET = { dags: 1000, tasksPerDag: 10 } as const;
/** Headroom over the estimate: the limit is an OOM kill, and the estimate has a 10-20 % error. */
export const MEMORY_HEADROOM = 1.25;
