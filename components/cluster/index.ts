import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import { EksCluster } from "./eks";
import { ExistingCluster } from "./existing";
import { GkeCluster } from "./gke";
import { Cluster } from "./types";

export * from "./types";
export { EksCluster } from "./eks";
export { ExistingCluster } from "./existing";
export { GkeCluster } from "./gke";

/** Builds the cluster layer the stack's `cloud` asks for. The only place that knows which clouds exist. */
export function createCluster(name: string, config: StackConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    switch (config.cloud) {
        case "gke":
            return new GkeCluster(name, { config }, opts);
        case "eks":
            return new EksCluster(name, { config }, opts);
        case "existing":
            return new ExistingCluster(name, { config }, opts);
    }
}
