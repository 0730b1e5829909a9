/**
 * A model of statsd-exporter (prometheus/statsd_exporter v0.28.0), ported from its source so that the mapping can be
 * checked offline: `pkg/mapper` (the glob FSM with its ordering and backtracking, regex rules, templates, load checks,
 * `EscapeMetricName`), `pkg/line` (StatsD and DogStatsD lines, sampling, relative gauges), `pkg/registry` and
 * `pkg/exporter` (vectors per label-name set, type conflicts, TTL) and the client_golang parts a scrape depends on
 * (one HELP per metric name or HTTP 500, summaries with age buckets over beorn7/perks streams, histograms).
 * test/observability-statsd-model.test.ts replays every case recorded from the real exporter
 * (packages/airflow-mixin/test/fixtures/statsd-exporter/) through it. Not modelled: InfluxDB/Librato/SignalFX tags, `honor_labels`, `scale`,
 * native histograms, the mapper cache's size limit.
 */
import type { StatsdMapping } from "./statsd-mapping";

export type StatsdType = "counter" | "gauge" | "observer";

export interface StatsdEvent {
    name: string;
    value: number;
    type: StatsdType;
    /** A gauge line with a leading `+` or `-` adds to the gauge instead of setting it. */
    relative: boolean;
    /** DogStatsD tags (`|#k:v,...`), as the exporter adds them to the labels. */
    labels: Record<string, string>;
}

/** statsd-exporter's default name for a metric (pkg/mapper/escape.go): invalid characters to `_`, `--` kept as one. */
export function escapeMetricName(name: string): string {
    if (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) return name;
    if (name === "") return "";
    let out = /^[0-9]/.test(name) ? "_" : "";
    let prev = "";
    for (const c of name) {
        if (/[a-zA-Z0-9_]/.test(c)) out += c;
        else if (c === "-" && prev === "-") continue;
        else out += "_";
        prev = c;
    }
    return out;
}

function parseDogStatsdTags(component: string, labels: Record<string, string>): void {
    for (const raw of component.split(",")) {
        const tag = raw.startsWith("#") ? raw.slice(1) : raw;
        const i = tag.indexOf(":");
        if (i > 0 && i < tag.length - 1) labels[escapeMetricName(tag.slice(0, i))] = tag.slice(i + 1);
    }
}

