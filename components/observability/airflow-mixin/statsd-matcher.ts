/**
 * A model of statsd-exporter's mapper (prometheus/statsd_exporter pkg/mapper, pkg/line), enough to check offline what
 * our mapping turns Airflow's StatsD lines into. Semantics reproduced:
 * - glob rules: `*` is one whole dot-separated component (any text, even empty), the component count must match; of
 *   all matching glob rules the first in the file wins (the FSM with ordering and backtracking); `match_metric_type`
 *   restricts a rule to counters, gauges or observers;
 * - regex rules run only when no glob rule matched, in file order, first match wins (`$n` expanded in name and labels);
 * - `action: drop` discards; an unmatched metric keeps its name with every character outside `[a-zA-Z0-9_]` turned
 *   into `_` (and `_` prepended before a leading digit), no labels;
 * - timers (`ms`, divided by 1000 into seconds), histograms (`h`) and distributions (`d`) are observers; a summary
 *   exposes one series per quantile plus `_sum` and `_count`, a histogram one per bucket plus `+Inf`, `_sum`, `_count`.
 * Limits: DogStatsD/InfluxDB/Librato/SignalFX tags are not parsed, `honor_labels`, `scale` and the exporter's `--`
 * escaping rule are not modelled, and regexes run in JavaScript rather than Go's RE2 (the mapping uses only syntax
 * both read alike).
 */
import type { StatsdMapping } from "./statsd-mapping";

export type StatsdType = "counter" | "gauge" | "observer";

export interface StatsdEvent {
    name: string;
    value: number;
    type: StatsdType;
}

/** Parses one StatsD line (`name:value|type[|@rate]`); several `:value|type` pairs per line are not used by Airflow. */
export function parseStatsdLine(line: string): StatsdEvent {
    const m = /^([^:]+):(-?[0-9.eE+-]+)\|(c|g|ms|h|d)(\|@[0-9.]+)?$/.exec(line.trim());
    if (!m) throw new Error(`not a StatsD line: ${line}`);
    const type: StatsdType = m[3] === "c" ? "counter" : m[3] === "g" ? "gauge" : "observer";
    const value = Number(m[2]) / (m[3] === "ms" ? 1000 : 1);
    return { name: m[1], value, type };
}

export interface MappingResult {
    action: "map" | "drop" | "default";
    /** The Prometheus metric name (for "drop", the dropped StatsD name). */
    name: string;
    labels: Record<string, string>;
    /** The mapping rule that decided, absent for unmatched metrics. */
    mapping?: StatsdMapping;
}

interface CompiledRule {
    mapping: StatsdMapping;
    regex: RegExp;
}

/** statsd-exporter's default name for an unmapped metric. */
export function escapeMetricName(name: string): string {
    const escaped = name.replace(/[^a-zA-Z0-9_]/g, "_");
    return /^[0-9]/.test(escaped) ? `_${escaped}` : escaped;
}

function expand(template: string, captures: string[]): string {
    return template.replace(/\$\{(\d+)\}|\$(\d+)/g, (_, braced: string | undefined, bare: string | undefined) => {
        const index = Number(braced ?? bare);
        return captures[index - 1] ?? "";
    });
}

export class StatsdMapper {
    private readonly globs: CompiledRule[] = [];
    private readonly regexes: CompiledRule[] = [];
    // Like the exporter's mapping cache: a day of lines repeats a few hundred names.
    private readonly cache = new Map<string, MappingResult>();

    constructor(readonly mappings: StatsdMapping[]) {
        for (const mapping of mappings) {
            if (mapping.match_type === "regex") {
                this.regexes.push({ mapping, regex: new RegExp(mapping.match) });
            } else {
                if (!/^(\*|[a-zA-Z_][a-zA-Z0-9_-]*)(\.\*|\.[a-zA-Z0-9_][a-zA-Z0-9_-]*)*$/.test(mapping.match))
                    throw new Error(`invalid glob match: ${mapping.match}`);
                const pattern = mapping.match
                    .split(".")
                    .map((part) => (part === "*" ? "([^.]*)" : part.replace(/[-]/g, "\\-")))
                    .join("\\.");
                this.globs.push({ mapping, regex: new RegExp(`^${pattern}$`) });
            }
            if (!/^([a-zA-Z_]|\$\{?\d+\}?)([a-zA-Z0-9_]|\$\{?\d+\}?)*$/.test(mapping.name))
                throw new Error(`invalid metric name: ${mapping.name}`);
            for (const label of Object.keys(mapping.labels ?? {}))
                if (!/^[a-zA-Z_][a-zA-Z0-9_]+$/.test(label)) throw new Error(`invalid label key: ${label}`);
        }
    }

