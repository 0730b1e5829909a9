/**
 * ExistingCluster: a cluster managed elsewhere (kind, minikube, a platform team's cluster), reached through a
 * kubeconfig (secret `existingKubeconfig`) and/or a context; placement and the storage classes come from config.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExistingClusterConfig, StackConfig } from "../../../stacks/config";
import { createExistingIngressDriver } from "../ingress/existing";
import { serverOfKubeconfig } from "../kubeconfig";
import {
    Cluster,
    IngressDriver,
    Placement,
    PoolPlacements,
    ServiceAccountBinding,
    ServiceAccountBindingRequest,
} from "../types";

export interface ExistingClusterArgs {
    /** Reads `clusterName`, `existing` (required) and the secret `existingKubeconfig`. */
    config: StackConfig;
}

function toPlacement(p: ExistingClusterConfig["placement"]["onDemand"]): Placement {
    return {
        nodeSelector: { ...p.nodeSelector },
        tolerations: p.tolerations.map((t) => ({ ...t })),
    };
}

export class ExistingCluster extends pulumi.ComponentResource implements Cluster {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    readonly sharedStorageClassName: pulumi.Output<string>;
    /** `existing.blockStorageClassName`, or empty: the cluster's default class. */
    readonly blockStorageClassName: pulumi.Output<string>;
    readonly readiness: pulumi.Resource[] = [];
    readonly ingress: IngressDriver;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:ExistingCluster", name, {}, opts);
        const existing = args.config.existing;
        if (!existing) throw new Error("ExistingCluster needs the existing section of the stack config");
        const given = args.config.secrets.existingKubeconfig;

        this.clusterName = pulumi.output(args.config.clusterName);
        // Without a kubeconfig secret the provider reads the default kubeconfig ($KUBECONFIG or ~/.kube/config).
        this.kubeconfig = given ? pulumi.secret(given) : pulumi.secret("");
        this.endpoint = given
            ? pulumi.unsecret(given.apply((text) => serverOfKubeconfig(text, existing.context) ?? ""))
            : pulumi.output(`context ${existing.context}`);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                ...(given ? { kubeconfig: given } : {}),
                ...(existing.context ? { context: existing.context } : {}),
                enableServerSideApply: true,
            },
            { parent: this },
        );
        this.placement = {
            onDemand: toPlacement(existing.placement.onDemand),
            spot: toPlacement(existing.placement.spot),
        };
        this.sharedStorageClassName = pulumi.output(existing.sharedStorageClassName);
        this.blockStorageClassName = pulumi.output(existing.blockStorageClassName ?? "");
        this.ingress = createExistingIngressDriver({
            stack: args.config,
            ingressClassName: existing.ingressClassName,
            provider: this.provider,
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
