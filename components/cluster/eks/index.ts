/**
 * EksCluster: an EKS cluster (API authentication, access entries) in its own VPC or existing subnets, with an
 * on-demand and a spot managed node group, the cluster autoscaler, EFS with the EFS CSI add-on and a ReadWriteMany
 * StorageClass, the EBS CSI add-on and the default ReadWriteOnce `gp3` StorageClass; plus the RDS metadata database
 * when asked for.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterBase, ClusterParts } from "../base";
import { openControlPlaneWarning } from "../control-plane";
import { createEksIngressDriver } from "../ingress/eks";
import { eksKubeconfig } from "../kubeconfig";
import { managedPlacements } from "../placement";
import type { ServiceAccountBinding, ServiceAccountBindingRequest } from "../types";
import { refuseArgs } from "../../validation";
import { type EksClusterArgs, type ResolvedEksClusterArgs, withEksClusterDefaults } from "./args";
import { checkEksClusterArgs } from "./checks";
import { eksClusterAutoscaler } from "./autoscaler";
import { eksApiAccess, eksControlPlane } from "./control-plane";
import { RdsDatabase } from "./database";
import {
    EksWorkloadIdentity,
    ServiceAccountRole,
    ServiceAccountRoleArgs,
    bindEksServiceAccount,
    eksWorkloadIdentity,
    serviceAccountRole,
} from "./identity";
import { eksNetwork } from "./network";
import { EksNodeGroups, eksCoreAddonResources, eksNodeGroups } from "./nodes";
import { eksCostTags } from "./specs";
import { eksStorage } from "./storage";

export type { EksClusterArgs } from "./args";
export { withEksClusterDefaults } from "./args";
export { checkEksClusterArgs, checkRdsArgs } from "./checks";
export { CLUSTER_AUTOSCALER_CHART } from "./autoscaler";
export { launchTemplateReference } from "./nodes";
export type { ServiceAccountRole, ServiceAccountRoleArgs } from "./identity";

/** The EKS-specific parts an `EksCluster` keeps for cloud-specific add-ons, beside the `Cluster` outputs. */
interface EksParts extends ClusterParts {
    awsProvider: aws.Provider;
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    publicSubnetIds: pulumi.Output<string[]>;
    cluster: aws.eks.Cluster;
    nodeSecurityGroupId: pulumi.Output<string>;
    nodeGroups: EksNodeGroups;
    fileSystem: aws.efs.FileSystem;
    identity: EksWorkloadIdentity;
}

