/**
 * Pure: how each pool's nodes are labelled and tainted, and the placements (nodeSelector, affinity, tolerations) that
 * match. The node pools and the placement outputs are both derived from here, so they cannot drift apart.
 *
 * Three kinds of pool: on-demand (the control plane: scheduler, API server, monitoring), spot (several, of different
 * machine families: the work) and one on-demand fallback that takes the work only when no spot capacity can be had.
 */
import { NodeSelectorRequirement, Placement, PoolPlacements, Toleration } from "./types";

/** Label every node of ours carries: `on-demand`, `spot` or `fallback`. The same key on both clouds. */
export const CAPACITY_LABEL = "airflow-platform/capacity";

export type PoolKind = "onDemand" | "spot" | "fallback";
export type ManagedCloud = "gke" | "eks";

/** GKE's own spot taint key; declared explicitly because GKE Standard does not taint spot nodes by itself. */
export const GKE_SPOT_TAINT: Toleration = {
    key: "cloud.google.com/gke-spot",
    operator: "Equal",
    value: "true",
    effect: "NoSchedule",
};

/** EKS does not taint spot nodes at all; ours reuses the capacity label key, so the taint reads like the label. */
export const EKS_SPOT_TAINT: Toleration = {
    key: CAPACITY_LABEL,
    operator: "Equal",
    value: "spot",
    effect: "NoSchedule",
};

/** The fallback pool's own taint, on both clouds: only the workers tolerate it, so nothing else lands on it. */
export const FALLBACK_TAINT: Toleration = {
    key: CAPACITY_LABEL,
    operator: "Equal",
    value: "fallback",
    effect: "NoSchedule",
};

/**
 * GKE: the custom ComputeClass that orders the workers' pools (spot first, the fallback last). Manually created pools
 * join a class by carrying its label and its NoSchedule taint (GKE, "About custom ComputeClasses").
 */
export const WORKERS_COMPUTE_CLASS = "airflow-workers";
export const COMPUTE_CLASS_LABEL = "cloud.google.com/compute-class";
export const COMPUTE_CLASS_TAINT: Toleration = {
    key: COMPUTE_CLASS_LABEL,
    operator: "Equal",
    value: WORKERS_COMPUTE_CLASS,
    effect: "NoSchedule",
};

/** A taint as the cloud APIs take it (GKE `nodeConfig.taints`, EKS `taints`): effect in upper snake case. */
export interface CloudTaint {
    key: string;
    value: string;
    effect: "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE";
}

const CLOUD_EFFECT: Record<Toleration["effect"], CloudTaint["effect"]> = {
    NoSchedule: "NO_SCHEDULE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
};

export function capacityValue(pool: PoolKind): "on-demand" | "spot" | "fallback" {
    return pool === "onDemand" ? "on-demand" : pool;
}

/** The Kubernetes taints of a pool: none on-demand, the spot or the fallback taint, and on GKE the workers' class. */
export function poolTaints(cloud: ManagedCloud, pool: PoolKind): Toleration[] {
    if (pool === "onDemand") return [];
    const own = pool === "spot" ? (cloud === "gke" ? GKE_SPOT_TAINT : EKS_SPOT_TAINT) : FALLBACK_TAINT;
    return cloud === "gke" ? [own, COMPUTE_CLASS_TAINT] : [own];
}

/** The node labels of a pool. */
export function poolLabels(cloud: ManagedCloud, pool: PoolKind): Record<string, string> {
    const labels: Record<string, string> = { [CAPACITY_LABEL]: capacityValue(pool) };
    if (cloud === "gke" && pool !== "onDemand") labels[COMPUTE_CLASS_LABEL] = WORKERS_COMPUTE_CLASS;
    return labels;
}

/** Taints in the cloud API's shape. */
export function cloudTaints(cloud: ManagedCloud, pool: PoolKind): CloudTaint[] {
    return poolTaints(cloud, pool).map((t) => ({ key: t.key, value: t.value ?? "", effect: CLOUD_EFFECT[t.effect] }));
}

/**
 * What a workload needs to land on one kind of pool: select its capacity label (the one label that tells the kinds
 * apart; monitoring reads it to tell spot from fallback nodes), tolerate its taints.
 */
export function poolPlacement(cloud: ManagedCloud, pool: PoolKind): Placement {
    return {
        nodeSelector: { [CAPACITY_LABEL]: capacityValue(pool) },
        tolerations: poolTaints(cloud, pool).map((t) => ({ ...t })),
    };
}

const capacityIn = (...values: string[]): NodeSelectorRequirement => ({ key: CAPACITY_LABEL, operator: "In", values });

/**
 * Where Celery workers and KubernetesExecutor task pods run: spot, or the fallback when spot cannot be had.
 * - Which pool grows is the autoscaler's choice, made by the cloud's priority mechanism (GKE: the ComputeClass'
 *   priorities; EKS: the cluster autoscaler's priority expander), since the autoscaler ignores preferred affinity.
 * - Among nodes that exist, the scheduler prefers spot (preferred affinity), so the fallback empties as spot returns.
 * - The pods tolerate both taints and nothing else: the on-demand control-plane nodes stay out of reach.
 * - On GKE the pods select the class (a hard selector on our capacity label on top would be redundant: every pool of
 *   the class is spot or fallback); on EKS a required affinity keeps them on spot or fallback nodes.
 */
export function workerPlacement(cloud: ManagedCloud): Placement {
    const tolerations = [...poolTaints(cloud, "spot"), ...poolTaints(cloud, "fallback")].filter(
        (t, i, all) => all.findIndex((o) => o.key === t.key && o.value === t.value) === i,
    );
    return {
        nodeSelector: cloud === "gke" ? { [COMPUTE_CLASS_LABEL]: WORKERS_COMPUTE_CLASS } : {},
        affinity: {
            nodeAffinity: {
                ...(cloud === "eks"
                    ? {
                          requiredDuringSchedulingIgnoredDuringExecution: {
                              nodeSelectorTerms: [{ matchExpressions: [capacityIn("spot", "fallback")] }],
                          },
                      }
                    : {}),
                preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, preference: { matchExpressions: [capacityIn("spot")] } },
                ],
            },
        },
        tolerations: tolerations.map((t) => ({ ...t })),
    };
}

export function managedPlacements(cloud: ManagedCloud): PoolPlacements {
    return {
        onDemand: poolPlacement(cloud, "onDemand"),
        spot: poolPlacement(cloud, "spot"),
        fallback: poolPlacement(cloud, "fallback"),
        workers: workerPlacement(cloud),
    };
}
