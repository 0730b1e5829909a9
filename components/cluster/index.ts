import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import { Cluster } from "./types";

export * from "./types";

/** Builds the cluster layer the stack's `cloud` asks for. The only place that knows which clouds exist. */
export function createCluster(name: string, config: StackConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    // TODO(issue 3): GkeCluster, EksCluster, ExistingCluster.
    throw new Error(`cloud ${config.cloud} (${name}, ${opts ? "with" : "without"} options) is not built yet`);
}