// The common case, one sample without rate or tags: parsed without the general path's splits.
const SIMPLE_LINE = /^([^:|#]+):([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\|(c|g|ms|h|d)$/;

/** Parses one StatsD line into events as pkg/line's LineToEvents does (DogStatsD tags enabled, the exporter default). */
export function parseStatsdLineEvents(line: string): StatsdEvent[] {
    const simple = SIMPLE_LINE.exec(line);
    if (simple) {
        const [, name, valueText, statType] = simple;
        const value = Number(valueText);
        const relative = valueText[0] === "+" || valueText[0] === "-";
        if (statType === "c") return [{ name, value, type: "counter", relative, labels: {} }];
        if (statType === "g") return [{ name, value, type: "gauge", relative, labels: {} }];
        return [{ name, value: statType === "ms" ? value / 1000 : value, type: "observer", relative, labels: {} }];
    }
    const colon = line.indexOf(":");
    if (colon <= 0) return [];
    const name = line.slice(0, colon);
    const rest = line.slice(colon + 1);
    const parts = rest.split("|");
    if (parts.length < 2) return [];
    let samples: string[];
    if (parts[0].includes(":")) {
        if (!["ms", "h", "d"].includes(parts[1])) return [];
        const suffix = rest.slice(rest.indexOf("|") + 1);
        samples = parts[0].split(":").map((v) => `${v}|${suffix}`);
    } else samples = rest.includes("|#") ? [rest] : rest.split(":");
    const events: StatsdEvent[] = [];
    for (const sample of samples) {
        const components = sample.split("|");
        if (components.length < 2 || components.length > 6) continue;
        const [valueText, statType] = components;
        const relative = valueText.startsWith("+") || valueText.startsWith("-");
        let value = Number(valueText);
        if (valueText.trim() === "" || Number.isNaN(value)) continue;
        if (components.slice(2).some((c) => c.length === 0)) continue;
        const labels: Record<string, string> = {};
        let copies = 1;
        for (const component of components.slice(2)) {
            if (component[0] === "@") {
                const factor = Number(component.slice(1)) || 1;
                if (statType === "c") value /= factor;
                else if (statType !== "g") copies = Math.trunc(1 / factor);
            } else if (component[0] === "#") parseDogStatsdTags(component.slice(1), labels);
        }
        let type: StatsdType;
        if (statType === "c") type = "counter";
        else if (statType === "g") type = "gauge";
        else if (statType === "ms") [type, value] = ["observer", value / 1000];
        else if (statType === "h" || statType === "d") type = "observer";
        else continue;
        for (let i = 0; i < copies; i += 1) events.push({ name, value, type, relative, labels: { ...labels } });
    }
    return events;
}

/** Parses a line that carries exactly one event (what Airflow sends). */
export function parseStatsdLine(line: string): StatsdEvent {
    const events = parseStatsdLineEvents(line.trim());
    if (events.length !== 1) throw new Error(`not a single-sample StatsD line: ${line}`);
    return events[0];
}

export interface MappingResult {
    /** "map": a rule matched; "drop": a drop rule matched; "default": no rule, the exporter uses the escaped name. */
    action: "map" | "drop" | "default";
    /** The mapper's metric name (a "map" rule's name template expanded; for "default" the escaped StatsD name). */
    name: string;
    labels: Record<string, string>;
    /** The mapping rule that decided, absent for unmatched metrics. */
    mapping?: StatsdMapping;
}

// pkg/mapper/mapper.go
const METRIC_LINE_RE = /^(\*|[a-zA-Z_][a-zA-Z0-9_-]*)(\.\*|\.[a-zA-Z0-9_][a-zA-Z0-9_-]*)*$/;
const METRIC_NAME_RE = /^([a-zA-Z_]|\$\{?\d+\}?)([a-zA-Z0-9_]|\$\{?\d+\}?)*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]+$/;
const TYPES: StatsdType[] = ["counter", "gauge", "observer"];

interface FsmState {
    transitions: Map<string, FsmState>;
    minRemaining: number;
    maxRemaining: number;
    result?: StatsdMapping;
    priority: number;
}

/** A glob template as pkg/mapper/fsm/formatter.go expands it: `$n`/`${n}` within the capture count, others vanish. */
function globTemplate(template: string, captureCount: number): (captures: string[]) => string {
    const parts: (string | number)[] = [];
    let last = 0;
    for (const m of template.matchAll(/\$\{?([a-zA-Z0-9_$]+)\}?/g)) {
        parts.push(template.slice(last, m.index));
        const idx = /^\d+$/.test(m[1]) ? Number(m[1]) : NaN;
        if (idx >= 1 && idx <= captureCount) parts.push(idx - 1);
        last = (m.index ?? 0) + m[0].length;
    }
    parts.push(template.slice(last));
    return (captures) => parts.map((p) => (typeof p === "number" ? (captures[p] ?? "") : p)).join("");
}

/** Go's Regexp.ExpandString: `$name` takes the longest run of word characters, `${name}`, `$$`; unknown names are empty. */
function goExpand(template: string, match: RegExpExecArray): string {
    let out = "";
    for (let i = 0; i < template.length; i += 1) {
        const c = template[i];
        if (c !== "$") {
            out += c;
            continue;
        }
        const rest = template.slice(i + 1);
        if (rest.startsWith("$")) {
            out += "$";
            i += 1;
            continue;
        }
        const m = /^\{([a-zA-Z0-9_]+)\}/.exec(rest) ?? /^([a-zA-Z0-9_]+)/.exec(rest);
        if (!m) {
            out += "$";
            continue;
        }
        const name = m[1];
        if (/^\d+$/.test(name)) out += match[Number(name)] ?? "";
        else out += match.groups?.[name] ?? "";
        i += m[0].length;
    }
    return out;
}

interface GlobRule {
    mapping: StatsdMapping;
    name: (c: string[]) => string;
    labels: [string, (c: string[]) => string][];
}

export class StatsdMapper {
    private readonly roots = new Map<StatsdType, FsmState>();
    private statesCount = 0;
    private readonly globRules = new Map<StatsdMapping, GlobRule>();
    private readonly regexes: { mapping: StatsdMapping; regex: RegExp }[] = [];
    private readonly cache = new Map<StatsdType, Map<string, MappingResult>>();
    /** Glob rules whose final FSM state already existed when they were added: the real mapper never returns them. */
    readonly deadGlobs: StatsdMapping[] = [];

    /** Loads a mapping list like InitFromYAMLString; throws the exporter's own error text for what it refuses. */
    constructor(readonly mappings: StatsdMapping[]) {
        for (const t of TYPES)
            this.roots.set(t, { transitions: new Map(), minRemaining: 0, maxRemaining: 0, priority: 0 });
        for (const mapping of mappings) {
            for (const label of Object.keys(mapping.labels ?? {}))
                if (!LABEL_NAME_RE.test(label)) throw new Error(`invalid label key: ${label}`);
            if (!mapping.name) throw new Error("metric mapping didn't set a metric name");
            if (!METRIC_NAME_RE.test(mapping.name))
                throw new Error(`metric name '${mapping.name}' doesn't match regex '${METRIC_NAME_RE.source}'`);
            if ((mapping.match_type ?? "glob") === "glob") {
                if (!METRIC_LINE_RE.test(mapping.match)) throw new Error(`invalid match: ${mapping.match}`);
                const captures = this.addGlob(mapping);
                this.globRules.set(mapping, {
                    mapping,
                    name: globTemplate(mapping.name, captures),
                    labels: Object.entries(mapping.labels ?? {}).map(([k, v]) => [k, globTemplate(v, captures)]),
                });
            } else {
                this.regexes.push({ mapping, regex: new RegExp(mapping.match.replace(/\(\?P</g, "(?<")) });
            }
            if (mapping.observer_type === "histogram" && mapping.summary_options)
                throw new Error("cannot use histogram observer and summary options at the same time");
            if (mapping.observer_type === "summary" && mapping.histogram_options)
                throw new Error("cannot use summary observer and histogram options at the same time");
        }
    }

    /** fsm.AddState: a state that exists already keeps its result (first rule wins), yet takes the later priority. */
    private addGlob(mapping: StatsdMapping): number {
        const fields = mapping.match.split(".");
        const roots = mapping.match_metric_type
            ? [this.roots.get(mapping.match_metric_type)!]
            : TYPES.map((t) => this.roots.get(t)!);
        let captureCount = 0;
        const finals: FsmState[] = [];
        let dead = false;
        for (let root of roots) {
            captureCount = 0;
            fields.forEach((field, i) => {
                const remaining = fields.length - i - 1;
                let state = root.transitions.get(field);
                if (!state) {
                    state = { transitions: new Map(), minRemaining: remaining, maxRemaining: remaining, priority: 0 };
                    root.transitions.set(field, state);
                    if (i === fields.length - 1) state.result = mapping;
                } else {
                    state.maxRemaining = Math.max(remaining, state.maxRemaining);
                    state.minRemaining = Math.min(remaining, state.minRemaining);
                    if (i === fields.length - 1) dead = true;
                }
                if (field === "*") captureCount += 1;
                root = state;
            });
            finals.push(root);
        }
        for (const state of finals) state.priority = this.statesCount;
        this.statesCount += 1;
        if (dead) this.deadGlobs.push(mapping);
        return captureCount;
    }

    /** fsm.GetMapping with ordering on (the exporter's default): depth-first, backtracking to `*`, lowest priority wins. */
    private fsmLookup(metric: string, type: StatsdType): { state: FsmState; captures: string[] } | undefined {
        const fields = metric.split(".");
        const fits = (s: FsmState | undefined, left: number) =>
            s !== undefined && left <= s.maxRemaining && left >= s.minRemaining;
        let best: { state: FsmState; captures: string[] } | undefined;
        const walk = (current: FsmState, i: number, captures: string[]) => {
            if (i >= fields.length || current.transitions.size === 0) return;
            const left = fields.length - i - 1;
            const exact = current.transitions.get(fields[i]);
            const star = current.transitions.get("*");
            const branches: [FsmState, string[]][] = [];
            if (fits(exact, left)) {
                branches.push([exact!, captures]);
                if (fits(star, left)) branches.push([star!, [...captures, fields[i]]]);
            } else if (fits(star, left)) branches.push([star!, [...captures, fields[i]]]);
            for (const [state, caps] of branches) {
                if (state.result && i === fields.length - 1) {
                    if (!best || best.state.priority > state.priority) best = { state, captures: caps };
                    continue;
                }
                walk(state, i + 1, caps);
            }
        };
        walk(this.roots.get(type)!, 0, []);
        return best;
    }

    map(name: string, type: StatsdType): MappingResult {
        let byName = this.cache.get(type);
        if (!byName) this.cache.set(type, (byName = new Map()));
        let result = byName.get(name);
        if (!result) {
            result = this.mapUncached(name, type);
            byName.set(name, result);
        }
        return result;
    }

    private mapUncached(name: string, type: StatsdType): MappingResult {
        const found = this.globRules.size > 0 ? this.fsmLookup(name, type) : undefined;
        if (found?.state.result) {
            const rule = this.globRules.get(found.state.result)!;
            return this.result(
                rule.mapping,
                rule.name(found.captures),
                Object.fromEntries(rule.labels.map(([k, f]) => [k, f(found.captures)])),
            );
        }
        for (const { mapping, regex } of this.regexes) {
            const m = regex.exec(name);
            if (!m) continue;
            if (mapping.match_metric_type && mapping.match_metric_type !== type) continue;
            const labels = Object.fromEntries(
                Object.entries(mapping.labels ?? {}).map(([k, v]) => [k, goExpand(v, m)]),
            );
            return this.result(mapping, goExpand(mapping.name, m), labels);
        }
        return { action: "default", name: escapeMetricName(name), labels: {} };
    }

    private result(mapping: StatsdMapping, name: string, labels: Record<string, string>): MappingResult {
        return { action: mapping.action === "drop" ? "drop" : "map", name, labels, mapping };
    }
}

// --- The exporter: registry, summaries, histograms, scrape -----------------------------------------------------------

const DEFAULT_HELP = "Metric autogenerated by statsd_exporter.";
const CONFLICTS = "statsd_exporter_events_conflict_total";
const DEFAULT_QUANTILES = [
    { quantile: 0.5, error: 0.05 },
    { quantile: 0.9, error: 0.01 },
    { quantile: 0.99, error: 0.001 },
];
/** prometheus.DefBuckets, the mapper's default histogram buckets. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** client_golang's summary defaults: DefMaxAge 10m, DefAgeBuckets 5, DefBufCap 500. */
const SUMMARY_DEFAULTS = { maxAgeMs: 600_000, ageBuckets: 5, bufCap: 500 };

/** A Go duration ("48h", "1m30s", "2s", "500ms") in milliseconds. */
export function goDurationMs(text: string): number {
    const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let total = 0;
    let rest = text;
    while (rest.length > 0) {
        const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
        if (!m) throw new Error(`not a Go duration: ${text}`);
        total += Number(m[1]) * units[m[2]];
        rest = rest.slice(m[0].length);
    }
    return total;
}

/** strconv.FormatFloat(f, 'g', -1, 64), as the text exposition writes sample values. */
export function goFloat(v: number): string {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "+Inf";
    if (v === -Infinity) return "-Inf";
    if (v === 0) return Object.is(v, -0) ? "-0" : "0";
    const [mantissa, exponent] = v.toExponential().split("e");
    const e = Number(exponent);
    // Go's shortest %g switches to an exponent below 1e-4 and from 1e6 on.
    if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
    return String(v);
}

/** beorn7/perks' targeted quantile stream (quantile/stream.go), as client_golang's summaries use it. */
class PerksStream {
    private buffer: number[] = [];
    private list: { value: number; width: number; delta: number }[] = [];
    private n = 0;

    constructor(
        private readonly targets: { quantile: number; error: number }[],
        private readonly bufCap = 500,
    ) {}

    private f(r: number): number {
        let m = Number.MAX_VALUE;
        for (const t of this.targets) {
            const f =
                t.quantile * this.n <= r
                    ? (2 * t.error * r) / t.quantile
                    : (2 * t.error * (this.n - r)) / (1 - t.quantile);
            if (f < m) m = f;
        }
        return m;
    }

    insert(v: number): void {
        this.buffer.push(v);
        if (this.buffer.length === this.bufCap) this.flush();
    }

    reset(): void {
        this.buffer = [];
        this.list = [];
        this.n = 0;
    }

    count(): number {
        return this.buffer.length + this.n;
    }

    private flush(): void {
        this.buffer.sort((a, b) => a - b);
        let r = 0;
        let i = 0;
        for (const value of this.buffer) {
            let inserted = false;
            for (; i < this.list.length; i += 1) {
                const c = this.list[i];
                if (c.value > value) {
                    this.list.splice(i, 0, { value, width: 1, delta: Math.max(0, Math.floor(this.f(r)) - 1) });
                    i += 1;
                    inserted = true;
                    break;
                }
                r += c.width;
            }
            if (!inserted) {
                this.list.push({ value, width: 1, delta: 0 });
                i += 1;
            }
            this.n += 1;
            r += 1;
        }
        this.buffer = [];
        this.compress();
    }

    private compress(): void {
        if (this.list.length < 2) return;
        let x = this.list[this.list.length - 1];
        let xi = this.list.length - 1;
        let r = this.n - 1 - x.width;
        for (let i = this.list.length - 2; i >= 0; i -= 1) {
            const c = this.list[i];
            if (c.width + x.width + x.delta <= this.f(r)) {
                x.width += c.width;
                this.list.splice(i, 1);
                xi -= 1;
            } else {
                x = c;
                xi = i;
            }
            r -= c.width;
        }
        void xi;
    }

    query(q: number): number {
        if (this.list.length === 0) {
            // perks' fast path before the first flush: the exact nearest rank.
            if (this.buffer.length === 0) return 0;
            const sorted = [...this.buffer].sort((a, b) => a - b);
            const i = Math.max(Math.ceil(sorted.length * q) - 1, 0);
            return sorted[i];
        }
        this.flush();
        let t = Math.ceil(q * this.n);
        t += Math.ceil(this.f(t) / 2);
        let p = this.list[0];
        let r = 0;
        for (const c of this.list.slice(1)) {
            r += p.width;
            if (r + c.width + c.delta > t) return p.value;
            p = c;
        }
        return p.value;
    }
}

/** client_golang's summary: observations buffered, then inserted into `ageBuckets` streams rotated over `maxAge`. */
class SummaryChild {
    private hot: number[] = [];
    private readonly streams: PerksStream[];
    private head = 0;
    private headExp: number;
    private hotExp: number;
    private readonly streamMs: number;
    count = 0;
    sum = 0;

    constructor(
        now: number,
        readonly objectives: { quantile: number; error: number }[],
        maxAgeMs: number,
        ageBuckets: number,
        private readonly bufCap: number,
    ) {
        this.streamMs = maxAgeMs / ageBuckets;
        this.headExp = now + this.streamMs;
        this.hotExp = this.headExp;
        this.streams = Array.from({ length: ageBuckets }, () => new PerksStream(objectives));
    }

    observe(v: number, now: number): void {
        if (now > this.hotExp) this.flush(now);
        this.hot.push(v);
        if (this.hot.length === this.bufCap) this.flush(now);
    }

    private flush(now: number): void {
        const cold = this.hot;
        this.hot = [];
        while (now > this.hotExp) this.hotExp += this.streamMs;
        for (const v of cold) {
            for (const s of this.streams) s.insert(v);
            this.count += 1;
            this.sum += v;
        }
        while (this.hotExp !== this.headExp) {
            this.streams[this.head].reset();
            this.head = (this.head + 1) % this.streams.length;
            this.headExp += this.streamMs;
        }
    }

    /** What a scrape writes: count, sum and each objective's quantile (NaN when the head stream is empty). */
    write(now: number): { count: number; sum: number; quantiles: [number, number][] } {
        this.flush(now);
        const head = this.streams[this.head];
        const quantiles = [...this.objectives]
            .map((o) => o.quantile)
            .sort((a, b) => a - b)
            .map((q): [number, number] => [q, head.count() === 0 ? NaN : head.query(q)]);
        return { count: this.count, sum: this.sum, quantiles };
    }
}

class HistogramChild {
    readonly counts: number[];
    count = 0;
    sum = 0;
    constructor(readonly buckets: number[]) {
        this.counts = buckets.map(() => 0);
    }
    observe(v: number): void {
        const i = this.buckets.findIndex((b) => v <= b);
        if (i >= 0) this.counts[i] += 1;
        this.count += 1;
        this.sum += v;
    }
}

type FamilyType = "counter" | "gauge" | "summary" | "histogram";

interface Child {
    labels: Record<string, string>;
    lastRegisteredAt: number;
    ttlMs: number;
    value: number;
    summary?: SummaryChild;
    histogram?: HistogramChild;
}

/** One client_golang vector: a metric name with one label-name set, its HELP fixed by the event that created it. */
interface Vector {
    name: string;
    type: FamilyType;
    help: string;
    labelNames: string;
    children: Map<string, Child>;
}

export interface Scrape {
    status: 200 | 500;
    /** Exposition lines (HELP, TYPE, samples) of a successful scrape, unsorted. */
    lines: string[];
    /** The client_golang error of a failed scrape (the first line of the 500 body). */
    error?: string;
}

const EMPTY_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const labelKeys = new WeakMap<Record<string, string>, { names: string; key: string }>();

/** The label-name set and the label-value identity of a label set (memoized per object: mapper results are cached). */
function labelIdentity(labels: Record<string, string>): { names: string; key: string } {
    let id = labelKeys.get(labels);
    if (!id) {
        const keys = Object.keys(labels).sort();
        id = { names: keys.join(","), key: keys.map((k) => `${k}\u0000${labels[k]}`).join("\u0001") };
        labelKeys.set(labels, id);
    }
    return id;
}

function renderLabels(labels: Record<string, string>, extra?: [string, string]): string {
    const pairs = Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]] as [string, string]);
    if (extra) pairs.push(extra);
    if (pairs.length === 0) return "";
    const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
    return `{${pairs.map(([k, v]) => `${k}="${esc(v)}"`).join(",")}}`;
}

