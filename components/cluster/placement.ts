/**
 * Pure: how each pool's nodes are labelled and tainted, and the placement (nodeSelector + tolerations) that matches.
 * The node pools and the placement outputs are both derived from here, so they cannot drift apart.
 */
import { Placement, PoolPlacements, Toleration } from "./types";

/** Label every node of ours carries: `on-demand` or `spot`. The same key on both clouds. */
export const CAPACITY_LABEL = "airflow-platform/capacity";

export type PoolKind = "onDemand" | "spot";
export type ManagedCloud = "gke" | "eks";

/** GKE's own spot taint key; declared explicitly because GKE Standard does not taint spot nodes by itself. */
export const GKE_SPOT_TAINT: Toleration = {
    key: "cloud.google.com/gke-spot",
    operator: "Equal",
    value: "true",
    effect: "NoSchedule",
};

/** EKS does not taint spot nodes at all; ours reuses the capacity label key, so the taint reads like the label. */
export const EKS_SPOT_TAINT: Toleration = { key: CAPACITY_LABEL, operator: "Equal", value: "spot", effect: "NoSchedule" };

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

export function capacityValue(pool: PoolKind): "on-demand" | "spot" {
    return pool === "spot" ? "spot" : "on-demand";
}

/** The Kubernetes taints of a pool: none on-demand, the cloud's spot taint on spot. */
export function poolTaints(cloud: ManagedCloud, pool: PoolKind): Toleration[] {
    if (pool === "onDemand") return [];
    return [cloud === "gke" ? GKE_SPOT_TAINT : EKS_SPOT_TAINT];
}

/** The node labels of a pool. */
export function poolLabels(pool: PoolKind): Record<string, string> {
    return { [CAPACITY_LABEL]: capacityValue(pool) };
}

/** Taints in the cloud API's shape. */
export function cloudTaints(cloud: ManagedCloud, pool: PoolKind): CloudTaint[] {
    return poolTaints(cloud, pool).map((t) => ({ key: t.key, value: t.value ?? "", effect: CLOUD_EFFECT[t.effect] }));
}

/** What a workload needs to land on a pool: select its label, tolerate its taints. */
export function poolPlacement(cloud: ManagedCloud, pool: PoolKind): Placement {
    return { nodeSelector: poolLabels(pool), tolerations: poolTaints(cloud, pool).map((t) => ({ ...t })) };
}

export function managedPlacements(cloud: ManagedCloud): PoolPlacements {
    return { onDemand: poolPlacement(cloud, "onDemand"), spot: poolPlacement(cloud, "spot") };
}
