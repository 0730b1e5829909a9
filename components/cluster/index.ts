import * as pulumi from "@pulumi/pulumi";
import type { ClusterArgs } from "./args";
import { EksCluster } from "./eks";
import { ExistingCluster } from "./existing";
import { GkeCluster } from "./gke";
import { Cluster } from "./types";

export * from "./types";
export * from "./args";
export { ClusterBase } from "./base";
export { EksCluster, withEksClusterDefaults } from "./eks";
export { ExistingCluster, withExistingClusterDefaults } from "./existing";
export { GkeCluster, withGkeClusterDefaults } from "./gke";
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