/** client_golang's proto text of a counter or gauge, as its HELP-mismatch error prints it. */
function protoText(type: FamilyType, child: Child): string {
    const labels = Object.keys(child.labels)
        .sort()
        .map((k) => `label:<name:"${k}" value:"${child.labels[k]}" > `)
        .join("");
    const body =
        type === "counter" || type === "gauge" ? `${type}:<value:${goFloat(child.value)} > ` : `${type}:<...> `;
    return `${labels}${body}`;
}

/**
 * statsd-exporter's registry and exporter over a virtual clock (milliseconds): `send` handles lines as the exporter's
 * Listen loop does, `scrape` answers like `/metrics`. `conflicts` counts `statsd_exporter_events_conflict_total`.
 */
export class StatsdExporterModel {
    private readonly vectors: Vector[] = [];
    private readonly byName = new Map<string, { type: FamilyType; vectors: Map<string, Vector> }>();
    readonly conflicts = new Map<StatsdType, number>();
    now = 0;

    constructor(readonly mapper: StatsdMapper) {}

    advance(ms: number): void {
        this.now += ms;
        this.removeStale();
    }

    send(lines: string[]): void {
        for (const line of lines) for (const event of parseStatsdLineEvents(line)) this.handle(event);
    }

    /** Exporter.handleEvent for one parsed event. */
    handle(event: StatsdEvent): void {
        const result = this.mapper.map(event.name, event.type);
        if (result.action === "drop") return;
        const mapping = result.mapping;
        const help = mapping?.help || DEFAULT_HELP;
        // Without DogStatsD tags the mapper's (cached, never mutated) labels are the event's: no copy per event.
        const tagged = Object.keys(event.labels).length > 0;
        let labels: Record<string, string> = tagged ? { ...event.labels } : EMPTY_LABELS;
        let name: string;
        if (result.action === "map") {
            if (!result.name) return;
            name = escapeMetricName(result.name);
            labels = tagged ? Object.assign(labels, result.labels) : result.labels;
        } else name = result.name;
        const ttlMs = mapping?.ttl ? goDurationMs(mapping.ttl) : 0;
        if (event.type === "counter" && event.value < 0) return;
        const type: FamilyType =
            event.type === "observer" ? (mapping?.observer_type === "histogram" ? "histogram" : "summary") : event.type;
        const child = this.get(name, type, labels, help, ttlMs, mapping);
        if (!child) {
            this.conflicts.set(event.type, (this.conflicts.get(event.type) ?? 0) + 1);
            return;
        }
        if (type === "counter") child.value += event.value;
        else if (type === "gauge") child.value = event.relative ? child.value + event.value : event.value;
        else if (type === "histogram") child.histogram!.observe(event.value);
        else child.summary!.observe(event.value, this.now);
    }

