/**
 * A cluster for planning one component alone: the `Cluster` interface with an in-memory Kubernetes provider, the
 * managed clusters' real placements (taints and labels from components/cluster/placement.ts), and service-account
 * bindings that record what was asked. Use it inside `planComponent`, which runs the build under Pulumi's mocks.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster, ServiceAccountBindingRequest } from "../components/cluster";
import { ManagedCloud, managedPlacements } from "../components/cluster/placement";
import { Plan, planProgram } from "../tools/offline/runtime";

export interface FakeCluster extends Cluster {
    /** Every `bindServiceAccount` request the component made, in order. */
    readonly bindings: ServiceAccountBindingRequest[];
}

export interface FakeClusterOptions {
    /** Whose node pools' placements the cluster offers. @default "gke" */
    placementsOf?: ManagedCloud;
    /** @default "fake-shared-rwx" */
    sharedStorageClassName?: string;
    /** @default "fake-block-rwo" */
    blockStorageClassName?: string;
}

/** A fake cluster; call it inside `planComponent` (it creates a provider resource). */
export function fakeCluster(options: FakeClusterOptions = {}): FakeCluster {
    const bindings: ServiceAccountBindingRequest[] = [];
    const provider = new k8s.Provider("fake-cluster", {
        kubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    });
    return {
        clusterName: pulumi.output("fake"),
        endpoint: pulumi.output("https://fake.invalid"),
        kubeconfig: pulumi.secret("fake-kubeconfig"),
        provider,
        placement: managedPlacements(options.placementsOf ?? "gke"),
        sharedStorageClassName: pulumi.output(options.sharedStorageClassName ?? "fake-shared-rwx"),
        blockStorageClassName: pulumi.output(options.blockStorageClassName ?? "fake-block-rwo"),
        readiness: [],
        bindings,
        bindServiceAccount(request) {
            bindings.push(request);
            return {
                annotations: pulumi.output<Record<string, string>>({ "fake.invalid/identity": request.name }),
                identity: pulumi.output(`${request.name}@fake.invalid`),
            };
        },
    };
}

/** Plans what `build` creates (nothing else: no stack config, no cluster of a cloud); its return value is the outputs. */
export function planComponent(build: () => unknown): Promise<Plan> {
    return planProgram(build);
}
