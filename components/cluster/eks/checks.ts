/**
 * What EKS, RDS or the EksCluster component refuses, as `ArgsIssue`s by their path in `EksClusterArgs`; messages name
 * other Args in backticks. Pure: the one input that changes with time, the day of the support check, is a parameter
 * (`EksClusterArgs.today` by default).
 */
import type { ArgsIssue } from "../../validation";
import type { DatabaseArgs } from "../args";
import { NODE_POOL_KINDS, checkManagedClusterArgs } from "../checks";
import { EKS_PINNED_ADDONS, SUPPORTED_EKS_VERSIONS, eksStandardSupportEnded } from "./addons";
import { type EksClusterArgs, type ResolvedEksClusterArgs, type ResolvedRdsArgs, withEksClusterDefaults } from "./args";
import { instanceShape, isArm64, parseInstanceType } from "./instance-types";
import { EKS_NODE_AMI_TYPE } from "./specs";

/**
 * The lowest storage autoscaling ceiling RDS takes: 10% above the allocated storage (Amazon RDS User Guide, "Managing
 * capacity automatically with Amazon RDS storage autoscaling": below it, "Invalid max storage size").
 */
export function rdsMinimumMaxStorageGb(storageGb: number): number {
    return Math.ceil((storageGb * 11) / 10);
}

/** RDS's refusals: an instance class of another cloud, and a storage ceiling RDS does not take. */
export function checkRdsArgs(database: DatabaseArgs<ResolvedRdsArgs>): ArgsIssue[] {
    if (database.mode !== "managed") return [];
    const issues: ArgsIssue[] = [];
    const minimum = rdsMinimumMaxStorageGb(database.storageGb);
    if (database.maxStorageGb !== undefined && database.maxStorageGb < minimum)
        issues.push({
            path: "database.maxStorageGb",
            message:
                `must be at least 10% above \`database.storageGb\` (${database.storageGb}), so at least ${minimum}: ` +
                'RDS refuses a lower storage autoscaling ceiling ("Invalid max storage size")',
        });
    if (!/^db\./.test(database.tier))
        issues.push({ path: "database.tier", message: "must be an RDS instance class such as db.t4g.medium on eks" });
    return issues;
}

/** The node groups' instance types: EC2 names, x86_64 (EKS_NODE_AMI_TYPE's images), and one shape for the fallback. */
function checkInstanceTypes(pools: ResolvedEksClusterArgs["nodePools"]): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    for (const kind of NODE_POOL_KINDS) {
        const types = pools[kind].machineTypes;
        const unknown = types.filter((t) => !parseInstanceType(t));
        if (unknown.length > 0)
            issues.push({
                path: `nodePools.${kind}.machineTypes`,
                message: `must be EC2 instance types such as m6i.xlarge; ${unknown.join(", ")} is not`,
            });
        const arm = types.filter(isArm64);
        if (arm.length > 0)
            issues.push({
                path: `nodePools.${kind}.machineTypes`,
                message: `must be x86_64 instance types: the node groups run ${EKS_NODE_AMI_TYPE} images, and ${arm.join(", ")} is Graviton (arm64)`,
            });
    }
    if (new Set(pools.fallback.machineTypes.map(instanceShape)).size > 1)
        issues.push({
            path: "nodePools.fallback.machineTypes",
            message:
                "must all be of one class and size (e.g. m6i.xlarge, m6a.xlarge, m5.xlarge): the cluster autoscaler sizes a group by one of its types",
        });
    return issues;
}

/**
 * EKS allows one access entry per IAM principal per cluster (a second CreateAccessEntry fails with
 * ResourceInUseException, "The specified access entry resource is already in use on this cluster"). The component
 * creates one per `accessEntries` item and one per devspace owner, so a principal named twice is refused.
 */
function checkAccessPrincipals(eks: ResolvedEksClusterArgs): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    const first = new Map<string, string>();
    const claim = (arn: string, path: string) => {
        const earlier = first.get(arn);
        if (earlier)
            issues.push({
                path,
                message:
                    `${arn} is also \`${earlier}\`: EKS allows one access entry per IAM principal per cluster; name each principal once ` +
                    "(one `accessEntries` item, or one devspace)",
            });
        else first.set(arn, path);
    };
    eks.accessEntries.forEach((entry, i) => claim(entry.principalArn, `accessEntries.${i}.principalArn`));
    eks.devspaceOwners.forEach((owner, i) => claim(owner.principalArn, `devspaceOwners.${i}.principalArn`));
    return issues;
}

/** Every refusal of an EKS cluster's Args, the shared managed-cluster ones first; `today` dates the support check. */
export function checkEksClusterArgs(args: EksClusterArgs, today: Date = args.today ?? new Date()): ArgsIssue[] {
    const eks = withEksClusterDefaults(args);
    const issues = checkManagedClusterArgs(eks);
    const issue = (path: string, message: string) => issues.push({ path, message });
    if (eks.vpc.existingVpcId !== undefined && eks.vpc.privateSubnetIds.length < 2)
        issue(
            "vpc.privateSubnetIds",
            "list at least two private subnets (in different AZs) of `vpc.existingVpcId`: EKS, EFS and RDS need them",
        );
    if (!SUPPORTED_EKS_VERSIONS.includes(eks.kubernetesVersion))
        issue(
            "kubernetesVersion",
            `must be one of ${SUPPORTED_EKS_VERSIONS.join(", ")} on eks: the versions whose node groups, add-ons (${Object.keys(EKS_PINNED_ADDONS).join(", ")}) and cluster-autoscaler image are pinned`,
        );
    // STANDARD on a minor past standard support: EKS upgrades such a cluster by itself (past the pinned add-ons and
    // node groups), and a cluster already in extended support cannot go back to STANDARD (Amazon EKS User Guide,
    // "Disable EKS extended support": only clusters in standard support can).
    const ended = eks.extendedSupport ? undefined : eksStandardSupportEnded(eks.kubernetesVersion, today);
    if (ended)
        issue(
            "extendedSupport",
            `is false, but Kubernetes ${eks.kubernetesVersion} left EKS standard support on ${ended}: EKS would upgrade the cluster ` +
                "past the pinned add-ons, and refuses STANDARD once a cluster is in extended support. Set `extendedSupport`: true " +
                "(billed at the extended-support rate) until a minor in standard support is pinned",
        );
    issues.push(...checkInstanceTypes(eks.nodePools), ...checkAccessPrincipals(eks), ...checkRdsArgs(eks.database));
    return issues;
}