    private conflictsWith(name: string, type: FamilyType): boolean {
        const family = this.byName.get(name);
        return family !== undefined && family.type !== type;
    }

    /** Registry.Get*: the child for these labels, or undefined on a name conflict (the event is counted and lost). */
    private get(
        name: string,
        type: FamilyType,
        labels: Record<string, string>,
        help: string,
        ttlMs: number,
        mapping?: StatsdMapping,
    ): Child | undefined {
        const family = this.byName.get(name);
        const { names, key } = labelIdentity(labels);
        const existing = family?.type === type ? family.vectors.get(names)?.children.get(key) : undefined;
        if (existing) {
            existing.lastRegisteredAt = this.now;
            existing.ttlMs = ttlMs;
            return existing;
        }
        if (this.conflictsWith(name, type)) return undefined;
        if (type === "counter" || type === "gauge") {
            for (const suffix of ["_bucket", "_count", "_sum"])
                if (name.endsWith(suffix) && this.conflictsWith(name.slice(0, -suffix.length), "counter"))
                    return undefined;
        } else {
            const suffixes = type === "histogram" ? ["_sum", "_count", "_bucket"] : ["_sum", "_count"];
            if (suffixes.some((s) => this.conflictsWith(name + s, type))) return undefined;
        }
        let fam = this.byName.get(name);
        if (!fam) {
            fam = { type, vectors: new Map() };
            this.byName.set(name, fam);
        }
        let vector = fam.vectors.get(names);
        if (!vector) {
            vector = { name, type, help, labelNames: names, children: new Map() };
            fam.vectors.set(names, vector);
            this.vectors.push(vector);
        }
        const child: Child = { labels, lastRegisteredAt: this.now, ttlMs, value: 0 };
        if (type === "histogram")
            child.histogram = new HistogramChild(
                mapping?.histogram_options?.buckets?.length ? mapping.histogram_options.buckets : DEFAULT_BUCKETS,
            );
        if (type === "summary") {
            const o = mapping?.summary_options;
            child.summary = new SummaryChild(
                this.now,
                o?.quantiles?.length ? o.quantiles : DEFAULT_QUANTILES,
                o?.max_age ? goDurationMs(o.max_age) : SUMMARY_DEFAULTS.maxAgeMs,
                o?.age_buckets || SUMMARY_DEFAULTS.ageBuckets,
                o?.buf_cap || SUMMARY_DEFAULTS.bufCap,
            );
        }
        vector.children.set(key, child);
        return child;
    }

