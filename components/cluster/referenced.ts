/**
 * The `Cluster` of another stack, seen through a StackReference: a devspace runs on the shared dev cluster and owns
 * none of it. Only the Kubernetes side is available: no node pools to wait for, no managed database, no load
 * balancer, and no cloud identities (binding one would change the dev project's IAM).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster, PoolPlacements, ServiceAccountBinding, ServiceAccountBindingRequest } from "./types";

/** The outputs of a platform stack (stacks/platform.ts) that a referenced cluster reads. */
export const REFERENCED_OUTPUTS = [
    "clusterName",
    "endpoint",
    "kubeconfig",
    "placement",
    "sharedStorageClassName",
    "blockStorageClassName",
] as const;

export interface ReferencedClusterArgs {
    /** The platform stack's StackReference (the caller made it to read `placement` first). */
    stack: pulumi.StackReference;
    /**
     * The platform stack's `placement` output, read beforehand with `readPlacement` (the interface needs plain values;
     * a StackReference only gives them asynchronously).
     */
    placement: PoolPlacements;
}

/** Reads the referenced stack's `placement` output as plain values; it is never secret. */
export async function readPlacement(reference: pulumi.StackReference, stackName: string): Promise<PoolPlacements> {
    const placement = (await reference.requireOutputValue("placement")) as PoolPlacements | undefined;
    if (!placement?.onDemand || !placement?.spot)
        throw new Error(`stack ${stackName} has no placement output: is it a platform stack?`);
    return placement;
}

export class ReferencedCluster extends pulumi.ComponentResource implements Cluster {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    readonly sharedStorageClassName: pulumi.Output<string>;
    /** The dev stack's ReadWriteOnce class; empty (the cluster's default) when that stack predates the output. */
    readonly blockStorageClassName: pulumi.Output<string>;
    /** The shared cluster is up already: nothing to wait for. */
    readonly readiness: pulumi.Resource[] = [];
    readonly reference: pulumi.StackReference;

    constructor(name: string, args: ReferencedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:ReferencedCluster", name, {}, opts);
        this.reference = args.stack;
        const output = (key: (typeof REFERENCED_OUTPUTS)[number]) => this.reference.requireOutput(key) as pulumi.Output<string>;
        this.clusterName = output("clusterName");
        this.endpoint = output("endpoint");
        this.kubeconfig = pulumi.secret(output("kubeconfig"));
        this.sharedStorageClassName = output("sharedStorageClassName");
        // getOutput, not requireOutput: a dev stack last deployed before this output existed still serves its devspaces.
        this.blockStorageClassName = this.reference.getOutput("blockStorageClassName").apply((name) => (typeof name === "string" ? name : ""));
        this.placement = args.placement;
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
    }

    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        throw new Error(
            `${request.name}: a devspace cannot bind cloud identities on the shared cluster (it would change the dev project's IAM); ` +
                "use airflow.logs.mode shared-volume",
        );
    }
}
