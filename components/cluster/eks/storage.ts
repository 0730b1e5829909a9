/** EKS storage: EFS with its CSI add-on behind the ReadWriteMany class, the EBS CSI add-on behind the default `gp3`. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    BLOCK_STORAGE_CLASS,
    DEFAULT_CLASS_ANNOTATION,
    SHARED_STORAGE_CLASS,
    ebsStorageClass,
    efsStorageClass,
} from "../storage";
import { eksAddonVersion } from "./addons";
import type { ResolvedEksClusterArgs } from "./args";
import { MANAGED_POLICY } from "./control-plane";
import { EksWorkloadIdentity, serviceAccountRole } from "./identity";
import type { EksNetwork } from "./network";

export interface EksStorage {
    fileSystem: aws.efs.FileSystem;
    efsDriver: aws.eks.Addon;
    shared: k8s.storage.v1.StorageClass;
    ebsDriver: aws.eks.Addon;
    block: k8s.storage.v1.StorageClass;
}

export function eksStorage(
    name: string,
    args: Pick<
        ResolvedEksClusterArgs,
        "clusterName" | "kubernetesVersion" | "production" | "deletionProtection" | "workloadIdentity"
    >,
    parts: {
        network: EksNetwork;
        nodeSecurityGroupId: pulumi.Output<string>;
        identity: EksWorkloadIdentity;
        /** The on-demand node groups the drivers' controllers run on. */
        onDemand: pulumi.Resource[];
    },
    opts: { withAws: pulumi.CustomResourceOptions; parent: pulumi.Resource; provider: k8s.Provider },
): EksStorage {
    const { withAws } = opts;
    const { network, identity } = parts;
    const clusterName = identity.clusterName;
    // EFS for task logs: encrypted, one mount target per private subnet, NFS only from the nodes.
    const fileSystem = new aws.efs.FileSystem(
        `${name}-efs`,
        {
            encrypted: true,
            performanceMode: "generalPurpose",
            throughputMode: "elastic",
            tags: { Name: `${args.clusterName}-logs` },
        },
        { ...withAws, protect: args.deletionProtection },
    );
    const efsSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-efs-sg`,
        {
            vpcId: network.vpcId,
            description: `NFS from the nodes of ${args.clusterName}`,
            tags: { Name: `${args.clusterName}-efs` },
        },
        withAws,
    );
    const nfsFromNodes = new aws.vpc.SecurityGroupIngressRule(
        `${name}-efs-nfs-from-nodes`,
        {
            securityGroupId: efsSecurityGroup.id,
            referencedSecurityGroupId: parts.nodeSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: 2049,
            toPort: 2049,
            description: "NFS from the cluster's nodes",
        },
        withAws,
    );
    const mountTargets = network.privateSubnetIds.map(
        (subnetId, i) =>
            new aws.efs.MountTarget(
                `${name}-efs-${i}`,
                { fileSystemId: fileSystem.id, subnetId, securityGroups: [efsSecurityGroup.id] },
                // EFS takes one mount target per AZ (MountTargetConflict), and subnetId is ForceNew: a subnet swap
                // within an AZ must delete the old target first (NFS in that AZ pauses until the new one is available).
                { ...withAws, deleteBeforeReplace: true },
            ),
    );
    const efsRole = serviceAccountRole(identity, `${name}-efs-csi`, {
        namespace: "kube-system",
        serviceAccountName: args.workloadIdentity === "irsa" ? "efs-csi-*" : "efs-csi-controller-sa",
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
            // Undefined: EKS's default for the minor (EKS_UNPINNED_ADDONS says why).
            addonVersion: eksAddonVersion("aws-efs-csi-driver", args.kubernetesVersion),
            resolveConflictsOnCreate: "OVERWRITE",
            ...(args.workloadIdentity === "pod-identity"
                ? { podIdentityAssociations: [{ roleArn: efsRole.role.arn, serviceAccount: "efs-csi-controller-sa" }] }
                : { serviceAccountRoleArn: efsRole.role.arn }),
        },
        // The driver's pods need nodes to run on, and the file system reachable.
        { ...withAws, dependsOn: [...efsRole.dependencies, ...parts.onDemand, ...mountTargets, nfsFromNodes] },
    );
    const shared = new k8s.storage.v1.StorageClass(
        `${name}-${SHARED_STORAGE_CLASS}`,
        {
            metadata: { name: SHARED_STORAGE_CLASS },
            ...efsStorageClass({ fileSystemId: "", retain: args.production }),
            parameters: fileSystem.id.apply(
                (fileSystemId) => efsStorageClass({ fileSystemId, retain: args.production }).parameters,
            ),
        },
        { parent: opts.parent, provider: opts.provider, dependsOn: [efsDriver] },
    );

    // EBS for every ReadWriteOnce volume. Only the controller calls the EC2 API, so only its service account gets the role.
    const ebsServiceAccount = "ebs-csi-controller-sa";
    const ebsRole = serviceAccountRole(identity, `${name}-ebs-csi`, {
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
            addonVersion: eksAddonVersion("aws-ebs-csi-driver", args.kubernetesVersion),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            // The add-on's own optional default class (defaultStorageClass.enabled) is unencrypted; ours below is not.
            ...(args.workloadIdentity === "pod-identity"
                ? { podIdentityAssociations: [{ roleArn: ebsRole.role.arn, serviceAccount: ebsServiceAccount }] }
                : { serviceAccountRoleArn: ebsRole.role.arn }),
        },
        { ...withAws, dependsOn: [...ebsRole.dependencies, ...parts.onDemand] },
    );
    // The default class: EKS 1.30+ no longer marks gp2 default, and with several defaults Kubernetes picks the newest.
    const block = new k8s.storage.v1.StorageClass(
        `${name}-${BLOCK_STORAGE_CLASS.eks}`,
        {
            metadata: { name: BLOCK_STORAGE_CLASS.eks, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
            ...ebsStorageClass({ retain: args.production }),
        },
        { parent: opts.parent, provider: opts.provider, dependsOn: [ebsDriver] },
    );
    return { fileSystem, efsDriver, shared, ebsDriver, block };
}
