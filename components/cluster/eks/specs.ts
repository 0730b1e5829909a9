/** Pure: EKS managed node group specs, IAM documents and naming, from the node pools' Args. */
import type { NodePoolArgs } from "../args";
import { CloudTaint, PoolKind, capacityValue, cloudTaints, poolLabels, poolTaints } from "../placement";
import { groupByShape } from "./instance-types";

export interface EksNodeGroupSpec {
    kind: PoolKind;
    /**
     * The prefix of its EKS name (`<name>-<random>`) and its Pulumi name: `on-demand`, `fallback`, or
     * `spot-<class>-<size>` (e.g. `spot-m-2xlarge`). The ASG EKS makes is `eks-<EKS name>-<uuid>`, which the cluster
     * autoscaler's priority expander matches.
     */
    name: string;
    instanceTypes: string[];
    capacityType: "ON_DEMAND" | "SPOT";
    diskSize: number;
    labels: Record<string, string>;
    taints: CloudTaint[];
    scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
}

function groupSpec(
    kind: PoolKind,
    name: string,
    instanceTypes: string[],
    config: NodePoolArgs,
    minSize: number,
): EksNodeGroupSpec {
    return {
        kind,
        name,
        instanceTypes,
        capacityType: kind === "spot" ? "SPOT" : "ON_DEMAND",
        diskSize: config.diskSizeGb,
        labels: poolLabels("eks", kind),
        taints: cloudTaints("eks", kind),
        // The scaling config at creation; afterwards the autoscaler owns desiredSize and scaling.ts the bounds.
        scalingConfig: { minSize, maxSize: config.maxNodes, desiredSize: minSize },
    };
}

/** The on-demand group of one kind: `onDemand` (the control plane) or `fallback` (the workers' last resort). */
export function eksNodeGroupSpec(pool: "onDemand" | "fallback", config: NodePoolArgs): EksNodeGroupSpec {
    return groupSpec(pool, capacityValue(pool), [...config.machineTypes], config, config.minNodes);
}

/**
 * The control plane's ON_DEMAND groups, one per AZ (`on-demand-1`, `on-demand-2`, ...), in one private subnet each.
 * EBS volumes are zonal: a group spanning every AZ cannot be told which zone to add a node in, so a rescheduled
 * Prometheus, Redis or Postgres pod could wait forever for a node in its volume's zone. With a group per zone the
 * cluster autoscaler grows the one in the pod's zone, and `--balance-similar-node-groups` spreads the rest. The
 * bounds are shared out: `minNodes` 2 over 3 AZs is 1, 1, 0; each group's maximum is `maxNodes` / AZs, rounded up.
 */
export function eksOnDemandGroupSpecs(config: NodePoolArgs, zones: number): EksNodeGroupSpec[] {
    return Array.from({ length: zones }, (_, i) => {
        const minSize = Math.floor(config.minNodes / zones) + (i < config.minNodes % zones ? 1 : 0);
        const spec = groupSpec("onDemand", `on-demand-${i + 1}`, [...config.machineTypes], config, minSize);
        return {
            ...spec,
            scalingConfig: { ...spec.scalingConfig, maxSize: Math.max(minSize, 1, Math.ceil(config.maxNodes / zones)) },
        };
    });
}

/**
 * One SPOT group per shape of `nodePools.spot.machineTypes` (class and size): diversity across families and
 * generations, while each group stays one size for the autoscaler. `minNodes` applies to the first group only;
 * `maxNodes` to each (any group may have to carry all the work when the others' spot pools are dry).
 */
export function eksSpotGroupSpecs(config: NodePoolArgs): EksNodeGroupSpec[] {
    return groupByShape(config.machineTypes).map((group, i) =>
        groupSpec("spot", `spot-${group.shape}`, group.instanceTypes, config, i === 0 ? config.minNodes : 0),
    );
}

/**
 * The tags every AWS resource of the stack carries (the provider's `defaultTags`), which cost allocation reports group
 * by. The provider applies them to the resources it creates, not to the instances and volumes an Auto Scaling group
 * launches: those get them from the launch template's tag specifications.
 */
export function eksCostTags(stack: string): Record<string, string> {
    return { "airflow-platform/stack": stack, "managed-by": "pulumi" };
}

/**
 * The AMI type of every managed node group, named so that nothing depends on EKS's default (AL2023 for groups of 1.30+,
 * terraform-aws-modules/eks; AL2 before): the launch template sizes its root device and the config refuses arm64
 * instance types for it. A change replaces each group: EKS has no in-place amiType update (API_UpdateNodegroupConfig,
 * UpdateNodegroupVersion), and the provider marks it ForceNew (hashicorp/terraform-provider-aws#44586).
 */
