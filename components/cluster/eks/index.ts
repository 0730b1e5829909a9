/**
 * EksCluster: an EKS cluster (API authentication, access entries) in its own VPC or existing subnets, with an
 * on-demand and a spot managed node group, the cluster autoscaler, EFS with the EFS CSI add-on and a ReadWriteMany
 * StorageClass, the EBS CSI add-on and the default ReadWriteOnce `gp3` StorageClass; plus the RDS metadata database
 * when asked for.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AwsConfig, StackConfig } from "../../../stacks/config";
import { openControlPlaneWarning } from "../control-plane";
import { eksKubeconfig } from "../kubeconfig";
import { managedPlacements } from "../placement";
import {
    BLOCK_STORAGE_CLASS,
    DEFAULT_CLASS_ANNOTATION,
    SHARED_STORAGE_CLASS,
    ebsStorageClass,
    efsStorageClass,
} from "../storage";
import {
    Cluster,
    DatabaseConnection,
    IngressDriver,
    PoolPlacements,
    ServiceAccountBinding,
    ServiceAccountBindingRequest,
} from "../types";
import { createEksIngressDriver } from "../ingress/eks";
import { albLoadBalancerArgs } from "../../../stacks/args/ingress";
import { RdsDatabase } from "./database";
import { devspaceGroup } from "../../devspace/namespace";
import {
    AUTOSCALER_PRIORITIES,
    EksNodeGroupSpec,
    autoscalerNodeTemplateTags,
    bucketAccessPolicy,
    clusterAutoscalerPolicy,
    eksNodeGroupSpec,
    eksLaunchTemplateSpec,
    eksNodeTags,
    eksCostTags,
    eksOnDemandGroupSpecs,
    subnetsSharingAZ,
    eksSpotGroupSpecs,
    irsaTrustPolicy,
    podIdentityTrustPolicy,
    serviceTrustPolicy,
} from "./specs";
import { eksCoreAddons, eksMinorPins } from "./addons";
import { NODEGROUP_SCALING_SCRIPT } from "./scaling";

/**
 * Pinned: cluster-autoscaler chart 9.50.1 (app 1.33.0); the image tag follows the control plane's minor
 * (`EKS_ADDON_VERSIONS[minor].clusterAutoscaler`). The flags the chart renders (--logtostderr, --stderrthreshold, --v,
 * --expander, --balance-similar-node-groups) are the ones kops passes to the same images.
 */
export const CLUSTER_AUTOSCALER_CHART = { repo: "https://kubernetes.github.io/autoscaler", version: "9.50.1" };

export interface EksClusterArgs {
    kind: "eks";
    /**
     * The resolved stack config. Reads `clusterName`, `kubernetesVersion`, `aws` (required: region, authentication
     * mode, access entries, workload identity, VPC), `nodePools`, `database` (an RDS instance when managed),
     * `deletionProtection` (Pulumi `protect` on the cluster and EFS) and `production` (control-plane logs, Retain
     * storage classes).
     */
    config: StackConfig;
}

/** What `serviceAccountRole` needs: who assumes the role, and what it may do. */
export interface ServiceAccountRoleArgs {
    namespace: pulumi.Input<string>;
    /** With IRSA a `*` pattern is allowed (e.g. `efs-csi-*`); Pod Identity needs one exact name. */
    serviceAccountName: pulumi.Input<string>;
    /** An inline policy document (JSON). */
    policyJson?: pulumi.Input<string>;
    /** AWS managed policies to attach. */
    managedPolicyArns?: string[];
    /** Create the Pod Identity association here (default). False when an EKS add-on creates it itself. */
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

const MANAGED_POLICY = (name: string) => `arn:aws:iam::aws:policy/${name}`;

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

export class EksCluster extends pulumi.ComponentResource implements Cluster {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    readonly sharedStorageClassName: pulumi.Output<string>;
    readonly blockStorageClassName: pulumi.Output<string>;
    readonly database?: DatabaseConnection;
    readonly readiness: pulumi.Resource[];
    readonly ingress: IngressDriver;

