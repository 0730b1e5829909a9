/** EKS managed node groups (on-demand per AZ, spot per instance shape, the fallback) and the core add-ons after them. */
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedEksClusterArgs } from "./args";
import { eksCoreAddons } from "./addons";
import { MANAGED_POLICY } from "./control-plane";
import type { EksNetwork } from "./network";
import { NODEGROUP_SCALING_SCRIPT } from "./scaling";
import {
    EksNodeGroupSpec,
    autoscalerNodeTemplateTags,
    EKS_NODE_AMI_TYPE,
    dockerHubMirrorPullPolicy,
    eksLaunchTemplateSpec,
    eksNodeGroupSpec,
    eksNodeTags,
    eksOnDemandGroupSpecs,
    eksSpotGroupSpecs,
    serviceTrustPolicy,
} from "./specs";

/**
 * A node group's `launchTemplate`: the template by ID (fixed for the group's life: EKS refuses another template, so a
 * new ID replaces the group) and its LATEST version, so each change of the template is a new version that EKS rolls
 * out to the group's nodes. The provider asks for the number, not `$Latest`, which EKS would resolve and then diff.
 */
export function launchTemplateReference(template: Pick<aws.ec2.LaunchTemplate, "id" | "latestVersion">): {
    id: pulumi.Output<string>;
    version: pulumi.Output<string>;
} {
    return { id: template.id, version: template.latestVersion.apply((v) => String(v)) };
}

/** The control plane's groups (one per AZ), one SPOT group per instance shape, and the workers' on-demand fallback. */
export interface EksNodeGroups {
    onDemand: aws.eks.NodeGroup[];
    spot: aws.eks.NodeGroup[];
    fallback: aws.eks.NodeGroup;
}

export function eksNodeGroups(
    name: string,
    args: Pick<
        ResolvedEksClusterArgs,
        "clusterName" | "stack" | "kubernetesVersion" | "region" | "nodePools" | "dockerHubMirror"
    >,
    parts: { clusterName: pulumi.Output<string>; network: EksNetwork },
    opts: { withAws: pulumi.CustomResourceOptions; parent: pulumi.Resource },
): EksNodeGroups {
    const { withAws } = opts;
    const { clusterName, network } = parts;
    const nodeRole = new aws.iam.Role(
        `${name}-nodes`,
        { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) },
        withAws,
    );
    const nodePolicies: pulumi.Resource[] = [
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonSSMManagedInstanceCore",
    ].map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-nodes-${policy}`,
                { role: nodeRole.name, policyArn: MANAGED_POLICY(policy) },
                withAws,
            ),
    );
    // The kubelet pulls with the node role: the first pull through an ECR pull-through cache creates its repository.
    const mirrorPolicy = dockerHubMirrorPullPolicy(args.dockerHubMirror, args.region);
    if (mirrorPolicy)
        nodePolicies.push(
            new aws.iam.RolePolicy(
                `${name}-nodes-docker-hub-mirror`,
                { role: nodeRole.name, policy: JSON.stringify(mirrorPolicy) },
                withAws,
            ),
        );
    const nodeGroup = (spec: EksNodeGroupSpec, subnetIds: pulumi.Input<string>[] = network.privateSubnetIds) => {
        // Auto-named (a new template never collides with the old one); a change is a new version of it.
        const template = new aws.ec2.LaunchTemplate(
            `${name}-${spec.name}`,
            {
                description: `Nodes of the ${spec.name} node group of ${args.clusterName}`,
                ...eksLaunchTemplateSpec(spec, eksNodeTags(args.stack, args.clusterName, spec)),
                updateDefaultVersion: true,
            },
            withAws,
        );
        const group = new aws.eks.NodeGroup(
            `${name}-${spec.name}`,
            {
                clusterName,
                // A prefix, not a fixed name: instanceTypes and capacityType force a replacement, which creates the
                // new group before deleting the old one; EKS rejects a second group of the same name.
                nodeGroupNamePrefix: `${spec.name}-`,
                nodeRoleArn: nodeRole.arn,
                subnetIds,
                // The kubelet's minor follows the control plane: without it the nodes keep their creation version.
                version: args.kubernetesVersion,
                // Named, not EKS's default: the template's root device and the x86_64-only check depend on it.
                amiType: EKS_NODE_AMI_TYPE,
                // Instance types stay on the group (the template has none); the disk is the template's, so no diskSize.
                instanceTypes: spec.instanceTypes,
                capacityType: spec.capacityType,
                launchTemplate: launchTemplateReference(template),
                labels: spec.labels,
                taints: spec.taints,
                scalingConfig: spec.scalingConfig,
                updateConfig: { maxUnavailable: 1 },
                tags: { Name: `${args.clusterName}-${spec.name}` },
            },
            // The cluster autoscaler owns desiredSize, and EKS refuses new bounds that exclude it: after creation
            // the bounds change through the scaling command below, which clamps the desired size into them.
            { ...withAws, dependsOn: [...nodePolicies, ...network.ready], ignoreChanges: ["scalingConfig"] },
        );
        new command.local.Command(
            `${name}-${spec.name}-scaling`,
            {
                interpreter: ["/bin/bash", "-c"],
                create: NODEGROUP_SCALING_SCRIPT,
                update: NODEGROUP_SCALING_SCRIPT,
                environment: {
                    REGION: args.region,
                    CLUSTER: args.clusterName,
                    NODEGROUP: group.nodeGroupName,
                    MIN_SIZE: String(spec.scalingConfig.minSize),
                    MAX_SIZE: String(spec.scalingConfig.maxSize),
                },
            },
            { parent: opts.parent, dependsOn: [group] },
        );
        // Scale from zero: the autoscaler reads a group's labels and taints from its Auto Scaling group's tags.
        Object.entries(autoscalerNodeTemplateTags(spec.kind)).forEach(([key, value], i) => {
            new aws.autoscaling.Tag(
                `${name}-${spec.name}-template-${i}`,
                {
                    autoscalingGroupName: group.resources.apply((r) => r[0]?.autoscalingGroups?.[0]?.name ?? ""),
                    tag: { key, value, propagateAtLaunch: false },
                },
                withAws,
            );
        });
        return group;
    };
    return {
        // One group per AZ: the autoscaler can add a node in the zone of a pod's EBS volume (Prometheus, Redis, Postgres).
        onDemand: eksOnDemandGroupSpecs(args.nodePools.onDemand, network.privateSubnetIds.length).map((spec, i) =>
            nodeGroup(spec, [network.privateSubnetIds[i]]),
        ),
        spot: eksSpotGroupSpecs(args.nodePools.spot).map((spec) => nodeGroup(spec)),
        fallback: nodeGroup(eksNodeGroupSpec("fallback", args.nodePools.fallback)),
    };
}

/** The core add-ons as managed add-ons with pinned versions, upgraded after the nodes; the VPC CNI enforces NetworkPolicy. */
export function eksCoreAddonResources(
    name: string,
    kubernetesVersion: string,
    clusterName: pulumi.Output<string>,
    nodeGroups: aws.eks.NodeGroup[],
    withAws: pulumi.CustomResourceOptions,
): aws.eks.Addon[] {
    return eksCoreAddons(kubernetesVersion).map(
        (addon) =>
            new aws.eks.Addon(
                `${name}-${addon.addonName}`,
                {
                    clusterName,
                    addonName: addon.addonName,
                    addonVersion: addon.addonVersion,
                    configurationValues: addon.configurationValues,
                    // EKS installed these itself (self-managed): adopt them, and let our values win on updates.
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                },
                { ...withAws, dependsOn: nodeGroups },
            ),
    );
}
