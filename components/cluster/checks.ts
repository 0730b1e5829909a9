/**
 * The refusals every managed cluster (GKE, EKS) shares, as `ArgsIssue`s by their path in the cluster's Args. Each kind
 * adds its cloud's own (gke/checks.ts, eks/checks.ts); messages name other Args in backticks (`nodePools.spot.maxNodes`)
 * so that the stack layer can name the config key instead. Pure.
 */
import type { ArgsIssue } from "../validation";
import type { ManagedClusterArgs } from "./args";

/** The pools every managed cluster builds, in the order the Args declare them. */
export const NODE_POOL_KINDS = ["onDemand", "spot", "fallback"] as const;

/** What both managed kinds refuse: node pools a cloud cannot autoscale, or that leave the control plane nowhere to run. */
export function checkManagedClusterArgs(args: Pick<ManagedClusterArgs<unknown>, "nodePools">): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    const pools = args.nodePools;
    for (const kind of NODE_POOL_KINDS) {
        const pool = pools[kind];
        if (pool.machineTypes.length === 0)
            issues.push({
                path: `nodePools.${kind}.machineTypes`,
                message: "must list at least one machine or instance type",
            });
        // GKE and EKS both reject an autoscaling range whose minimum exceeds its maximum.
        if (pool.minNodes > pool.maxNodes)
            issues.push({
                path: `nodePools.${kind}.minNodes`,
                message: `must not exceed \`nodePools.${kind}.maxNodes\` (${pool.maxNodes})`,
            });
    }
    if (pools.onDemand.minNodes < 1)
        issues.push({
            path: "nodePools.onDemand.minNodes",
            message: "must be at least 1: the control plane lives there",
        });
    return issues;
}