    /** Registry.RemoveStaleMetrics, which the exporter runs every second. */
    private removeStale(): void {
        for (const v of this.vectors)
            for (const [key, child] of v.children)
                if (child.ttlMs > 0 && child.lastRegisteredAt + child.ttlMs < this.now) v.children.delete(key);
    }

    /** Every series the exporter holds, by Prometheus sample name (what a scrape exposes, HELP conflicts aside). */
    seriesCount(): number {
        let n = 0;
        for (const v of this.vectors)
            for (const c of v.children.values())
                n += c.histogram ? c.histogram.buckets.length + 3 : c.summary ? c.summary.objectives.length + 2 : 1;
        return n;
    }

    /** Children per type: what the exporter's memory grows with. */
    children(): Record<FamilyType, number> {
        const out: Record<FamilyType, number> = { counter: 0, gauge: 0, summary: 0, histogram: 0 };
        for (const v of this.vectors) out[v.type] += v.children.size;
        return out;
    }

    /** Names of the metric families the exporter holds. */
    familyNames(): string[] {
        return [...this.byName.keys()];
    }

    /** Every sample a successful scrape writes, as name, labels (`le`/`quantile` included) and value. */
    samples(): { name: string; labels: Record<string, string>; value: number; integer?: boolean }[] {
        this.removeStale();
        const out: { name: string; labels: Record<string, string>; value: number; integer?: boolean }[] = [];
        for (const v of this.vectors) {
            for (const c of v.children.values()) {
                if (v.type === "counter" || v.type === "gauge")
                    out.push({ name: v.name, labels: c.labels, value: c.value });
                else if (c.histogram) {
                    let cumulative = 0;
                    c.histogram.buckets.forEach((b, i) => {
                        cumulative += c.histogram!.counts[i];
                        out.push({
                            name: `${v.name}_bucket`,
                            labels: { ...c.labels, le: goFloat(b) },
                            value: cumulative,
                            integer: true,
                        });
                    });
                    out.push({
                        name: `${v.name}_bucket`,
                        labels: { ...c.labels, le: "+Inf" },
                        value: c.histogram.count,
                        integer: true,
                    });
                    out.push({ name: `${v.name}_sum`, labels: c.labels, value: c.histogram.sum });
                    out.push({ name: `${v.name}_count`, labels: c.labels, value: c.histogram.count, integer: true });
                } else if (c.summary) {
                    const w = c.summary.write(this.now);
                    for (const [q, value] of w.quantiles)
                        out.push({ name: v.name, labels: { ...c.labels, quantile: goFloat(q) }, value });
                    out.push({ name: `${v.name}_sum`, labels: c.labels, value: w.sum });
                    out.push({ name: `${v.name}_count`, labels: c.labels, value: w.count, integer: true });
                }
            }
        }
        for (const [type, n] of this.conflicts) out.push({ name: CONFLICTS, labels: { type }, value: n });
        return out;
    }