    map(name: string, type: StatsdType): MappingResult {
        const key = `${type}|${name}`;
        let result = this.cache.get(key);
        if (!result) {
            result = this.mapUncached(name, type);
            this.cache.set(key, result);
        }
        return result;
    }

    private mapUncached(name: string, type: StatsdType): MappingResult {
        const applies = (m: StatsdMapping) => !m.match_metric_type || m.match_metric_type === type;
        for (const rule of [...this.globs, ...this.regexes]) {
            if (!applies(rule.mapping)) continue;
            const m = rule.regex.exec(name);
            if (!m) continue;
            const captures = m.slice(1);
            if (rule.mapping.action === "drop") return { action: "drop", name, labels: {}, mapping: rule.mapping };
            const labels: Record<string, string> = {};
            for (const [key, template] of Object.entries(rule.mapping.labels ?? {})) labels[key] = expand(template, captures);
            return { action: "map", name: expand(rule.mapping.name, captures), labels, mapping: rule.mapping };
        }
        return { action: "default", name: escapeMetricName(name), labels: {} };
    }
}

/** One exposed Prometheus series: name plus labels (the exporter's own, before Prometheus adds target labels). */
export interface ExposedSeries {
    name: string;
    labels: Record<string, string>;
    type: StatsdType;
}

const DEFAULT_QUANTILES = [0.5, 0.9, 0.99];
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The series statsd-exporter exposes for one mapped event. */
export function exposedSeries(result: MappingResult, type: StatsdType): ExposedSeries[] {
    if (result.action === "drop") return [];
    const base = { labels: result.labels, type };
    if (type !== "observer") return [{ name: result.name, ...base }];
    const m = result.mapping;
    const out: ExposedSeries[] = [
        { name: `${result.name}_sum`, ...base },
        { name: `${result.name}_count`, ...base },
    ];
    if (m?.observer_type === "histogram") {
        for (const le of [...(m.histogram_options?.buckets ?? DEFAULT_BUCKETS).map(String), "+Inf"])
            out.push({ name: `${result.name}_bucket`, labels: { ...result.labels, le }, type });
    } else {
        for (const q of m?.summary_options?.quantiles.map((x) => x.quantile) ?? DEFAULT_QUANTILES)
            out.push({ name: result.name, labels: { ...result.labels, quantile: String(q) }, type });
    }
    return out;
}

/** A series' identity: name and sorted labels. */
export function seriesKey(s: { name: string; labels: Record<string, string> }): string {
    const labels = Object.keys(s.labels)
        .sort()
        .map((k) => `${k}="${s.labels[k]}"`)
        .join(",");
    return `${s.name}{${labels}}`;
}

/**
 * Feeds StatsD lines through the mapper and returns every exposed series, plus the name conflicts statsd-exporter
 * would report (one metric name seen with two different label-name sets: the later samples are dropped).
 */
export function exposeLines(mapper: StatsdMapper, lines: string[]) {
    const series = new Map<string, ExposedSeries>();
    const labelSets = new Map<string, string>();
    const conflicts: string[] = [];
    const results: { line: string; result: MappingResult }[] = [];
    for (const line of lines) {
        const event = parseStatsdLine(line);
        const result = mapper.map(event.name, event.type);
        results.push({ line, result });
        if (result.action === "drop") continue;
        const labelNames = `${event.type}:` + Object.keys(result.labels).sort().join(",");
        const seen = labelSets.get(result.name);
        if (seen !== undefined && seen !== labelNames) {
            conflicts.push(`${result.name}: {${seen}} vs {${labelNames}} (from ${event.name})`);
            continue;
        }
        labelSets.set(result.name, labelNames);
        for (const s of exposedSeries(result, event.type)) series.set(seriesKey(s), s);
    }
    return { series: [...series.values()], conflicts, results };
}
