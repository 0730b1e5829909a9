/**
 * The files a reviewer reads in a plan, pulled out of the registered resources: Helm values, Grafana dashboards,
 * Prometheus rules and the statsd mapping.
 */
import * as YAML from "yaml";
import { describeDevspaceRequests, devspaceRequestsOf, frameObjects } from "../../components/devspace/requests";
import { inspectPromql } from "@airflow-platform/airflow-mixin";
import { ALERTMANAGER_CONFIG_KEY } from "../../components/observability/values";
import { PlannedResource, SECRET } from "./runtime";

export interface Artifact {
    path: string;
    content: string;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});

export function planArtifacts(resources: PlannedResource[]): Artifact[] {
    const artifacts: Artifact[] = [];
    for (const r of resources) {
        const inputs = asObj(r.inputs);
        if (r.type === "kubernetes:helm.sh/v3:Release") {
            // A release that sets no values has no file: plan.md says it runs on the chart's defaults.
            if (Object.keys(asObj(inputs.values)).length > 0)
                artifacts.push({ path: `helm/${r.name}.values.yaml`, content: YAML.stringify(inputs.values) });
            const mappings = asObj(asObj(inputs.values).statsd).overrideMappings;
            if (Array.isArray(mappings) && mappings.length > 0)
                artifacts.push({ path: "statsd-mapping.yaml", content: YAML.stringify({ mappings }) });
        }
        if (r.type === "kubernetes:core/v1:ConfigMap") {
            const metadata = asObj(inputs.metadata);
            const labels = asObj(metadata.labels);
            const data = asObj(inputs.data);
            for (const [key, value] of Object.entries(data))
                if (labels.grafana_dashboard !== undefined && key.endsWith(".json") && typeof value === "string")
                    artifacts.push({ path: `dashboards/${key}`, content: prettyJson(value) });
        }
        const alertmanagerYaml = asObj(inputs.stringData)[ALERTMANAGER_CONFIG_KEY];
        if (
            r.type === "kubernetes:core/v1:Secret" &&
            typeof alertmanagerYaml === "string" &&
            alertmanagerYaml !== SECRET
        )
            artifacts.push({ path: ALERTMANAGER_CONFIG_KEY, content: alertmanagerYaml });
        if (r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule") {
            const spec = asObj(inputs.spec);
            artifacts.push({
                path: `rules/${r.name}.rules.yaml`,
                content: YAML.stringify({ groups: spec.groups ?? [] }),
            });
        }
    }
    const inventory = metricsUsed(resources);
    if (inventory) artifacts.push({ path: "metrics-used.txt", content: inventory });
    return artifacts;
}

/** Which metric each dashboard panel and rule reads (from the planned dashboards and PrometheusRules). */
function metricsUsed(resources: PlannedResource[]): string | undefined {
    const uses = new Map<string, Set<string>>();
    const add = (where: string, expr: unknown) => {
        if (typeof expr !== "string") return;
        for (const s of inspectPromql(expr).selectors) uses.set(s.metric, (uses.get(s.metric) ?? new Set()).add(where));
    };
    for (const r of resources) {
        const inputs = asObj(r.inputs);
        if (r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
            for (const g of (asObj(inputs.spec).groups as Obj[] | undefined) ?? [])
                for (const rule of (g.rules as Obj[] | undefined) ?? [])
                    add(`rule ${rule.alert ?? rule.record}`, rule.expr);
        if (
            r.type === "kubernetes:core/v1:ConfigMap" &&
            asObj(asObj(inputs.metadata).labels).grafana_dashboard !== undefined
        )
            for (const text of Object.values(asObj(inputs.data))) {
                if (typeof text !== "string") continue;
                const dashboard = JSON.parse(text) as {
                    title: string;
                    panels?: { title?: string; targets?: { expr?: string }[] }[];
                };
                for (const panel of dashboard.panels ?? [])
                    for (const t of panel.targets ?? []) add(`${dashboard.title}: ${panel.title}`, t.expr);
            }
    }
    if (uses.size === 0) return undefined;
    return (
        [...uses.keys()]
            .sort()
            .map((m) => `${m}\n${[...uses.get(m)!].map((w) => `    ${w}`).join("\n")}`)
            .join("\n") + "\n"
    );
}

function prettyJson(text: string): string {
    try {
        return JSON.stringify(JSON.parse(text), null, 2) + "\n";
    } catch {
        return text;
    }
}

/** One line per node pool: machine, capacity type, min/max, taints. */
export function describeNodePools(resources: PlannedResource[]): string[] {
    const lines: string[] = [];
    for (const r of resources) {
        const i = asObj(r.inputs);
        if (r.type === "gcp:container/nodePool:NodePool") {
            const node = asObj(i.nodeConfig);
            const scaling = asObj(i.autoscaling);
            const taints = (node.taints as Obj[] | undefined) ?? [];
            lines.push(
                `${r.name}: ${node.machineType} ${node.spot ? "SPOT" : "ON_DEMAND"} ` +
                    `min ${scaling.totalMinNodeCount} max ${scaling.totalMaxNodeCount} ` +
                    `taints [${taints.map((t) => `${t.key}=${t.value}:${t.effect}`).join(", ")}]`,
            );
        }
        if (r.type === "aws:eks/nodeGroup:NodeGroup") {
            const scaling = asObj(i.scalingConfig);
            const taints = (i.taints as Obj[] | undefined) ?? [];
            lines.push(
                `${r.name}: ${((i.instanceTypes as string[]) ?? []).join("|")} ${i.capacityType ?? "ON_DEMAND"} ` +
                    `min ${scaling.minSize} max ${scaling.maxSize} ` +
                    `taints [${taints.map((t) => `${t.key}=${t.value}:${t.effect}`).join(", ")}]`,
            );
        }
    }
    return lines;
}

/**
 * What a devspace requests, summed from its planned Helm values and workloads (components/devspace/requests.ts), next
 * to the quota of the frame the dev stack gives its namespace; undefined when the plan is not a devspace's.
 */
export function devspaceRequests(
    resources: PlannedResource[],
    outputs: Record<string, unknown> = {},
): string | undefined {
    const namespace = outputs.namespace;
    const quota = outputs.quota as Parameters<typeof frameObjects>[1] | undefined;
    if (typeof namespace !== "string" || !quota || typeof outputs.developer !== "string") return undefined;
    try {
        return describeDevspaceRequests(
            devspaceRequestsOf([...resources, ...frameObjects(namespace, quota)], namespace),
        );
    } catch (err) {
        // The summary must not hide the rest of the plan; the devspace tests fail on the same error.
        return `cannot be summed: ${err instanceof Error ? err.message : String(err)}`;
    }
}
