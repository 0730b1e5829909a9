/**
 * What GKE, Cloud SQL or the GkeCluster component refuses, as `ArgsIssue`s by their path in `GkeClusterArgs`; messages
 * name other Args in backticks. Pure.
 */
import type { ArgsIssue } from "../../validation";
import type { DatabaseArgs } from "../args";
import { checkManagedClusterArgs } from "../checks";
import { type GkeClusterArgs, type ResolvedCloudSqlArgs, withGkeClusterDefaults } from "./args";
import { machineFamily } from "./specs";

/** GKE refuses a maintenance window with less than 48 hours of availability in any 32 days (4 whole weeks). */
export const GKE_MIN_MAINTENANCE_HOURS = 48;

/** Cloud SQL's refusals: a tier of another cloud, and one backup with point-in-time recovery. */
export function checkCloudSqlArgs(database: DatabaseArgs<ResolvedCloudSqlArgs>): ArgsIssue[] {
    if (database.mode !== "managed") return [];
    const issues: ArgsIssue[] = [];
    // Cloud SQL keeps fewer days of PITR logs than backups, and at least one day: PITR needs two backups.
    if (database.backupRetentionDays === 1)
        issues.push({
            path: "database.backupRetentionDays",
            message:
                "must be 0 (no backups) or at least 2 on Cloud SQL: point-in-time recovery keeps 1–7 days of logs and Cloud SQL needs more retained backups than log days",
        });
    if (!/^db-/.test(database.tier))
        issues.push({ path: "database.tier", message: "must be a Cloud SQL tier such as db-custom-2-7680 on gke" });
    return issues;
}

/** Every refusal of a GKE cluster's Args, the shared managed-cluster ones first. */
export function checkGkeClusterArgs(args: GkeClusterArgs): ArgsIssue[] {
    const gke = withGkeClusterDefaults(args);
    const issues = checkManagedClusterArgs(gke);
    const issue = (path: string, message: string) => issues.push({ path, message });
    for (const kind of ["onDemand", "fallback"] as const)
        if (gke.nodePools[kind].machineTypes.length > 1)
            issue(
                `nodePools.${kind}.machineTypes`,
                `the GKE ${kind === "onDemand" ? "on-demand" : "fallback"} pool has exactly one machine type (spot takes several: one pool each)`,
            );
    const families = gke.nodePools.spot.machineTypes.map(machineFamily);
    const repeated = families.filter((family, i) => families.indexOf(family) !== i);
    if (repeated.length > 0)
        issue(
            "nodePools.spot.machineTypes",
            `list one machine type per family on gke (each becomes its own spot pool, named by family); ${[...new Set(repeated)].join(", ")} repeats`,
        );
    const window = gke.maintenanceWindow;
    const hours = window.days.length * window.hours * 4;
    if (hours < GKE_MIN_MAINTENANCE_HOURS)
        issue(
            "maintenanceWindow",
            `gives ${hours} hours in 4 weeks; GKE needs at least ${GKE_MIN_MAINTENANCE_HOURS} (more days or hours)`,
        );
    const network = gke.network;
    if (network.existingSubnetwork && !network.existingNetwork)
        issue(
            "network.existingNetwork",
            "is required with `network.existingSubnetwork`: name the subnetwork's VPC network",
        );
    if (network.privateServicesAccess === "existing" && !network.existingNetwork)
        issue(
            "network.privateServicesAccess",
            "existing needs `network.existingNetwork`: a network this stack creates has no peering yet",
        );
    // Whether a shared network already peers Google's services is its owner's to say: `create` there would fail, and
    // a default that overwrote the network's connection once removed other teams' ranges (docs/cluster.md).
    if (gke.database.mode === "managed" && network.existingNetwork && args.network?.privateServicesAccess === undefined)
        issue(
            "network.privateServicesAccess",
            "is required with `network.existingNetwork` and a managed database: existing if the network already has " +
                "private services access (a peering with servicenetworking.googleapis.com), create to reserve a range and peer it",
        );
    issues.push(...checkCloudSqlArgs(gke.database));
    return issues;
}
