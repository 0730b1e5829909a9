import * as pulumi from "@pulumi/pulumi";
import { MonitoringConfig, StackConfig } from "../../stacks/config";
import { Cluster } from "../cluster/types";

export interface ObservabilityArgs {
    cluster: Cluster;
    config: MonitoringConfig;
    stack: StackConfig;
}

/** kube-prometheus-stack, its CRDs, and the Airflow mixin. TODO(issue 5): the real component. */
export class Observability extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:index:Observability", name, {}, opts);
        this.namespace = pulumi.output(args.config.namespace);
        this.registerOutputs({ namespace: this.namespace });
    }

    /** What other stacks (devspaces) need to know about the shared monitoring. */
    stackOutputs(): Record<string, pulumi.Output<unknown>> {
        return { monitoringNamespace: this.namespace };
    }
}
