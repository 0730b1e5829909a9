/**
 * The config layer's own defaults: those that depend on the cloud, the environment or the kind of stack, which no
 * component can know. Every other default belongs to its component and is written once there, as a constant in its
 * args.ts (`AIRFLOW_DEFAULTS`, `OBSERVABILITY_DEFAULTS`, `EXPOSURE_DEFAULTS`, `INGRESS_DEFAULTS`,
 * `DEVSPACE_FRAME_DEFAULTS`, `KEDA_DEFAULTS`, the cluster kinds' `GKE_CLUSTER_DEFAULTS`, `EKS_CLUSTER_DEFAULTS`,
 * `EXISTING_CLUSTER_DEFAULTS` and their databases'; Airflow's sizing by environment is `airflowSizing`): the schema's
 * `.default(...)`s read those constants, and the component applies the same ones to Args written by hand.
 * The config layer's other choices by cloud or environment are made where the config is mapped to Args
 * (stacks/args/: e.g. Observability's `clusterDns` and sizes, `deletionProtection` as Airflow's `protect`).
 */
import type { AirflowComponent } from "../../components/airflow/args";
import type { AirflowResourceOverrides } from "./schema";

/** Default pools per cloud: general-purpose on-demand nodes, and several spot types for capacity diversity. */
export const DEFAULT_NODE_POOLS: Record<"gke" | "eks", { onDemand: string[]; spot: string[] }> = {
    // Three families (Intel N2, AMD N2D, shared-core E2) of the same size: a stockout of one family leaves the others.
    gke: { onDemand: ["e2-standard-4"], spot: ["n2-standard-4", "n2d-standard-4", "e2-standard-4"] },
    // Two spot groups (m: 4 vCPU/16 GiB, r: 4 vCPU/32 GiB), each of several generations and vendors.
    eks: {
        onDemand: ["m6i.xlarge"],
        spot: ["m6i.xlarge", "m6a.xlarge", "m5.xlarge", "m7i.xlarge", "r6i.xlarge", "r5.xlarge"],
    },
};

/**
 * Default size of each node pool when the file leaves it out: the control plane's on-demand pool keeps one node, the
 * spot pools (and the fallback, which takes the spot maximum) scale from zero. `diskSizeGb` is each node's boot disk.
 */
export const DEFAULT_NODE_POOL_SIZES = {
    onDemand: { minNodes: 1, maxNodes: 3 },
    spot: { minNodes: 0, maxNodes: 10 },
    fallback: { minNodes: 0 },
    diskSizeGb: 100,
} as const;

/**
 * A devspace's Airflow (stackKind devspace, not prod), over the component's defaults: its quota holds one Celery worker
 * beside the control plane, and `airflow db clean` is off (the devspace is short-lived and the CronJob would take
 * quota).
 */
export const DEVSPACE_AIRFLOW_DEFAULTS = { maxWorkers: 1, databaseCleanup: false } as const;

type Assert<T extends true> = T;
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The schema's `airflow.resources` keys are the component's names (a drift fails the typecheck). */
export type AirflowResourceKeysMatch = Assert<SameKeys<keyof AirflowResourceOverrides, AirflowComponent>>;
