/**
 * EKS ingress driver: the AWS Load Balancer Controller (pinned Helm release, IAM role through the cluster's
 * service-account binding, on on-demand nodes) and the ALB IngressGroup it serves.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressDriver, IngressRequest, IngressResult, Placement } from "../types";
import { ALB_INGRESS_CLASS, albIngresses } from "./alb";
import { AlbLoadBalancerArgs, AwsLbcChartVersion, withAlbDefaults } from "./args";
import { AWS_LBC_IAM_POLICY_V2_14_0 } from "./aws-lbc-iam-policy";
import { objectName } from "./routes";

export const EKS_CHARTS_REPO = "https://aws.github.io/eks-charts";
export const AWS_LBC_NAMESPACE = "kube-system";
export const AWS_LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

export type { AwsLbcChartVersion };

/**
 * Chart versions this project can install: eks-charts chart version → controller image and its IAM policy. Keyed by
 * `AWS_LBC_CHART_VERSIONS` (args.ts), which the config's enum must stay assignable to, so the compiler refuses a
 * version without an entry here.
 * Source: helm/aws-load-balancer-controller/Chart.yaml at tag v2.14.0 (version 1.14.0, appVersion v2.14.0).
 */
export const AWS_LBC_RELEASES: Record<AwsLbcChartVersion, { appVersion: string; iamPolicy: object }> = {
    "1.14.0": { appVersion: "v2.14.0", iamPolicy: AWS_LBC_IAM_POLICY_V2_14_0 },
};

/**
 * `EksCluster.serviceAccountRole`: an IAM role a Kubernetes service account assumes (EKS Pod Identity or IRSA), with
 * an inline policy; `dependencies` are the policy and the association the workload must wait for.
 */
export type ServiceAccountRoleFactory = (
    name: string,
    args: { namespace: string; serviceAccountName: string; policyJson: pulumi.Input<string> },
) => {
    role: { arn: pulumi.Output<string> };
    annotations: pulumi.Output<Record<string, string>>;
    dependencies: pulumi.Resource[];
};

export interface AwsLoadBalancerControllerArgs {
    /** eks-charts chart version; one of `AWS_LBC_RELEASES`. */
    chartVersion: AwsLbcChartVersion;
    clusterName: pulumi.Input<string>;
    region: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** The on-demand pool: the controller serves admission webhooks, so it must not sit on reclaimable nodes. */
    placement: Placement;
    roleForServiceAccount: ServiceAccountRoleFactory;
    provider: k8s.Provider;
    /** Node groups etc. the release must wait for. */
    dependsOn?: pulumi.Resource[];
}

/** Controller replicas: the chart's default of 2, since its webhooks fail closed. */
const AWS_LBC_REPLICAS = 2;

/** Helm values for the controller. Pure, apart from passing the binding's Outputs through. */
export function awsLoadBalancerControllerValues(args: {
    chartVersion: AwsLbcChartVersion;
    clusterName: pulumi.Input<string>;
    region: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    placement: Placement;
    /** `eks.amazonaws.com/role-arn` with IRSA; empty with Pod Identity. */
    serviceAccountAnnotations: pulumi.Input<Record<string, string>>;
}): Record<string, unknown> {
    return {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: AWS_LBC_REPLICAS,
        image: { tag: AWS_LBC_RELEASES[args.chartVersion].appVersion },
        serviceAccount: { create: true, name: AWS_LBC_SERVICE_ACCOUNT, annotations: args.serviceAccountAnnotations },
        nodeSelector: args.placement.nodeSelector,
        tolerations: args.placement.tolerations,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        ingressClass: ALB_INGRESS_CLASS,
        createIngressClassResource: true,
        ingressClassConfig: { default: false },
        // Not the default for every `type: LoadBalancer` Service: that webhook fails closed and we only need Ingress.
        enableServiceMutatorWebhook: false,
    };
}

/** The AWS Load Balancer Controller: its IAM role and its pinned Helm release. */
export class AwsLoadBalancerController extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    /** The IAM role the controller acts as. */
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:AwsLoadBalancerController", name, {}, opts);
        const role = args.roleForServiceAccount(`${name}-role`, {
            namespace: AWS_LBC_NAMESPACE,
            serviceAccountName: AWS_LBC_SERVICE_ACCOUNT,
            policyJson: JSON.stringify(AWS_LBC_RELEASES[args.chartVersion].iamPolicy),
        });
        this.roleArn = role.role.arn;
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: "aws-load-balancer-controller",
                chart: "aws-load-balancer-controller",
                version: args.chartVersion,
                repositoryOpts: { repo: EKS_CHARTS_REPO },
                namespace: AWS_LBC_NAMESPACE,
                values: awsLoadBalancerControllerValues({ ...args, serviceAccountAnnotations: role.annotations }),
            },
            // Pods started before the role's association exists would get no AWS credentials.
            { parent: this, provider: args.provider, dependsOn: [...role.dependencies, ...(args.dependsOn ?? [])] },
        );
        this.registerOutputs({ roleArn: this.roleArn });
    }
}

export interface EksIngressDriverArgs extends Omit<AwsLoadBalancerControllerArgs, "chartVersion"> {
    /** Prefix of the IngressGroup's name (the cluster's configured name). */
    namePrefix: string;
    /** The ALB to serve; absent: exposure is off and no controller is installed. @default none */
    loadBalancer?: AlbLoadBalancerArgs;
}

/** Whether the ALB terminates TLS: only with an ACM certificate. */
export function albTerminatesTls(loadBalancer: AlbLoadBalancerArgs | undefined): boolean {
    return loadBalancer?.tls.mode === "acm-certificate";
}

/**
 * Builds the EKS ingress driver. The controller is installed only when `exposure.enabled`; the EKS cluster calls this
 * once and exposes the result as `Cluster.ingress`.
 */
export function createEksIngressDriver(
    name: string,
    args: EksIngressDriverArgs,
    opts: pulumi.ComponentResourceOptions,
): IngressDriver {
    const { namePrefix, loadBalancer: given, ...controllerArgs } = args;
    const loadBalancer = given ? withAlbDefaults(given) : undefined;
    const controller = loadBalancer
        ? new AwsLoadBalancerController(
              name,
              { ...controllerArgs, chartVersion: loadBalancer.controllerChartVersion },
              opts,
          )
        : undefined;
    const groupName = objectName(namePrefix, "exposure");
    return {
        className: ALB_INGRESS_CLASS,
        tls: albTerminatesTls(loadBalancer),
        dependencies: controller ? [controller] : [],
        route(request: IngressRequest, routeOpts): IngressResult {
            if (!controller || !loadBalancer)
                throw new Error("exposure is disabled: no AWS Load Balancer Controller was installed");
            const manifests = albIngresses(request, {
                groupName,
                public: loadBalancer.visibility === "public",
                certificateArn:
                    loadBalancer.tls.mode === "acm-certificate" ? loadBalancer.tls.certificateArn : undefined,
            });
            const ingresses = manifests.map(
                (manifest) =>
                    new k8s.networking.v1.Ingress(manifest.metadata.name, manifest, {
                        parent: routeOpts.parent,
                        provider: args.provider,
                        dependsOn: [controller, ...(routeOpts.dependsOn ?? [])],
                    }),
            );
            // Every Ingress of the group reports the same ALB.
            const address = ingresses[0].status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? undefined);
            return { resources: ingresses, address };
        },
    };
}