export const EKS_NODE_AMI_TYPE = "AL2023_x86_64_STANDARD";
/** The root device of the EKS-optimized Amazon Linux 2023 AMIs (Karpenter's EC2NodeClass docs, AL2023 defaults). */
export const EKS_AL2023_ROOT_DEVICE = "/dev/xvda";

/**
 * The launch template data of one managed node group: IMDSv2 required with a hop limit of 1, so that a pod (one hop
 * behind the node's network namespace) cannot read the node role's credentials while the node's own agents and
 * hostNetwork DaemonSets (VPC CNI, kube-proxy, Pod Identity agent, the EFS CSI node plugin) still can (EKS best
 * practices, "Restrict access to the instance profile assigned to the worker node"; the EBS CSI node plugin is not on
 * the host network and falls back to the Kubernetes API: aws-ebs-csi-driver docs/install.md, "Metadata"); an
 * encrypted gp3 root volume of the pool's disk size; and the cost tags on the instances and their volumes. No AMI,
 * instance type, subnet, IAM instance
 * profile or security group: EKS fills those from the node group (Amazon EKS User Guide, "Customize managed nodes with
 * launch templates": the template must not carry what the node group sets, and without security groups the nodes keep
 * the cluster security group).
 */
export function eksLaunchTemplateSpec(
    spec: Pick<EksNodeGroupSpec, "diskSize">,
    tags: Record<string, string>,
): {
    metadataOptions: {
        httpEndpoint: "enabled";
        httpTokens: "required";
        httpPutResponseHopLimit: number;
        instanceMetadataTags: "disabled";
    };
    blockDeviceMappings: {
        deviceName: string;
        ebs: { volumeSize: number; volumeType: "gp3"; encrypted: "true"; deleteOnTermination: "true" };
    }[];
    tagSpecifications: { resourceType: "instance" | "volume"; tags: Record<string, string> }[];
} {
    return {
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
            {
                deviceName: EKS_AL2023_ROOT_DEVICE,
                ebs: { volumeSize: spec.diskSize, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            },
        ],
        tagSpecifications: (["instance", "volume"] as const).map((resourceType) => ({ resourceType, tags })),
    };
}

/** The tags of a node group's instances and volumes: the cost tags, its Name, and its kind of capacity. */
export function eksNodeTags(
    stack: string,
    clusterName: string,
    spec: Pick<EksNodeGroupSpec, "kind" | "name">,
): Record<string, string> {
    return {
        ...eksCostTags(stack),
        Name: `${clusterName}-${spec.name}`,
        "airflow-platform/capacity": capacityValue(spec.kind),
    };
}

/**
 * The cluster autoscaler's priority expander (`cluster-autoscaler-priority-expander`): spot groups first, the
 * fallback only when no spot group can grow (a group whose scale-up fails is backed off), the on-demand groups of the
 * control plane last (no worker tolerates them anyway). Regexes of ASG names, `eks-<node group name>-<uuid>`.
 */
export const AUTOSCALER_PRIORITIES: Record<string, string[]> = {
    "50": ["^eks-spot-.*"],
    "20": ["^eks-fallback-.*"],
    "10": [".*"],
};

/**
 * Labels EKS puts on a managed node group's nodes whose value is the group's own: its launch template (ID and
 * version: each group has its own template) and the AMI it resolved (EKS user guide, managed-node-update-behavior;
 * kubernetes/autoscaler#3230, awsdocs/amazon-eks-user-guide#411). The autoscaler's AWS comparator ignores
 * `eks.amazonaws.com/nodegroup` but not these, so without `--balancing-ignore-label` the per-AZ on-demand groups
 * never count as similar (processors/nodegroupset/aws_nodegroups.go).
 */
export const EKS_PER_GROUP_NODE_LABELS = [
    "eks.amazonaws.com/sourceLaunchTemplateId",
    "eks.amazonaws.com/sourceLaunchTemplateVersion",
    "eks.amazonaws.com/nodegroup-image",
] as const;

/** Pure: the chart's `extraArgs` for each ignored label; the chart drops the `_<n>` suffix (`mustRegexFind "^[^_]+"`). */
export function balancingIgnoreLabelArgs(labels: readonly string[]): Record<string, string> {
    return Object.fromEntries(labels.map((label, i) => [`balancing-ignore-label_${i + 1}`, label]));
}

/**
 * Auto Scaling group tags that tell the cluster autoscaler what a node of the pool's group would look like while the
 * group is at zero nodes: its labels and taints (Kubernetes effect names). Without them a spot group that scaled to 0
 * never scales up again.
 */
