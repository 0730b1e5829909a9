/**
 * A developer's corner of the shared dev cluster: one namespace with a ResourceQuota that caps what it may request
 * and a LimitRange that gives containers without requests a default (the quota rejects pods that set none).
 * Everything else of the devspace (its Airflow) lives in that namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DevspaceConfig } from "../../stacks/config";

import { devspaceNamespace } from "./namespace";

export * from "./namespace";
export * from "./requests";

/** Labels on the devspace's namespace: the shared Grafana's `namespace` filter lists it, operators can find them all. */
export function devspaceLabels(developer: string): Record<string, string> {
    return { "app.kubernetes.io/part-of": "airflow-platform", "airflow-platform/devspace": developer };
}

/** Requests a container gets from the LimitRange when it sets none: enough for a sidecar, not for Airflow itself. */
export const DEFAULT_CONTAINER_REQUEST = { cpu: "50m", memory: "64Mi" } as const;
/** Memory limit of a container that sets none: memory is not compressible, so a runaway container stops here. */
export const DEFAULT_CONTAINER_MEMORY_LIMIT = "1Gi";

/** The ResourceQuota spec: the devspace's requests, and a few object counts so one devspace cannot flood the cluster. */
export function resourceQuotaSpec(quota: DevspaceConfig["quota"]) {
    return {
        hard: {
            "requests.cpu": quota.cpu,
            "requests.memory": quota.memory,
            // No load balancers or node ports from a devspace: the shared cluster's addresses are not its to take.
            "services.loadbalancers": "0",
            "services.nodeports": "0",
            persistentvolumeclaims: "4",
            pods: "40",
        },
    };
}

/** The LimitRange spec: default request (and memory limit) per container; no container may exceed the whole quota. */
export function limitRangeSpec(quota: DevspaceConfig["quota"]) {
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: { ...DEFAULT_CONTAINER_REQUEST },
                default: { memory: DEFAULT_CONTAINER_MEMORY_LIMIT },
                max: { cpu: quota.cpu, memory: quota.memory },
            },
        ],
    };
}

export interface DevspaceArgs {
    /** The `devspace` section of the stack config: developer and quota. */
    devspace: DevspaceConfig;
    /** Provider of the shared cluster. */
    provider: k8s.Provider;
}

/** The devspace's namespace, quota and limit range. */
export class Devspace extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly namespaceResource: k8s.core.v1.Namespace;
    /** The quota and limit range: pods created before them would escape both, so Airflow waits for these. */
    readonly guards: pulumi.Resource[];

    constructor(name: string, args: DevspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:index:Devspace", name, {}, opts);
        const { developer, quota } = args.devspace;
        const labels = devspaceLabels(developer);
        const k8sOpts = { parent: this, provider: args.provider };
        this.namespaceResource = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: devspaceNamespace(developer), labels } },
            k8sOpts,
        );
        this.namespace = this.namespaceResource.metadata.name;
        const inNamespace = { ...k8sOpts, dependsOn: [this.namespaceResource] };
        const resourceQuota = new k8s.core.v1.ResourceQuota(
            `${name}-quota`,
            { metadata: { name: "devspace", namespace: this.namespace, labels }, spec: resourceQuotaSpec(quota) },
            inNamespace,
        );
        const limitRange = new k8s.core.v1.LimitRange(
            `${name}-limits`,
            { metadata: { name: "devspace", namespace: this.namespace, labels }, spec: limitRangeSpec(quota) },
            inNamespace,
        );
        this.guards = [this.namespaceResource, resourceQuota, limitRange];
        this.registerOutputs({ namespace: this.namespace });
    }
}
