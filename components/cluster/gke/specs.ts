/** Pure: GKE node pool and naming specs, from the typed stack config. */
import { NodePoolConfig } from "../../../stacks/config";
import { CloudTaint, PoolKind, cloudTaints, poolLabels } from "../placement";

export interface GkeNodePoolSpec {
    /** Node pool name in GKE: `on-demand` or `spot`. */
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
        name: spot ? "spot" : "on-demand",
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
 * A GCP service account ID (6–30 characters, lower-case letters, digits, dashes, starting with a letter) made of a
 * prefix and a suffix; the prefix is shortened so that the suffix always survives.
 */
export function gcpAccountId(prefix: string, suffix: string): string {
    const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-");
    const tail = clean(suffix).replace(/^-|-$/g, "").slice(0, 29);
    const room = 30 - tail.length - 1;
    let head = clean(prefix).slice(0, Math.max(room, 0)).replace(/-+$/, "");
    if (!/^[a-z]/.test(head)) head = `a${head}`.slice(0, Math.max(room, 1));
    const id = head ? `${head}-${tail}` : tail;
    return id.length >= 6 ? id : `${id}-sa`.padEnd(6, "0");
}

/** Workload Identity member of a Kubernetes service account. */
export function workloadIdentityMember(project: string, namespace: string, serviceAccount: string): string {
    return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}