    scrape(): Scrape {
        this.removeStale();
        const lines: string[] = [];
        const helpByName = new Map<string, string>();
        const typeByName = new Map<string, FamilyType>();
        for (const v of this.vectors) {
            if (v.children.size === 0) continue;
            const help = helpByName.get(v.name);
            if (help !== undefined && help !== v.help) {
                const child = v.children.values().next().value as Child;
                return {
                    status: 500,
                    lines: [],
                    error: `collected metric ${v.name} ${protoText(v.type, child)} has help "${v.help}" but should have "${help}"`,
                };
            }
            helpByName.set(v.name, v.help);
            typeByName.set(v.name, v.type);
        }
        // client_golang's checkSuffixCollisions: a counter or gauge named like a summary's or histogram's own series.
        for (const [name, type] of typeByName) {
            const suffixes =
                type === "histogram" ? ["_count", "_sum", "_bucket"] : type === "summary" ? ["_count", "_sum"] : [];
            for (const s of suffixes)
                if (typeByName.has(name + s))
                    return {
                        status: 500,
                        lines: [],
                        error: `collected metric named ${name + s} collides with previously collected ${type} named ${name}`,
                    };
        }
        for (const [name, help] of helpByName)
            lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${typeByName.get(name)}`);
        const samples = this.samples();
        for (const x of samples) {
            if (x.name === CONFLICTS) continue;
            const { le, quantile, ...labels } = x.labels;
            const extra: [string, string] | undefined =
                le !== undefined ? ["le", le] : quantile !== undefined ? ["quantile", quantile] : undefined;
            lines.push(`${x.name}${renderLabels(labels, extra)} ${x.integer ? x.value : goFloat(x.value)}`);
        }
        const conflicts = samples.filter((x) => x.name === CONFLICTS);
        if (conflicts.length > 0) {
            lines.push(
                `# HELP ${CONFLICTS} The total number of StatsD events with conflicting names.`,
                `# TYPE ${CONFLICTS} counter`,
            );
            for (const x of conflicts) lines.push(`${CONFLICTS}${renderLabels(x.labels)} ${x.value}`);
        }
        return { status: 200, lines };
    }
}

