/** Defaults that depend on the cloud or the environment, in one place. */
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

// Airflow's defaults are the component's own (components/airflow/args.ts); the loader resolves the config with them.
export {
    CELERY_WORKER_BASE_MEMORY,
    DEFAULT_AIRFLOW_RESOURCES,
    airflowSizing,
    workerConcurrencyFor,
} from "../../components/airflow/args";
export type { AirflowComponent } from "../../components/airflow/args";

type Assert<T extends true> = T;
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The schema's `airflow.resources` keys are the component's names (a drift fails the typecheck). */
export type AirflowResourceKeysMatch = Assert<SameKeys<keyof AirflowResourceOverrides, AirflowComponent>>;
