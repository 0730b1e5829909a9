/** What the KEDA component reads, with its defaults (`withKedaDefaults`, one pure function). */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Placement } from "../cluster/types";
import { type DefaultsOf, frozen } from "../defaults";

/** The KEDA component's Args. */
export interface KedaArgs {
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** Where KEDA's three deployments run: the on-demand pool (the operator must outlive a spot reclaim). */
    placement: Placement;
    /** The cluster's readiness (node pools, add-ons) the release waits for. @default [] */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** `KedaArgs` with every default applied. */
export type ResolvedKedaArgs = Required<KedaArgs>;

/** Every default of the KEDA component (the chart version and namespace are pins of index.ts, not Args). */
export const KEDA_DEFAULTS = frozen({ dependsOn: [] } as const satisfies DefaultsOf<ResolvedKedaArgs>);

/** The defaults, applied once. Pure. */
export function withKedaDefaults(args: KedaArgs): ResolvedKedaArgs {
    return { ...args, dependsOn: args.dependsOn ?? [...KEDA_DEFAULTS.dependsOn] };
}
