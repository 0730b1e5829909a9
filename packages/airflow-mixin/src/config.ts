/**
 * The mixin's configuration: what the rules and dashboards select, their thresholds (units in the names), the
 * datasource, the windows. `withAirflowMixinDefaults` is the one place the defaults are applied.
 */
import { AIRFLOW_STATSD_PREFIX } from "./statsd-mapping";

/**
 * The Airflow chart's statsd-exporter Service as the release that runs it exposes it. Not the mixin's facts: whoever
 * deploys Airflow gives them (this platform: the Airflow component).
 */
export interface StatsdExporterService {
    /** Name of the Service port Prometheus scrapes: the scrape target's `endpoint` label, which the rules select. */
    readonly scrapePortName: string;
    /** Number of that port (the runbooks port-forward it). */
    readonly scrapePort: number;
    /** The port Airflow sends StatsD to (the runbooks name it). */
    readonly ingestPort: number;
    /** Its protocol, `UDP` unless the release changed it. */
    readonly ingestProtocol: string;
}

/** Label matchers and node labels the rules match. */
export interface AirflowMixinSelectors {
    /**
     * Matchers of PgBouncer's metrics target (the chart's `<release>-pgbouncer` Service, scraped by its annotations).
     * @default `job="kubernetes-service-endpoints", service=~".+-pgbouncer"`
     */
    readonly pgbouncer?: string;
    /** Node labels that mark a spot node, beyond the clouds' own (`CLOUD_SPOT_LABELS`). @default {} */
    readonly spotNodeLabels?: Record<string, string>;
    /**
     * Node labels of the workers' on-demand fallback pool; `{}` when there is none.
     * @default { "airflow-platform/capacity": "fallback" } (this platform's cluster layer)
     */
    readonly fallbackNodeLabels?: Record<string, string>;
}

/** What raises an alert. */
export interface AirflowMixinThresholds {
    /** Failed share (0..1) of the finished task instances that raises AirflowHighTaskFailureRate. @default 0.25 */
    readonly taskFailureRatio?: number;
    /** Pool slots held by QUEUED task instances (all pools) that raise AirflowQueuedTaskBacklog. @default 50 */
    readonly queuedBacklogSlots?: number;
    /** Mean delay of DAG runs behind their schedule over an hour that raises AirflowScheduleDelayHigh. @default 600 */
    readonly scheduleDelaySeconds?: number;
    /** Spot nodes replaced within an hour that raise SpotNodeChurn. @default 3 */
    readonly spotNodeReplacementsPerHour?: number;
}

/** Windows of the queries (Prometheus durations). */
export interface AirflowMixinWindows {
    /**
     * `rate()` window for StatsD-fed counters: Airflow sends whenever something happens and the exporter is scraped
     * every 30s, so 5m holds about 10 samples, enough to see a change without smoothing away a dead scheduler.
     * @default "5m"
     */
    readonly rate?: string;
    /** Window of failure ratios, where a handful of task runs must be seen before a ratio means anything. @default "15m" */
    readonly ratio?: string;
    /**
     * How long a counter series may miss scrapes (a Prometheus restart, an exporter outage) and still be the same
     * series rather than a new one (`eventsInWindow`). Longer tolerates longer outages; a series the exporter expired
     * (its TTL) and re-created within this time after is taken for the old one, so its first new event counts only
     * from its second. @default "6h"
     */
    readonly seriesGapTolerance?: string;
}

export interface AirflowMixinConfig {
    /** The statsd-exporter Service of the Airflow release (required: a fact of the Airflow chart, not of the mixin). */
    readonly statsdExporter: StatsdExporterService;
    /** @default each selector's own default */
    readonly selectors?: AirflowMixinSelectors;
    /** @default each threshold's own default */
    readonly thresholds?: AirflowMixinThresholds;
    /** @default each window's own default */
    readonly windows?: AirflowMixinWindows;
    /** The uid of the Prometheus datasource every dashboard panel queries. @default "prometheus" */
    readonly datasourceUid?: string;
    /** The Grafana folder the dashboards belong in. @default "Airflow" */
    readonly dashboardFolder?: string;
    /** The statsd-exporter mapping. @default { ttl: "48h", prefix: "airflow" } */
    readonly statsdMapping?: {
        /** Go duration after which a series without an update disappears (statsd-exporter knows no "d"). @default "48h" */
        readonly ttl?: string;
        /** Airflow's `[metrics] statsd_prefix`. @default "airflow" (Airflow's own default) */
        readonly prefix?: string;
    };
}

type Resolved<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** The configuration with every default applied. */
export interface ResolvedAirflowMixinConfig {
    readonly statsdExporter: StatsdExporterService;
    readonly selectors: Resolved<AirflowMixinSelectors>;
    readonly thresholds: Resolved<AirflowMixinThresholds>;
    readonly windows: Resolved<AirflowMixinWindows>;
    readonly datasourceUid: string;
    readonly dashboardFolder: string;
    readonly statsdMapping: Resolved<NonNullable<AirflowMixinConfig["statsdMapping"]>>;
}

/** The clouds' own spot labels: GKE spot node pools, EKS managed node groups, Karpenter. */
export const CLOUD_SPOT_LABELS: Record<string, string> = {
    "cloud.google.com/gke-spot": "true",
    "eks.amazonaws.com/capacityType": "SPOT",
    "karpenter.sh/capacity-type": "spot",
};