// --- Series bookkeeping for the mapping's own tests and tools --------------------------------------------------------

/** One exposed Prometheus series: name plus labels (the exporter's own, before Prometheus adds target labels). */
export interface ExposedSeries {
    name: string;
    labels: Record<string, string>;
    type: StatsdType;
}

/** A series' identity: name and sorted labels. */
export function seriesKey(s: { name: string; labels: Record<string, string> }): string {
    const labels = Object.keys(s.labels)
        .sort()
        .map((k) => `${k}="${s.labels[k]}"`)
        .join(",");
    return `${s.name}{${labels}}`;
}

/** Parses one exposition sample line (`name{a="x"} 1`) into name, labels and value. */
export function parseSampleLine(line: string): { name: string; labels: Record<string, string>; value: number } {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[pair[1]] = pair[2].replace(/\\(.)/g, "$1");
    const value = m[4] === "+Inf" ? Infinity : m[4] === "-Inf" ? -Infinity : Number(m[4]);
    return { name: m[1], labels, value };
}

/**
 * Feeds StatsD lines through the exporter model and returns every exposed series, with the failures the real exporter
 * would show: `conflicts` (events lost to a type conflict) and `scrapeError` (the HTTP 500 a HELP mismatch causes).
 */
export function exposeLines(mapper: StatsdMapper, lines: string[]) {
    const exporter = new StatsdExporterModel(mapper);
    for (const line of lines) for (const event of parseStatsdLineEvents(line)) exporter.handle(event);
    const scrape = exporter.scrape();
    const series: ExposedSeries[] = [];
    const seen = new Set<string>();
    const types = new Map<string, StatsdType>();
    for (const l of scrape.lines) {
        const t = /^# TYPE (\S+) (\S+)$/.exec(l);
        if (t) types.set(t[1], t[2] === "counter" ? "counter" : t[2] === "gauge" ? "gauge" : "observer");
        if (l.startsWith("#")) continue;
        const s = parseSampleLine(l);
        if (s.name === "statsd_exporter_events_conflict_total") continue;
        const key = seriesKey(s);
        if (seen.has(key)) continue;
        seen.add(key);
        const base = s.name.replace(/_(sum|count|bucket)$/, "");
        series.push({ name: s.name, labels: s.labels, type: types.get(s.name) ?? types.get(base) ?? "counter" });
    }
    const conflicts = [...exporter.conflicts].map(([type, n]) => `${n} ${type} event(s) lost to a type conflict`);
    return { series, conflicts, scrapeError: scrape.error, exporter };
}
