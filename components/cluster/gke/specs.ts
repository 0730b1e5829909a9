/** Pure: GKE node pool and naming specs, from the node pools' Args. */
import { createHash } from "crypto";
import type { NodePoolArgs } from "../args";
import { CloudTaint, PoolKind, WORKERS_COMPUTE_CLASS, capacityValue, cloudTaints, poolLabels } from "../placement";

export interface GkeNodePoolSpec {
    kind: PoolKind;
    /**
     * The prefix of its GKE name (`<name>-<random>`) and its Pulumi name: `on-demand`, `fallback`, or `spot-<family>`
     * (e.g. `spot-n2d`). GKE allows 40 characters and the provider appends 26, so a prefix stays within 14.
     */
    name: string;
    machineType: string;
    diskSizeGb: number;
    spot: boolean;
    labels: Record<string, string>;
    taints: CloudTaint[];
    /** Totals across the region's zones (`total*NodeCount`), not per zone. */
    totalMinNodeCount: number;
    totalMaxNodeCount: number;
    /** ANY lets spot and fallback capacity come from whichever zone has it; BALANCED spreads the control plane. */
    locationPolicy: "ANY" | "BALANCED";
}

function poolSpec(
    kind: PoolKind,
    name: string,
    machineType: string,
    config: NodePoolArgs,
    minNodes: number,
): GkeNodePoolSpec {
    return {
        kind,
        name,
        machineType,
        diskSizeGb: config.diskSizeGb,
        spot: kind === "spot",
        labels: poolLabels("gke", kind),
        taints: cloudTaints("gke", kind),
        totalMinNodeCount: minNodes,
        totalMaxNodeCount: config.maxNodes,
        locationPolicy: kind === "onDemand" ? "BALANCED" : "ANY",
    };
}

/** The machine family of a GKE machine type: `n2d` of `n2d-standard-8`. */
export function machineFamily(machineType: string): string {
    return machineType.split("-")[0];
}

/** The on-demand pool of one kind: `onDemand` (the control plane) or `fallback` (the workers' last resort). */
export function gkeNodePoolSpec(pool: "onDemand" | "fallback", config: NodePoolArgs): GkeNodePoolSpec {
    return poolSpec(pool, capacityValue(pool), config.machineTypes[0], config, config.minNodes);
}

/**
 * One spot pool per machine type of `nodePools.spot.machineTypes` (one per family: a config check), in the listed
 * order, which is also the order GKE tries them in. `minNodes` applies to the first pool only, `maxNodes` to each.
 */
export function gkeSpotPoolSpecs(config: NodePoolArgs): GkeNodePoolSpec[] {
    return config.machineTypes.map((type, i) =>
        poolSpec("spot", `spot-${machineFamily(type)}`, type, config, i === 0 ? config.minNodes : 0),
    );
}

/**
 * The workers' custom ComputeClass (cloud.google.com/v1): GKE's autoscaler grows the spot pools first and the fallback
 * only when none of them can get capacity (a stockout, a quota), and with active migration moves the work back to
 * spot once it can. `whenUnsatisfiable: DoNotScaleUp`: never a node outside these pools. (GKE "About custom
 * ComputeClasses", "ComputeClass CRD reference"; GKE 1.30.3-gke.1451000 or later.)
 */
export function workersComputeClass<Name>(pools: { spot: Name[]; fallback: Name }) {
    return {
        apiVersion: "cloud.google.com/v1",
        kind: "ComputeClass",
        metadata: { name: WORKERS_COMPUTE_CLASS },
        spec: {
            priorities: [...pools.spot.map((name) => ({ nodepools: [name] })), { nodepools: [pools.fallback] }],
            activeMigration: { optimizeRulePriority: true },
            nodePoolAutoCreation: { enabled: false },
            whenUnsatisfiable: "DoNotScaleUp",
        },
    };
}

/**
 * Cloud NAT ports per node: dynamic allocation from 256 up to 16384. The 64 static ports of the default run out
 * with a few dozen pods on a node pulling images and cloning repositories at once (Cloud NAT "Ports and addresses":
 * dynamic port allocation; minimum and maximum are powers of two, and endpoint-independent mapping must be off).
 */
export function cloudNatPorts() {
    return {
        enableDynamicPortAllocation: true,
        enableEndpointIndependentMapping: false,
        minPortsPerVm: 256,
        maxPortsPerVm: 16384,
    };
}

/**
 * Pure: the cluster fields that enforce NetworkPolicy. Dataplane V2 is `datapathProvider: ADVANCED_DATAPATH`, ForceNew
 * (magic-modules resource_container_cluster.go; GKE "Using GKE Dataplane V2": at creation only), with enforcement
 * built in. Calico is the network policy add-on on the control plane plus `networkPolicy` on the nodes (the provider
 * applies `addonsConfig` before `networkPolicy` in one update; GKE "Enabling network policy enforcement": the add-on
 * first, then the nodes, which GKE re-creates); `datapathProvider` stays unset, so a legacy-datapath cluster keeps it.
 */
export function gkeNetworkPolicyFields(mode: "dataplane-v2" | "calico"): {
    datapathProvider?: string;
    networkPolicy?: { enabled: boolean; provider: string };
    networkPolicyConfig?: { disabled: boolean };
} {
    return mode === "dataplane-v2"
        ? { datapathProvider: "ADVANCED_DATAPATH" }
        : { networkPolicy: { enabled: true, provider: "CALICO" }, networkPolicyConfig: { disabled: false } };
}

/** The recurring maintenance window (`gcp.maintenanceWindow`) as GKE's `maintenancePolicy.recurringWindow`. */
export function gkeMaintenancePolicy(window: { days: string[]; startTimeUtc: string; hours: number }) {
    // Any past date serves: GKE reads the time of day and the duration, and repeats by the RRULE.
    const start = new Date(`2025-01-01T${window.startTimeUtc}:00Z`);
    const end = new Date(start.getTime() + window.hours * 3600_000);
    const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z");
    return {
        recurringWindow: {
            startTime: iso(start),
            endTime: iso(end),
            recurrence: `FREQ=WEEKLY;BYDAY=${window.days.join(",")}`,
        },
    };
}

/**
 * A GCP service account ID for one cluster and one purpose: `[a-z][a-z0-9-]*[a-z0-9]`, 6–30 characters (the IAM
 * rule), unique per (clusterName, purpose) in a project and stable across runs. It is a readable part (the cluster
 * name and the purpose, each shortened) plus 6 hex of a SHA-256 of both, so that stacks sharing a project
 * (airflow-prod-gke, airflow-staging, airflow-dev) never truncate to the same ID.
 */
export function gcpAccountId(clusterName: string, purpose: string): string {
    const clean = (s: string) =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9-]/g, "-")
            .replace(/-+/g, "-")
            .replace(/^-|-$/g, "");
    const hash = createHash("sha256").update(`${clusterName}/${purpose}`).digest("hex").slice(0, 6);
    // 30 = readable (≤ 23) + "-" + 6 hex; the cluster name keeps at least 12 characters, the purpose the rest.
    const cleanPurpose = clean(purpose);
    const head = clean(clusterName)
        .slice(0, Math.max(12, 22 - cleanPurpose.length))
        .replace(/-+$/, "");
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
