import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import { Cluster } from "../cluster/types";
import type { Observability } from "../observability";

export interface AirflowArgs {
    /** The cluster layer: provider, placement, shared storage class, managed database. */
    cluster: Cluster;
    /** The resolved stack config; Airflow reads `airflow`, `database`, `secrets` and `production`. */
    stack: StackConfig;
    /** The shared monitoring stack, when this stack installs one; its CRDs gate the ServiceMonitor. */
    observability?: Observability;
}

/** Apache Airflow from the official Helm chart. TODO(issue 4): the real component. */
export class Airflow extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: AirflowArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:index:Airflow", name, {}, opts);
        this.namespace = pulumi.output(args.stack.airflow.namespace);
        this.registerOutputs({ namespace: this.namespace });
    }
}