    /** For cloud-specific add-ons (ingress): the explicit AWS provider, region, VPC and subnets. */
    readonly awsProvider: aws.Provider;
    readonly region: string;
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly cluster: aws.eks.Cluster;
    /** The EKS cluster security group: the nodes run in it (their launch templates name no security group). */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** The control plane's groups (one per AZ), one SPOT group per instance shape, and the workers' on-demand fallback. */
    readonly nodeGroups: { onDemand: aws.eks.NodeGroup[]; spot: aws.eks.NodeGroup[]; fallback: aws.eks.NodeGroup };
    readonly fileSystem: aws.efs.FileSystem;

    private readonly resourceName: string;
    private readonly identityDependencies: pulumi.Resource[] = [];
    private oidcProvider?: aws.iam.OpenIdConnectProvider;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:EksCluster", name, {}, opts);
        const config = args.config;
        const awsConfig = config.aws as AwsConfig;
        if (!awsConfig) throw new Error("EksCluster needs the aws section of the stack config");
        this.resourceName = name;
        this.region = awsConfig.region;
        const vpcConfig = awsConfig.vpc;

        // Explicit provider: never the ambient aws:region / profile of whoever runs `pulumi up`.
        this.awsProvider = new aws.Provider(
            `${name}-aws`,
            {
                region: awsConfig.region as aws.Region,
                defaultTags: { tags: eksCostTags(config.stack) },
            },
            { parent: this },
        );
        const withAws: pulumi.CustomResourceOptions = { parent: this, provider: this.awsProvider };
        const openWarning = openControlPlaneWarning(config);
        if (openWarning) pulumi.log.warn(openWarning, this);

