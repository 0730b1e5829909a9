/**
 * ExistingCluster: a cluster managed elsewhere (kind, minikube, a platform team's cluster), reached through a
 * kubeconfig (secret) and/or a context; placement and the storage classes come from its Args.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterBase } from "../base";
import { createExistingIngressDriver } from "../ingress/existing";
import { serverOfKubeconfig } from "../kubeconfig";
import type { ServiceAccountBinding, ServiceAccountBindingRequest } from "../types";
import { refuseArgs } from "../../validation";
import { type ExistingClusterArgs, withExistingClusterDefaults } from "./args";
import { checkExistingClusterArgs } from "./checks";

export type { ExistingClusterArgs } from "./args";
export { withExistingClusterDefaults } from "./args";
export { checkExistingClusterArgs } from "./checks";

export class ExistingCluster extends ClusterBase {
    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(): a refused ExistingCluster registers nothing.
        refuseArgs("ExistingCluster", checkExistingClusterArgs(args));
        const existing = withExistingClusterDefaults(args);
        const given = existing.kubeconfig;
        super("airflow-platform:cluster:ExistingCluster", name, opts, (parent) => {
            const provider = new k8s.Provider(
                `${name}-k8s`,
                {
                    ...(given ? { kubeconfig: given } : {}),
                    ...(existing.context ? { context: existing.context } : {}),
                    enableServerSideApply: true,
                },
                { parent },
            );
            const outputs = {
                clusterName: pulumi.output(existing.clusterName),
                // Without a kubeconfig the provider reads the default kubeconfig ($KUBECONFIG or ~/.kube/config).
                kubeconfig: given ? pulumi.secret(given) : pulumi.secret(""),
                endpoint: given
                    ? pulumi.unsecret(given.apply((text) => serverOfKubeconfig(text, existing.context) ?? ""))
                    : pulumi.output(`context ${existing.context}`),
                provider,
                placement: { onDemand: existing.placement.onDemand, spot: existing.placement.spot },
                sharedStorageClassName: pulumi.output(existing.sharedStorageClassName),
                // `blockStorageClassName`, or empty: the cluster's default class.
                blockStorageClassName: pulumi.output(existing.blockStorageClassName),
                readiness: [],
                ingress: existing.ingress
                    ? createExistingIngressDriver({
                          namePrefix: existing.clusterName,
                          ingressClassName: existing.ingressClassName,
                          provider,
                      })
                    : undefined,
            };
            return { outputs };
        });
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
    }

    /** An existing cluster has no cloud identity this program manages: the service account stays as it is. */
    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        pulumi.log.warn(
            `cloud=existing: service account binding "${request.name}" is not managed here; grant its cloud access where the cluster is managed`,
            this,
        );
        return { annotations: pulumi.output({} as Record<string, string>), identity: pulumi.output("") };
    }
}