/** Builds every part of an EKS cluster under `parent`, in dependency order. */
function eksParts(name: string, args: ResolvedEksClusterArgs, parent: pulumi.ComponentResource): EksParts {
    // Explicit provider: never the ambient aws:region / profile of whoever runs `pulumi up`.
    const awsProvider = new aws.Provider(
        `${name}-aws`,
        {
            region: args.region,
            defaultTags: { tags: eksCostTags(args.stack) },
        },
        { parent },
    );
    const withAws: pulumi.CustomResourceOptions = { parent, provider: awsProvider };
    const openWarning = openControlPlaneWarning(args);
    if (openWarning) pulumi.log.warn(openWarning, parent);

    const network = eksNetwork(name, args, { parent, awsProvider });
    const cluster = eksControlPlane(name, args, network, withAws);
    const nodeSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    eksApiAccess(name, args, { clusterName: cluster.name, nodeSecurityGroupId }, withAws);
    const identity = eksWorkloadIdentity(name, args.workloadIdentity, args.kubernetesVersion, cluster, withAws);
    const nodeGroups = eksNodeGroups(name, args, { clusterName: cluster.name, network }, { withAws, parent });
    const allNodeGroups = [...nodeGroups.onDemand, ...nodeGroups.spot, nodeGroups.fallback];
    const coreAddons = eksCoreAddonResources(name, args.kubernetesVersion, cluster.name, allNodeGroups, withAws);

    const kubeconfig = pulumi.secret(
        pulumi
            .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
            .apply(([n, endpoint, ca]) => eksKubeconfig({ name: n, endpoint, caData: ca.data, region: args.region })),
    );
    const provider = new k8s.Provider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true },
        { parent, dependsOn: nodeGroups.onDemand },
    );
    const placement = managedPlacements("eks");
    const autoscaler = eksClusterAutoscaler(
        name,
        {
            clusterName: args.clusterName,
            kubernetesVersion: args.kubernetesVersion,
            region: args.region,
            placement: placement.onDemand,
        },
        identity,
        { parent, provider },
    );
    const storage = eksStorage(
        name,
        args,
        { network, nodeSecurityGroupId, identity, onDemand: nodeGroups.onDemand },
        { withAws, parent, provider },
    );

    const database =
        args.database.mode === "managed"
            ? new RdsDatabase(
                  `${name}-db`,
                  {
                      database: args.database,
                      clusterName: args.clusterName,
                      production: args.production,
                      deletionProtection: args.deletionProtection,
                      vpcId: network.vpcId,
                      subnetIds: network.privateSubnetIds,
                      clientSecurityGroupId: nodeSecurityGroupId,
                      awsProvider,
                  },
                  { parent },
              )
            : undefined;

    const ingress = args.ingress
        ? createEksIngressDriver(
              `${name}-ingress`,
              {
                  namePrefix: args.clusterName,
                  loadBalancer: args.ingress.loadBalancer,
                  clusterName: cluster.name,
                  region: args.region,
                  vpcId: network.vpcId,
                  placement: placement.onDemand,
                  roleForServiceAccount: (roleName, roleArgs) => serviceAccountRole(identity, roleName, roleArgs),
                  provider,
                  dependsOn: nodeGroups.onDemand,
              },
              { parent },
          )
        : undefined;

    return {
        outputs: {
            clusterName: cluster.name,
            endpoint: cluster.endpoint,
            kubeconfig,
            provider,
            placement,
            sharedStorageClassName: storage.shared.metadata.name,
            blockStorageClassName: storage.block.metadata.name,
            database: database?.connection,
            readiness: [
                ...allNodeGroups,
                ...coreAddons,
                storage.efsDriver,
                storage.shared,
                storage.ebsDriver,
                storage.block,
                autoscaler,
            ],
            ingress,
        },
        awsProvider,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds,
        cluster,
        nodeSecurityGroupId,
        nodeGroups,
        fileSystem: storage.fileSystem,
        identity,
    };
}

export class EksCluster extends ClusterBase<EksParts> {
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
    readonly nodeGroups: EksNodeGroups;
    readonly fileSystem: aws.efs.FileSystem;

    private readonly resourceName: string;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(): a refused EksCluster registers nothing.
        refuseArgs("EksCluster", checkEksClusterArgs(args));
        const eks = withEksClusterDefaults(args);
        super("airflow-platform:cluster:EksCluster", name, opts, (parent) => eksParts(name, eks, parent));
        this.resourceName = name;
        this.region = eks.region;
        this.awsProvider = this.parts.awsProvider;
        this.vpcId = this.parts.vpcId;
        this.privateSubnetIds = this.parts.privateSubnetIds;
        this.publicSubnetIds = this.parts.publicSubnetIds;
        this.cluster = this.parts.cluster;
        this.nodeSecurityGroupId = this.parts.nodeSecurityGroupId;
        this.nodeGroups = this.parts.nodeGroups;
        this.fileSystem = this.parts.fileSystem;
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
     * An IAM role that one Kubernetes service account assumes, the way `workloadIdentity` says (Pod Identity or
     * IRSA). For the cluster layer's own add-ons and the ingress drivers.
     */
    serviceAccountRole(name: string, args: ServiceAccountRoleArgs): ServiceAccountRole {
        return serviceAccountRole(this.parts.identity, name, args);
    }

    /** EKS Pod Identity or IRSA, with read/write access to the requested S3 buckets. */
    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        return bindEksServiceAccount(this.parts.identity, this.resourceName, request);
    }
}
