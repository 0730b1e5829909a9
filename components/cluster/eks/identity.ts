/** Workload identity on EKS: the Pod Identity agent or the cluster's OIDC provider (IRSA), and roles for service accounts. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceAccountBinding, ServiceAccountBindingRequest } from "../types";
import { eksAddonVersion } from "./addons";
import { bucketAccessPolicy, irsaTrustPolicy, podIdentityTrustPolicy } from "./specs";

/** What `serviceAccountRole` needs: who assumes the role, and what it may do. */
export interface ServiceAccountRoleArgs {
    namespace: pulumi.Input<string>;
    /** With IRSA a `*` pattern is allowed (e.g. `efs-csi-*`); Pod Identity needs one exact name. */
    serviceAccountName: pulumi.Input<string>;
    /** An inline policy document (JSON). @default undefined: none */
    policyJson?: pulumi.Input<string>;
    /** AWS managed policies to attach. @default [] */
    managedPolicyArns?: string[];
    /** Create the Pod Identity association here; false when an EKS add-on creates it itself. @default true */
    associate?: boolean;
}

export interface ServiceAccountRole {
    role: aws.iam.Role;
    /** The role's ARN, resolved only once the role is usable (its policies and association exist). */
    usableArn: pulumi.Output<string>;
    /** `eks.amazonaws.com/role-arn` with IRSA; empty with Pod Identity. */
    annotations: pulumi.Output<Record<string, string>>;
    /** The policies and the association: what a workload using the role must wait for. */
    dependencies: pulumi.Resource[];
}

/** Where the roles of service accounts are created, and how they are trusted. */
export interface EksWorkloadIdentity {
    /** The cluster component (parent) and the AWS provider. */
    withAws: pulumi.CustomResourceOptions;
    clusterName: pulumi.Output<string>;
    /** IRSA: the cluster's OIDC provider; absent with Pod Identity. */
    oidcProvider?: aws.iam.OpenIdConnectProvider;
    /** Pod Identity: the agent add-on, which associations wait for. */
    dependencies: pulumi.Resource[];
}

/**
 * The Pod Identity agent, or the cluster's OIDC provider for IRSA (`workloadIdentity`). The agent runs on the host
 * network (its chart's daemonset.yaml), so it reaches IMDS despite the nodes' hop limit of 1.
 */
export function eksWorkloadIdentity(
    name: string,
    mode: "pod-identity" | "irsa",
    kubernetesVersion: string,
    cluster: aws.eks.Cluster,
    withAws: pulumi.CustomResourceOptions,
): EksWorkloadIdentity {
    const clusterName = cluster.name;
    if (mode === "pod-identity")
        return {
            withAws,
            clusterName,
            dependencies: [
                new aws.eks.Addon(
                    `${name}-pod-identity-agent`,
                    {
                        clusterName,
                        addonName: "eks-pod-identity-agent",
                        // Pinned per minor: raising kubernetesVersion upgrades it with the other add-ons.
                        addonVersion: eksAddonVersion("eks-pod-identity-agent", kubernetesVersion),
                        resolveConflictsOnCreate: "OVERWRITE",
                        resolveConflictsOnUpdate: "OVERWRITE",
                    },
                    withAws,
                ),
            ],
        };
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
        `${name}-oidc`,
        { url: cluster.identities[0].oidcs[0].issuer, clientIdLists: ["sts.amazonaws.com"] },
        withAws,
    );
    return { withAws, clusterName, oidcProvider, dependencies: [] };
}

/**
 * An IAM role that one Kubernetes service account assumes, the way `workloadIdentity` says: a Pod Identity
 * association (unless `associate` is false), or an IRSA trust on the cluster's OIDC provider plus the
 * `eks.amazonaws.com/role-arn` annotation. For the cluster layer's own add-ons and the ingress drivers.
 */
export function serviceAccountRole(
    identity: EksWorkloadIdentity,
    name: string,
    args: ServiceAccountRoleArgs,
): ServiceAccountRole {
    const { withAws } = identity;
    const oidc = identity.oidcProvider;
    const trust = oidc
        ? pulumi
              .all([oidc.arn, oidc.url, args.namespace, args.serviceAccountName])
              .apply(([arn, url, namespace, serviceAccount]) =>
                  JSON.stringify(
                      irsaTrustPolicy({
                          oidcProviderArn: arn,
                          issuer: url.replace(/^https:\/\//, ""),
                          namespace,
                          serviceAccount,
                      }),
                  ),
              )
        : pulumi.output(JSON.stringify(podIdentityTrustPolicy()));
    const role = new aws.iam.Role(name, { assumeRolePolicy: trust }, withAws);
    const dependencies: pulumi.Resource[] = [...identity.dependencies];
    (args.managedPolicyArns ?? []).forEach((policyArn, i) =>
        dependencies.push(
            new aws.iam.RolePolicyAttachment(`${name}-managed-${i}`, { role: role.name, policyArn }, withAws),
        ),
    );
    if (args.policyJson)
        dependencies.push(
            new aws.iam.RolePolicy(`${name}-inline`, { role: role.id, policy: args.policyJson }, withAws),
        );
    if (!oidc && args.associate !== false) {
        dependencies.push(
            new aws.eks.PodIdentityAssociation(
                name,
                {
                    clusterName: identity.clusterName,
                    namespace: args.namespace,
                    serviceAccount: args.serviceAccountName,
                    roleArn: role.arn,
                },
                { ...withAws, dependsOn: identity.dependencies },
            ),
        );
    }
    // Resolve only once the role can be used: a pod started before its Pod Identity association gets no credentials.
    const usableArn = pulumi
        .all([role.arn, ...dependencies.map((d) => (d as pulumi.CustomResource).id)])
        .apply(([arn]) => arn);
    const annotations = usableArn.apply((arn): Record<string, string> =>
        oidc ? { "eks.amazonaws.com/role-arn": arn } : {},
    );
    return { role, usableArn, annotations, dependencies };
}

/** EKS Pod Identity or IRSA, with read/write access to the requested S3 buckets. */
export function bindEksServiceAccount(
    identity: EksWorkloadIdentity,
    resourceName: string,
    request: ServiceAccountBindingRequest,
): ServiceAccountBinding {
    const buckets = request.bucketAccess ?? [];
    const { usableArn, annotations } = serviceAccountRole(identity, `${resourceName}-${request.name}`, {
        namespace: request.namespace,
        serviceAccountName: request.serviceAccountName,
        policyJson:
            buckets.length > 0
                ? pulumi.all(buckets).apply((names) => JSON.stringify(bucketAccessPolicy(names)))
                : undefined,
    });
    return { annotations, identity: usableArn };
}