export function autoscalerNodeTemplateTags(pool: PoolKind): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(poolLabels("eks", pool)))
        tags[`k8s.io/cluster-autoscaler/node-template/label/${key}`] = value;
    for (const t of poolTaints("eks", pool))
        tags[`k8s.io/cluster-autoscaler/node-template/taint/${t.key}`] = `${t.value ?? ""}:${t.effect}`;
    return tags;
}

/**
 * What is wrong with existing private subnets that share an AZ (undefined when each is in its own, or the zones are
 * not known yet): EFS allows one mount target per AZ ("MountTargetConflict" for a second one), and the per-AZ
 * on-demand groups would not be per AZ.
 */
export function subnetsSharingAZ(subnets: { subnet: string; zone: string | undefined }[]): string | undefined {
    const byZone = new Map<string, string[]>();
    for (const { subnet, zone } of subnets) if (zone) byZone.set(zone, [...(byZone.get(zone) ?? []), subnet]);
    const shared = [...byZone].filter(([, ids]) => ids.length > 1);
    if (shared.length === 0) return undefined;
    return (
        shared.map(([zone, ids]) => `${ids.join(" and ")} are all in ${zone}`).join("; ") +
        ": list one private subnet per availability zone (EFS takes one mount target per AZ)"
    );
}

type PolicyDocument = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };

/** Trust policy of a role that an AWS service assumes (eks.amazonaws.com, ec2.amazonaws.com). */
export function serviceTrustPolicy(service: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

/** Trust policy for EKS Pod Identity: the pods.eks.amazonaws.com principal with AssumeRole and TagSession. */
export function podIdentityTrustPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
            },
        ],
    };
}

/**
 * Trust policy for IRSA: the cluster's OIDC provider, for one service account (or a `*` pattern of them) in one
 * namespace, with the STS audience.
 */
export function irsaTrustPolicy(args: {
    oidcProviderArn: string;
    /** Issuer URL without `https://`. */
    issuer: string;
    namespace: string;
    serviceAccount: string;
}): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: args.oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringLike: {
                        [`${args.issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
                    },
                    StringEquals: { [`${args.issuer}:aud`]: "sts.amazonaws.com" },
                },
            },
        ],
    };
}

/** Read and write access to objects of some S3 buckets (remote task logs). */
export function bucketAccessPolicy(buckets: string[], partition = "aws"): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["s3:ListBucket", "s3:GetBucketLocation"],
                Resource: buckets.map((b) => `arn:${partition}:s3:::${b}`),
            },
            {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: buckets.map((b) => `arn:${partition}:s3:::${b}/*`),
            },
        ],
    };
}

/**
 * The cluster autoscaler's permissions, as its AWS cloud provider README lists them (with eks:DescribeNodegroup). It
 * may resize and terminate only in the Auto Scaling groups of this cluster: EKS tags a managed node group's ASG
 * `k8s.io/cluster-autoscaler/<cluster>=owned`, the tag the README's restricted policy conditions on.
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                    "eks:DescribeNodegroup",
                ],
                Resource: ["*"],
            },
            {
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: ["*"],
                Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
            },
        ],
    };
}

/** An ECR private registry path: `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>` (the pull-through cache's URL). */
const ECR_MIRROR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9][a-z0-9._/-]*)$/;

/** The ECR pull-through cache a Docker Hub mirror names, or undefined for another registry or an ECR host without prefix. */
export function ecrPullThroughCache(
    mirror: string | undefined,
): { account: string; region: string; prefix: string } | undefined {
    const match = mirror === undefined ? null : ECR_MIRROR.exec(mirror);
    return match ? { account: match[1], region: match[2], prefix: match[3] } : undefined;
}

/**
 * The node role's rights for the first pull of an image through an ECR pull-through cache of the cluster's region:
 * ecr:CreateRepository (its cache repository does not exist yet) and ecr:BatchImportUpstreamImage (the import), on the
 * repositories under the cache's prefix only (Amazon ECR User Guide, pull-through-cache-iam.html). Later pulls need
 * only AmazonEC2ContainerRegistryReadOnly. Undefined for any other mirror, or none.
 */
export function dockerHubMirrorPullPolicy(mirror: string | undefined, region: string): PolicyDocument | undefined {
    const cache = ecrPullThroughCache(mirror);
    if (!cache || cache.region !== region) return undefined;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                Resource: [`arn:aws:ecr:${cache.region}:${cache.account}:repository/${cache.prefix}/*`],
            },
        ],
    };
}
