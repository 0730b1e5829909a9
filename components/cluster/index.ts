import * as pulumi from "@pulumi/pulumi";
import type { ClusterArgs } from "./args";
import { EksCluster } from "./eks";
import { ExistingCluster } from "./existing";
import { GkeCluster } from "./gke";
import { Cluster } from "./types";
import type { ArgsIssue } from "../validation";
import { checkEksClusterArgs } from "./eks/checks";
import { checkExistingClusterArgs } from "./existing/checks";
import { checkGkeClusterArgs } from "./gke/checks";

export * from "./types";
export * from "./args";
export { ClusterBase } from "./base";
export { checkManagedClusterArgs } from "./checks";
export { EksCluster, checkEksClusterArgs, checkRdsArgs, withEksClusterDefaults } from "./eks";
export { ExistingCluster, checkExistingClusterArgs, withExistingClusterDefaults } from "./existing";
export { GkeCluster, checkCloudSqlArgs, checkGkeClusterArgs, withGkeClusterDefaults } from "./gke";
export type { EksClusterArgs } from "./eks/args";
export type { ExistingClusterArgs } from "./existing/args";
export type { GkeClusterArgs } from "./gke/args";

/** Builds the cluster `args.kind` asks for. The only place that knows which clouds exist. */
export function createCluster(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions): Cluster {
    switch (args.kind) {
        case "gke":
            return new GkeCluster(name, args, opts);
        case "eks":
            return new EksCluster(name, args, opts);
        case "existing":
            return new ExistingCluster(name, args, opts);
    }
}

/**
 * The refusals of the cluster `args.kind` asks for: the check its constructor runs, which the stack layer runs before
 * any resource.
 */
export function checkClusterArgs(args: ClusterArgs): ArgsIssue[] {
    switch (args.kind) {
        case "gke":
            return checkGkeClusterArgs(args);
        case "eks":
            return checkEksClusterArgs(args);
        case "existing":
            return checkExistingClusterArgs(args);
    }
}
