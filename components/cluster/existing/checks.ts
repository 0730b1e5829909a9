/** What the ExistingCluster component refuses, as `ArgsIssue`s by their path in `ExistingClusterArgs`. Pure. */
import type { ArgsIssue } from "../../validation";
import type { ExistingClusterArgs } from "./args";

/** A shared storage class named by an empty string: the task-log volume would have no ReadWriteMany class. */
export function checkExistingClusterArgs(args: ExistingClusterArgs): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    if (args.sharedStorageClassName.trim() === "")
        issues.push({
            path: "sharedStorageClassName",
            message: "must name a ReadWriteMany StorageClass of the cluster (Airflow's task-log volume binds to it)",
        });
    return issues;
}
