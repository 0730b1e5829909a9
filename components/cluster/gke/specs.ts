/** Pure: GKE node pool and naming specs, from the typed stack config. */
import { createHash } from "crypto";
import { NodePoolConfig } from "../../../stacks/config";
import { CloudTaint, PoolKind, capacityValue, cloudTaints, poolLabels } from "../placement";

export interface GkeNodePoolSpec {
    /** The pool's kind, `on-demand` or `spot`: the prefix of its GKE name (`on-demand-<random>`) and its Pulumi name. */
    name: string;
    machineType: string;
    diskSizeGb: number;
    spot: boolean;
    labels: Record<string, string>;
    taints: CloudTaint[];
    /** Totals across the region's zones (`total*NodeCount`), not per zone. */
    totalMinNodeCount: number;
    totalMaxNodeCount: number;
    /** ANY lets spot capacity come from whichever zone has it; BALANCED spreads the control plane. */
    locationPolicy: "ANY" | "BALANCED";
}

export function gkeNodePoolSpec(pool: PoolKind, config: NodePoolConfig): GkeNodePoolSpec {
    const spot = pool === "spot";
    return {
        name: capacityValue(pool),
        machineType: config.machineTypes[0],
        diskSizeGb: config.diskSizeGb,
        spot,
        labels: poolLabels(pool),
        taints: cloudTaints("gke", pool),
        totalMinNodeCount: config.minNodes,
        totalMaxNodeCount: config.maxNodes,
        locationPolicy: spot ? "ANY" : "BALANCED",
    };
}

/**
 * Cloud NAT ports per node: dynamic allocation from 256 up to 16384. The 64 static ports of the default run out
 * with a few dozen pods on a node pulling images and cloning repositories at once (Cloud NAT "Ports and addresses":
 * dynamic port allocation; minimum and maximum are powers of two, and endpoint-independent mapping must be off).
 */
export function cloudNatPorts() {
    return { enableDynamicPortAllocation: true, enableEndpointIndependentMapping: false, minPortsPerVm: 256, maxPortsPerVm: 16384 };
}

/** The recurring maintenance window (`gcp.maintenanceWindow`) as GKE's `maintenancePolicy.recurringWindow`. */
export function gkeMaintenancePolicy(window: { days: string[]; startTimeUtc: string; hours: number }) {
    // Any past date serves: GKE reads the time of day and the duration, and repeats by the RRULE.
    const start = new Date(`2025-01-01T${window.startTimeUtc}:00Z`);
    const end = new Date(start.getTime() + window.hours * 3600_000);
    const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z");
    return { recurringWindow: { startTime: iso(start), endTime: iso(end), recurrence: `FREQ=WEEKLY;BYDAY=${window.days.join(",")}` } };
}

/**
 * A GCP service account ID for one cluster and one purpose: `[a-z][a-z0-9-]*[a-z0-9]`, 6–30 characters (the IAM
 * rule), unique per (clusterName, purpose) in a project and stable across runs. It is a readable part (the cluster
 * name and the purpose, each shortened) plus 6 hex of a SHA-256 of both, so that stacks sharing a project
 * (airflow-prod-gke, airflow-staging, airflow-dev) never truncate to the same ID.
 */
export function gcpAccountId(clusterName: string, purpose: string): string {
    const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
    const hash = createHash("sha256").update(`${clusterName}/${purpose}`).digest("hex").slice(0, 6);
    // 30 = readable (≤ 23) + "-" + 6 hex; the cluster name keeps at least 12 characters, the purpose the rest.
    const cleanPurpose = clean(purpose);
    const head = clean(clusterName).slice(0, Math.max(12, 22 - cleanPurpose.length)).replace(/-+$/, "");
    const tail = cleanPurpose.slice(0, Math.max(0, 22 - head.length)).replace(/-+$/, "");
    let readable = [head, tail].filter(Boolean).join("-");
    // Must start with a letter: a cluster name such as "9lives" or an empty one gets a fixed letter in front.
    if (!/^[a-z]/.test(readable)) readable = `sa${readable ? "-" : ""}${readable}`.slice(0, 23).replace(/-+$/, "");
    return `${readable}-${hash}`;
}

/** Workload Identity member of a Kubernetes service account. */
export function workloadIdentityMember(project: string, namespace: string, serviceAccount: string): string {
    return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}