/** The scrape job of annotated Services (this platform's kube-prometheus-stack values), which scrapes PgBouncer's exporter. */
export const SERVICE_ENDPOINTS_JOB = "kubernetes-service-endpoints";

/** The fixed uid of the Prometheus datasource Grafana is provisioned with; every dashboard panel references it. */
export const PROMETHEUS_DATASOURCE_UID = "prometheus";

/** The configuration with every default applied (pure). */
export function withAirflowMixinDefaults(config: AirflowMixinConfig): ResolvedAirflowMixinConfig {
    const selectors = config.selectors ?? {};
    const thresholds = config.thresholds ?? {};
    const windows = config.windows ?? {};
    return {
        statsdExporter: { ...config.statsdExporter },
        selectors: {
            pgbouncer: selectors.pgbouncer ?? `job="${SERVICE_ENDPOINTS_JOB}", service=~".+-pgbouncer"`,
            spotNodeLabels: { ...(selectors.spotNodeLabels ?? {}) },
            fallbackNodeLabels: { ...(selectors.fallbackNodeLabels ?? { "airflow-platform/capacity": "fallback" }) },
        },
        thresholds: {
            taskFailureRatio: thresholds.taskFailureRatio ?? 0.25,
            queuedBacklogSlots: thresholds.queuedBacklogSlots ?? 50,
            scheduleDelaySeconds: thresholds.scheduleDelaySeconds ?? 600,
            spotNodeReplacementsPerHour: thresholds.spotNodeReplacementsPerHour ?? 3,
        },
        windows: {
            rate: windows.rate ?? "5m",
            ratio: windows.ratio ?? "15m",
            seriesGapTolerance: windows.seriesGapTolerance ?? "6h",
        },
        datasourceUid: config.datasourceUid ?? PROMETHEUS_DATASOURCE_UID,
        dashboardFolder: config.dashboardFolder ?? "Airflow",
        statsdMapping: {
            ttl: config.statsdMapping?.ttl ?? "48h",
            prefix: config.statsdMapping?.prefix ?? AIRFLOW_STATSD_PREFIX,
        },
    };
}

/** One thing wrong with a configuration: the path of the key (`thresholds.taskFailureRatio`) and what is allowed. */
export interface AirflowMixinConfigIssue {
    readonly path: string;
    readonly message: string;
}

const PROMETHEUS_DURATION = /^\d+(ms|s|m|h|d|w|y)$/;
/** The heartbeat alerts state their rate window in minutes. */
const MINUTES_OR_HOURS = /^\d+(m|h)$/;
/** statsd-exporter parses a Go duration: no "d" or "w". */
const GO_DURATION = /^\d+(ms|s|m|h)$/;

/** What is wrong with a configuration (empty when nothing is), checked on the resolved values. */
export function airflowMixinConfigIssues(config: AirflowMixinConfig): AirflowMixinConfigIssue[] {
    const c = withAirflowMixinDefaults(config);
    const issues: AirflowMixinConfigIssue[] = [];
    const check = (ok: boolean, path: string, message: string) => {
        if (!ok) issues.push({ path, message });
    };
    const port = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
    check(
        c.statsdExporter.scrapePortName !== "",
        "statsdExporter.scrapePortName",
        "the Service port's name, not empty",
    );
    check(port(c.statsdExporter.scrapePort), "statsdExporter.scrapePort", "a port number from 1 to 65535");
    check(port(c.statsdExporter.ingestPort), "statsdExporter.ingestPort", "a port number from 1 to 65535");
    check(
        ["UDP", "TCP"].includes(c.statsdExporter.ingestProtocol),
        "statsdExporter.ingestProtocol",
        'the Service port\'s protocol, "UDP" or "TCP"',
    );
    const t = c.thresholds;
    check(
        t.taskFailureRatio > 0 && t.taskFailureRatio <= 1,
        "thresholds.taskFailureRatio",
        "a share above 0, at most 1",
    );
    check(t.queuedBacklogSlots >= 0, "thresholds.queuedBacklogSlots", "a number of pool slots, 0 or more");
    check(t.scheduleDelaySeconds > 0, "thresholds.scheduleDelaySeconds", "a delay in seconds above 0");
    check(
        Number.isInteger(t.spotNodeReplacementsPerHour) && t.spotNodeReplacementsPerHour >= 1,
        "thresholds.spotNodeReplacementsPerHour",
        "a whole number of nodes, 1 or more",
    );
    check(MINUTES_OR_HOURS.test(c.windows.rate), "windows.rate", 'a Prometheus duration in minutes or hours ("5m")');
    check(PROMETHEUS_DURATION.test(c.windows.ratio), "windows.ratio", 'a Prometheus duration ("15m")');
    check(
        PROMETHEUS_DURATION.test(c.windows.seriesGapTolerance),
        "windows.seriesGapTolerance",
        'a Prometheus duration ("6h")',
    );
    check(c.datasourceUid !== "", "datasourceUid", "a Grafana datasource uid, not empty");
    check(c.dashboardFolder !== "", "dashboardFolder", "a Grafana folder name, not empty");
    check(
        GO_DURATION.test(c.statsdMapping.ttl),
        "statsdMapping.ttl",
        'a Go duration ("48h"; statsd-exporter knows no "d")',
    );
    check(
        /^[A-Za-z0-9_]+$/.test(c.statsdMapping.prefix),
        "statsdMapping.prefix",
        "Airflow's statsd_prefix: letters, digits, _",
    );
    return issues;
}
