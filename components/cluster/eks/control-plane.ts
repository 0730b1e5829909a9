/** The EKS control plane: its IAM role, the cluster, and who may reach its API (access entries, CI runners). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedEksClusterArgs } from "./args";
import type { EksNetwork } from "./network";
import { serviceTrustPolicy } from "./specs";

export const MANAGED_POLICY = (name: string) => `arn:aws:iam::aws:policy/${name}`;

/** The cluster, with its API endpoint limited to `controlPlane.authorizedNetworks`. */
export function eksControlPlane(
    name: string,
    args: ResolvedEksClusterArgs,
    network: EksNetwork,
    withAws: pulumi.CustomResourceOptions,
): aws.eks.Cluster {
    const clusterRole = new aws.iam.Role(
        `${name}-control-plane`,
        { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")) },
        withAws,
    );
    const clusterRolePolicy = new aws.iam.RolePolicyAttachment(
        `${name}-control-plane-policy`,
        { role: clusterRole.name, policyArn: MANAGED_POLICY("AmazonEKSClusterPolicy") },
        withAws,
    );
    return new aws.eks.Cluster(
        `${name}-eks`,
        {
            name: args.clusterName,
            version: args.kubernetesVersion,
            roleArn: clusterRole.arn,
            vpcConfig: {
                subnetIds: network.privateSubnetIds,
                // Nodes and pods use the private endpoint; the public one (CI, developers) admits only the authorized networks.
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: args.controlPlane.authorizedNetworks,
            },
            accessConfig: {
                authenticationMode: args.authenticationMode,
                // The identity running `pulumi up` must reach the API to install the charts.
                bootstrapClusterCreatorAdminPermissions: true,
            },
            enabledClusterLogTypes: args.production ? ["api", "audit", "authenticator"] : [],
            deletionProtection: args.deletionProtection,
            // STANDARD: at the end of standard support EKS upgrades the control plane instead of billing extended
            // support (EXTENDED is the API's default; Amazon EKS User Guide, "Cluster upgrade policy").
            upgradePolicy: { supportType: args.extendedSupport ? "EXTENDED" : "STANDARD" },
            tags: { Name: args.clusterName },
        },
        // A fixed name: a replacement (e.g. new subnets) deletes the old cluster first, or EKS refuses the duplicate
        // name (ResourceInUseException); a protected stack refuses the replacement at preview instead.
        {
            ...withAws,
            protect: args.deletionProtection,
            deleteBeforeReplace: true,
            dependsOn: [clusterRolePolicy],
        },
    );
}

/** Access entries (`accessEntries`, devspace owners) and the CI runners' path to the private endpoint. */
export function eksApiAccess(
    name: string,
    args: Pick<ResolvedEksClusterArgs, "accessEntries" | "devspaceOwners" | "controlPlane">,
    cluster: { clusterName: pulumi.Output<string>; nodeSecurityGroupId: pulumi.Output<string> },
    withAws: pulumi.CustomResourceOptions,
): void {
    const { clusterName } = cluster;
    args.accessEntries.forEach((entry, i) => {
        const accessEntry = new aws.eks.AccessEntry(
            `${name}-access-${i}`,
            { clusterName, principalArn: entry.principalArn, type: "STANDARD" },
            withAws,
        );
        new aws.eks.AccessPolicyAssociation(
            `${name}-access-${i}-policy`,
            {
                clusterName,
                principalArn: entry.principalArn,
                policyArn: `arn:aws:eks::aws:cluster-access-policy/${entry.accessPolicy}`,
                accessScope: entry.namespaces
                    ? { type: "namespace", namespaces: entry.namespaces }
                    : { type: "cluster" },
            },
            { ...withAws, dependsOn: [accessEntry] },
        );
    });

    // The self-hosted CI runners inside the VPC reach the private endpoint (GitHub-hosted ones have no stable ranges).
    (args.controlPlane.privateAccessCidrs ?? []).forEach((cidrIpv4, i) => {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-api-from-runners-${i}`,
            {
                securityGroupId: cluster.nodeSecurityGroupId,
                cidrIpv4,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: "Kubernetes API from the CI runners",
            },
            withAws,
        );
    });

    // A devspace owner gets no access policy, only a group that the dev stack's RoleBinding binds to one namespace.
    for (const owner of args.devspaceOwners)
        new aws.eks.AccessEntry(
            `${name}-devspace-${owner.name}`,
            {
                clusterName,
                principalArn: owner.principalArn,
                type: "STANDARD",
                kubernetesGroups: [owner.kubernetesGroup],
            },
            withAws,
        );
}
