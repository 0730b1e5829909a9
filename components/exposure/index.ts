import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import type { Airflow } from "../airflow";
import { Cluster } from "../cluster/types";
import type { Observability } from "../observability";

export interface ExposureArgs {
    cluster: Cluster;
    stack: StackConfig;
    airflow: Airflow;
    observability?: Observability;
}

/** The Airflow UI, Flower and Grafana behind one load balancer. TODO(issue 7): the real component. */
export class Exposure extends pulumi.ComponentResource {
    readonly urls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ExposureArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:index:Exposure", name, {}, opts);
        this.urls = pulumi.output<Record<string, string>>({});
        void args;
        this.registerOutputs({ urls: this.urls });
    }
}