        // Network: a VPC with private subnets (nodes, EFS, RDS) and public ones (load balancers), or existing subnets.
        // Nodes must wait for the whole VPC (NAT gateways, routes), not only for the subnet IDs.
        const networkReady: pulumi.Resource[] = [];
        const azCount = vpcConfig.existingVpcId
            ? (vpcConfig.privateSubnetIds ?? []).length
            : vpcConfig.availabilityZones;
        if (vpcConfig.existingVpcId) {
            this.vpcId = pulumi.output(vpcConfig.existingVpcId);
            // One subnet per AZ: EFS takes one mount target per AZ, and each on-demand group lives in one zone.
            const given = vpcConfig.privateSubnetIds ?? [];
            const zones = pulumi.all(
                given.map(
                    (id) =>
                        aws.ec2.getSubnetOutput({ id }, { provider: this.awsProvider, parent: this }).availabilityZone,
                ),
            );
            this.privateSubnetIds = given.map((id) =>
                zones.apply((azs) => {
                    const problem = subnetsSharingAZ(given.map((subnet, i) => ({ subnet, zone: azs[i] })));
                    if (problem) throw new Error(`airflow-platform:aws.vpc.privateSubnetIds: ${problem}`);
                    return id;
                }),
            );
            this.publicSubnetIds = pulumi.output(vpcConfig.publicSubnetIds ?? []);
        } else {
            const vpc = new awsx.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: vpcConfig.cidrBlock,
                    numberOfAvailabilityZones: vpcConfig.availabilityZones,
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    natGateways: { strategy: vpcConfig.natGateways === "single" ? "Single" : "OnePerAz" },
                    subnetStrategy: "Auto",
                    subnetSpecs: [
                        // The tags tell the AWS Load Balancer Controller where internal and internet-facing LBs go.
                        { type: "Private", tags: { "kubernetes.io/role/internal-elb": "1" } },
                        { type: "Public", tags: { "kubernetes.io/role/elb": "1" } },
                    ],
                    tags: { Name: config.clusterName },
                },
                { parent: this, providers: { aws: this.awsProvider } },
            );
            networkReady.push(vpc);
            this.vpcId = vpc.vpcId;
            this.privateSubnetIds = Array.from({ length: azCount }, (_, i) =>
                vpc.privateSubnetIds.apply((ids) => ids[i]),
            );
            this.publicSubnetIds = vpc.publicSubnetIds;
        }

        // Control plane.
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
        this.cluster = new aws.eks.Cluster(
            `${name}-eks`,
            {
                name: config.clusterName,
                version: config.kubernetesVersion,
                roleArn: clusterRole.arn,
                vpcConfig: {
                    subnetIds: this.privateSubnetIds,
                    // Nodes and pods use the private endpoint; the public one (CI, developers) admits only the authorized networks.
                    endpointPrivateAccess: true,
                    endpointPublicAccess: true,
                    publicAccessCidrs: config.controlPlane.authorizedNetworks,
                },
                accessConfig: {
                    authenticationMode: awsConfig.authenticationMode,
                    // The identity running `pulumi up` must reach the API to install the charts.
                    bootstrapClusterCreatorAdminPermissions: true,
                },
                enabledClusterLogTypes: config.production ? ["api", "audit", "authenticator"] : [],
                deletionProtection: config.deletionProtection,
                // STANDARD: at the end of standard support EKS upgrades the control plane instead of billing extended
                // support (EXTENDED is the API's default; Amazon EKS User Guide, "Cluster upgrade policy").
                upgradePolicy: { supportType: awsConfig.extendedSupport ? "EXTENDED" : "STANDARD" },
                tags: { Name: config.clusterName },
            },
            // A fixed name: a replacement (e.g. new subnets) deletes the old cluster first, or EKS refuses the duplicate
            // name (ResourceInUseException); a protected stack refuses the replacement at preview instead.
            {
                ...withAws,
                protect: config.deletionProtection,
                deleteBeforeReplace: true,
                dependsOn: [clusterRolePolicy],
            },
        );
        this.nodeSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
        const clusterName = this.cluster.name;

        awsConfig.accessEntries.forEach((entry, i) => {
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
        (config.controlPlane.privateAccessCidrs ?? []).forEach((cidrIpv4, i) => {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-api-from-runners-${i}`,
                {
                    securityGroupId: this.nodeSecurityGroupId,
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
        for (const devspace of config.devspaces)
            if (devspace.owner.aws)
                new aws.eks.AccessEntry(
                    `${name}-devspace-${devspace.name}`,
                    {
                        clusterName,
                        principalArn: devspace.owner.aws,
                        type: "STANDARD",
                        kubernetesGroups: [devspaceGroup(devspace.name)],
                    },
                    withAws,
                );

        // Workload identity: the Pod Identity agent, or the cluster's OIDC provider for IRSA. The agent runs on the host
        // network (its chart's daemonset.yaml), so it reaches IMDS despite the nodes' hop limit of 1.
        if (awsConfig.workloadIdentity === "pod-identity") {
            this.identityDependencies.push(
                new aws.eks.Addon(
                    `${name}-pod-identity-agent`,
                    { clusterName, addonName: "eks-pod-identity-agent", resolveConflictsOnCreate: "OVERWRITE" },
                    withAws,
                ),
            );
        } else {
            this.oidcProvider = new aws.iam.OpenIdConnectProvider(
                `${name}-oidc`,
                { url: this.cluster.identities[0].oidcs[0].issuer, clientIdLists: ["sts.amazonaws.com"] },
                withAws,
            );
        }

        // Node groups.
        const nodeRole = new aws.iam.Role(
            `${name}-nodes`,
            { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) },
            withAws,
        );
        const nodePolicies = [
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
        const nodeGroup = (spec: EksNodeGroupSpec, subnetIds: pulumi.Input<string>[] = this.privateSubnetIds) => {
            // Auto-named (a new template never collides with the old one); a change is a new version of it.
            const template = new aws.ec2.LaunchTemplate(
                `${name}-${spec.name}`,
                {
                    description: `Nodes of the ${spec.name} node group of ${config.clusterName}`,
                    ...eksLaunchTemplateSpec(spec, eksNodeTags(config.stack, config.clusterName, spec)),
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
                    version: config.kubernetesVersion,
                    // Instance types stay on the group (the template has none); the disk is the template's, so no diskSize.
                    instanceTypes: spec.instanceTypes,
                    capacityType: spec.capacityType,
                    launchTemplate: launchTemplateReference(template),
                    labels: spec.labels,
                    taints: spec.taints,
                    scalingConfig: spec.scalingConfig,
                    updateConfig: { maxUnavailable: 1 },
                    tags: { Name: `${config.clusterName}-${spec.name}` },
                },
                // The cluster autoscaler owns desiredSize, and EKS refuses new bounds that exclude it: after creation
                // the bounds change through the scaling command below, which clamps the desired size into them.
                { ...withAws, dependsOn: [...nodePolicies, ...networkReady], ignoreChanges: ["scalingConfig"] },
            );
            new command.local.Command(
                `${name}-${spec.name}-scaling`,
                {
                    interpreter: ["/bin/bash", "-c"],
                    create: NODEGROUP_SCALING_SCRIPT,
                    update: NODEGROUP_SCALING_SCRIPT,
                    environment: {
                        REGION: this.region,
                        CLUSTER: config.clusterName,
                        NODEGROUP: group.nodeGroupName,
                        MIN_SIZE: String(spec.scalingConfig.minSize),
                        MAX_SIZE: String(spec.scalingConfig.maxSize),
                    },
                },
                { parent: this, dependsOn: [group] },
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
        this.nodeGroups = {
            // One group per AZ: the autoscaler can add a node in the zone of a pod's EBS volume (Prometheus, Redis, Postgres).
            onDemand: eksOnDemandGroupSpecs(config.nodePools.onDemand, this.privateSubnetIds.length).map((spec, i) =>
                nodeGroup(spec, [this.privateSubnetIds[i]]),
            ),
            spot: eksSpotGroupSpecs(config.nodePools.spot).map((spec) => nodeGroup(spec)),
            fallback: nodeGroup(eksNodeGroupSpec("fallback", config.nodePools.fallback)),
        };
        const allNodeGroups = [...this.nodeGroups.onDemand, ...this.nodeGroups.spot, this.nodeGroups.fallback];

        // The core add-ons as managed add-ons with pinned versions, upgraded after the nodes; the VPC CNI enforces NetworkPolicy.
        const coreAddons = eksCoreAddons(config.kubernetesVersion).map(
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
                    { ...withAws, dependsOn: allNodeGroups },
                ),
        );

        this.clusterName = this.cluster.name;
        this.endpoint = this.cluster.endpoint;
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority])
                .apply(([n, endpoint, ca]) =>
                    eksKubeconfig({ name: n, endpoint, caData: ca.data, region: awsConfig.region }),
                ),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: this.nodeGroups.onDemand },
        );
        this.placement = managedPlacements("eks");

        const autoscaler = this.clusterAutoscaler(name, config.clusterName, config.kubernetesVersion);

        // EFS for task logs: encrypted, one mount target per private subnet, NFS only from the nodes.
        this.fileSystem = new aws.efs.FileSystem(
            `${name}-efs`,
            {
                encrypted: true,
                performanceMode: "generalPurpose",
                throughputMode: "elastic",
                tags: { Name: `${config.clusterName}-logs` },
            },
            { ...withAws, protect: config.deletionProtection },
        );
        const efsSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-efs-sg`,
            {
                vpcId: this.vpcId,
                description: `NFS from the nodes of ${config.clusterName}`,
                tags: { Name: `${config.clusterName}-efs` },
            },
            withAws,
        );
        const nfsFromNodes = new aws.vpc.SecurityGroupIngressRule(
            `${name}-efs-nfs-from-nodes`,
            {
                securityGroupId: efsSecurityGroup.id,
                referencedSecurityGroupId: this.nodeSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: 2049,
                toPort: 2049,
                description: "NFS from the cluster's nodes",
            },
            withAws,
        );
        const mountTargets = this.privateSubnetIds.map(
            (subnetId, i) =>
                new aws.efs.MountTarget(
                    `${name}-efs-${i}`,
                    { fileSystemId: this.fileSystem.id, subnetId, securityGroups: [efsSecurityGroup.id] },
                    withAws,
                ),
        );
        const efsRole = this.serviceAccountRole(`${name}-efs-csi`, {
            namespace: "kube-system",
            serviceAccountName: awsConfig.workloadIdentity === "irsa" ? "efs-csi-*" : "efs-csi-controller-sa",
            managedPolicyArns: [MANAGED_POLICY("service-role/AmazonEFSCSIDriverPolicy")],
            associate: false,
        });
        // With hop limit 1 the controller cannot read IMDS and takes its region from its node's topology labels
        // (Kubernetes API fallback since v1.4.0, kubernetes-sigs/aws-efs-csi-driver#313, #449); the node plugin is hostNetwork.
        const efsDriver = new aws.eks.Addon(
            `${name}-efs-csi-driver`,
            {
                clusterName,
                addonName: "aws-efs-csi-driver",
                resolveConflictsOnCreate: "OVERWRITE",
                ...(awsConfig.workloadIdentity === "pod-identity"
                    ? {
                          podIdentityAssociations: [
                              { roleArn: efsRole.role.arn, serviceAccount: "efs-csi-controller-sa" },
                          ],
                      }
                    : { serviceAccountRoleArn: efsRole.role.arn }),
            },
            // The driver's pods need nodes to run on, and the file system reachable.
            {
                ...withAws,
                dependsOn: [...efsRole.dependencies, ...this.nodeGroups.onDemand, ...mountTargets, nfsFromNodes],
            },
        );
        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-${SHARED_STORAGE_CLASS}`,
            {
                metadata: { name: SHARED_STORAGE_CLASS },
                ...efsStorageClass({ fileSystemId: "", retain: config.production }),
                parameters: this.fileSystem.id.apply(
                    (fileSystemId) => efsStorageClass({ fileSystemId, retain: config.production }).parameters,
                ),
            },
            { parent: this, provider: this.provider, dependsOn: [efsDriver] },
        );
        this.sharedStorageClassName = storageClass.metadata.name;

        // EBS for every ReadWriteOnce volume. Only the controller calls the EC2 API, so only its service account gets the role.
        const ebsServiceAccount = "ebs-csi-controller-sa";
        const ebsRole = this.serviceAccountRole(`${name}-ebs-csi`, {
            namespace: "kube-system",
            serviceAccountName: ebsServiceAccount,
            managedPolicyArns: [MANAGED_POLICY("service-role/AmazonEBSCSIDriverPolicy")],
            associate: false,
        });
        // IMDS out of reach (hop limit 1): both the controller and the node plugin fall back to the Kubernetes API
        // metadata (aws-ebs-csi-driver docs/install.md, "Metadata").
        const ebsDriver = new aws.eks.Addon(
            `${name}-ebs-csi-driver`,
            {
                clusterName,
                addonName: "aws-ebs-csi-driver",
                // One version for every pinned minor (describe-addon-versions lists it for 1.32-1.35).
                addonVersion: eksMinorPins(config.kubernetesVersion).ebsCsi,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                // The add-on's own optional default class (defaultStorageClass.enabled) is unencrypted; ours below is not.
                ...(awsConfig.workloadIdentity === "pod-identity"
                    ? { podIdentityAssociations: [{ roleArn: ebsRole.role.arn, serviceAccount: ebsServiceAccount }] }
                    : { serviceAccountRoleArn: ebsRole.role.arn }),
            },
            { ...withAws, dependsOn: [...ebsRole.dependencies, ...this.nodeGroups.onDemand] },
        );
        // The default class: EKS 1.30+ no longer marks gp2 default, and with several defaults Kubernetes picks the newest.
        const blockClass = new k8s.storage.v1.StorageClass(
            `${name}-${BLOCK_STORAGE_CLASS.eks}`,
            {
                metadata: { name: BLOCK_STORAGE_CLASS.eks, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
                ...ebsStorageClass({ retain: config.production }),
            },
            { parent: this, provider: this.provider, dependsOn: [ebsDriver] },
        );
        this.blockStorageClassName = blockClass.metadata.name;

        if (config.database.mode === "managed") {
            const db = new RdsDatabase(
                `${name}-db`,
                {
                    config,
                    vpcId: this.vpcId,
                    subnetIds: this.privateSubnetIds,
                    clientSecurityGroupId: this.nodeSecurityGroupId,
                    awsProvider: this.awsProvider,
                },
                { parent: this },
            );
            this.database = db.connection;
        }

        this.ingress = createEksIngressDriver(
            `${name}-ingress`,
            {
                namePrefix: config.clusterName,
                loadBalancer: albLoadBalancerArgs(config),
                clusterName: this.clusterName,
                region: this.region,
                vpcId: this.vpcId,
                placement: this.placement.onDemand,
                roleForServiceAccount: (roleName, roleArgs) => this.serviceAccountRole(roleName, roleArgs),
                provider: this.provider,
                dependsOn: this.nodeGroups.onDemand,
            },
            { parent: this },
        );

        this.readiness = [...allNodeGroups, ...coreAddons, efsDriver, storageClass, ebsDriver, blockClass, autoscaler];
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            sharedStorageClassName: this.sharedStorageClassName,
            blockStorageClassName: this.blockStorageClassName,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
        });
    }

    /**
     * An IAM role that one Kubernetes service account assumes, the way `aws.workloadIdentity` says: a Pod Identity
     * association (unless `associate` is false), or an IRSA trust on the cluster's OIDC provider plus the
     * `eks.amazonaws.com/role-arn` annotation. For the cluster layer's own add-ons and the ingress drivers.
     */
    serviceAccountRole(name: string, args: ServiceAccountRoleArgs): ServiceAccountRole {
        const withAws: pulumi.CustomResourceOptions = { parent: this, provider: this.awsProvider };
        const oidc = this.oidcProvider;
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
        const dependencies: pulumi.Resource[] = [...this.identityDependencies];
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
                        clusterName: this.cluster.name,
                        namespace: args.namespace,
                        serviceAccount: args.serviceAccountName,
                        roleArn: role.arn,
                    },
                    { ...withAws, dependsOn: this.identityDependencies },
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
    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        const buckets = request.bucketAccess ?? [];
        const { usableArn, annotations } = this.serviceAccountRole(`${this.resourceName}-${request.name}`, {
            namespace: request.namespace,
            serviceAccountName: request.serviceAccountName,
            policyJson:
                buckets.length > 0
                    ? pulumi.all(buckets).apply((names) => JSON.stringify(bucketAccessPolicy(names)))
                    : undefined,
        });
        return { annotations, identity: usableArn };
    }

    /** Managed node groups do not scale by themselves on EKS: the cluster autoscaler, on the on-demand nodes. */
    private clusterAutoscaler(name: string, clusterName: string, kubernetesVersion: string): k8s.helm.v3.Release {
        const serviceAccountName = "cluster-autoscaler";
        const role = this.serviceAccountRole(`${name}-cluster-autoscaler`, {
            namespace: "kube-system",
            serviceAccountName,
            policyJson: JSON.stringify(clusterAutoscalerPolicy(clusterName)),
        });
        return new k8s.helm.v3.Release(
            `${name}-cluster-autoscaler`,
            {
                name: "cluster-autoscaler",
                chart: "cluster-autoscaler",
                version: CLUSTER_AUTOSCALER_CHART.version,
                repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
                namespace: "kube-system",
                values: {
                    cloudProvider: "aws",
                    // Rendered as AWS_REGION: pods cannot ask IMDS for it (hop limit 1).
                    awsRegion: this.region,
                    autoDiscovery: { clusterName },
                    // The version meant for the control plane's minor (the autoscaler README's compatibility rule).
                    image: { tag: eksMinorPins(kubernetesVersion).clusterAutoscaler },
                    rbac: { serviceAccount: { create: true, name: serviceAccountName, annotations: role.annotations } },
                    extraArgs: {
                        "balance-similar-node-groups": true,
                        "skip-nodes-with-system-pods": false,
                        // Spot groups first, the fallback when none can grow; ties go to the least idle capacity.
                        expander: "priority,least-waste",
                    },
                    // The chart renders these into the cluster-autoscaler-priority-expander ConfigMap it reads.
                    expanderPriorities: AUTOSCALER_PRIORITIES,
                    resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "300Mi" } },
                    nodeSelector: this.placement.onDemand.nodeSelector,
                    tolerations: this.placement.onDemand.tolerations,
                },
            },
            { parent: this, provider: this.provider, dependsOn: role.dependencies },
        );
    }
}
