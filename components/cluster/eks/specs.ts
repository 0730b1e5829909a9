/** Pure: EKS managed node group specs, IAM documents and naming, from the typed stack config. */
import { NodePoolConfig } from "../../../stacks/config";
import { CloudTaint, PoolKind, capacityValue, cloudTaints, poolLabels, poolTaints } from "../placement";

export interface EksNodeGroupSpec {
    /** The group's kind, `on-demand` or `spot`: the prefix of its EKS name (`on-demand-<random>`) and its Pulumi name. */
    name: string;
    instanceTypes: string[];
    capacityType: "ON_DEMAND" | "SPOT";
    diskSize: number;
    labels: Record<string, string>;
    taints: CloudTaint[];
    scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
}

export function eksNodeGroupSpec(pool: PoolKind, config: NodePoolConfig): EksNodeGroupSpec {
    const spot = pool === "spot";
    return {
        name: capacityValue(pool),
        instanceTypes: [...config.machineTypes],
        capacityType: spot ? "SPOT" : "ON_DEMAND",
        diskSize: config.diskSizeGb,
        labels: poolLabels(pool),
        taints: cloudTaints("eks", pool),
        // The cluster autoscaler owns desiredSize after creation (it is in ignoreChanges).
        scalingConfig: { minSize: config.minNodes, maxSize: config.maxNodes, desiredSize: config.minNodes },
    };
}

/**
 * Auto Scaling group tags that tell the cluster autoscaler what a node of the pool's group would look like while the
 * group is at zero nodes: its labels and taints (Kubernetes effect names). Without them a spot group that scaled to 0
 * never scales up again.
 */
export function autoscalerNodeTemplateTags(pool: PoolKind): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(poolLabels(pool))) tags[`k8s.io/cluster-autoscaler/node-template/label/${key}`] = value;
    for (const t of poolTaints("eks", pool)) tags[`k8s.io/cluster-autoscaler/node-template/taint/${t.key}`] = `${t.value ?? ""}:${t.effect}`;
    return tags;
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
            { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
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
                    StringLike: { [`${args.issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}` },
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
            { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: buckets.map((b) => `arn:${partition}:s3:::${b}`) },
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

