/** The Args of an EKS cluster (`EksCluster`), and the one pure function that applies their defaults. */
import {
    DatabaseArgs,
    ManagedClusterArgs,
    PostgresVersion,
    ResolvedManagedClusterArgs,
    withManagedClusterDefaults,
} from "../args";
import type { AlbLoadBalancerArgs } from "../ingress/args";
import { DEFAULT_DATABASE_TIER, MANAGED_DATABASE_DEFAULTS, withManagedDatabaseDefaults } from "../database";

/** An EKS access policy an IAM principal can be granted. */
export type EksAccessPolicy =
    "AmazonEKSClusterAdminPolicy" | "AmazonEKSAdminPolicy" | "AmazonEKSEditPolicy" | "AmazonEKSViewPolicy";

/** An IAM principal granted access to the cluster (EKS allows one access entry per principal). */
export interface AccessEntryArgs {
    /** An IAM role or user ARN. */
    principalArn: string;
    /** @default "AmazonEKSClusterAdminPolicy" */
    accessPolicy?: EksAccessPolicy;
    /** Limit the policy to these namespaces. @default undefined: cluster-wide */
    namespaces?: string[];
}

/** A devspace owner's IAM principal: an access entry in the devspace's Kubernetes group, no access policy. */
export interface DevspaceOwnerArgs {
    /** The devspace's name (the access entry's resource name). */
    name: string;
    principalArn: string;
    /** The Kubernetes group the entry maps the principal to: the one the devspace frame's RoleBinding binds. */
    kubernetesGroup: string;
}

/** The VPC: an existing one with its subnets, or one created with a private and a public subnet per AZ. */
export type EksVpcArgs =
    | {
          /** Use this VPC instead of creating one. */
          existingVpcId: string;
          /** Private subnets (nodes, EFS, RDS), one per AZ. */
          privateSubnetIds: string[];
          /** Public subnets (internet-facing load balancers). @default [] */
          publicSubnetIds?: string[];
      }
    | {
          existingVpcId?: undefined;
          /** @default "10.0.0.0/16" */
          cidrBlock?: string;
          /** @default 3 */
          availabilityZones?: number;
          /** @default "single" */
          natGateways?: "single" | "one-per-az";
      };

/** RDS for PostgreSQL in the private subnets. */
export interface RdsArgs {
    /** @default "16" */
    postgresVersion?: PostgresVersion;
    /** RDS instance class. @default "db.t4g.medium" */
    tier?: string;
    /** Allocated storage (GB). @default 50 */
    storageGb?: number;
    /** The storage autoscaling ceiling (GB). @default 4 x storageGb */
    maxStorageGb?: number;
    /** Pay for RDS Extended Support once the major leaves standard support; fixed at creation. @default false */
    extendedSupport?: boolean;
    /** Multi-AZ. @default false */
    highAvailability?: boolean;
    /** Days of automated backups (0: none). @default 7 */
    backupRetentionDays?: number;
}

export interface EksClusterArgs extends ManagedClusterArgs<AlbLoadBalancerArgs> {
    kind: "eks";
    /** AWS region, e.g. eu-west-1. */
    region: string;
    /** The control plane's and the nodes' Kubernetes minor, e.g. "1.33" (the core add-ons are pinned per minor). */
    kubernetesVersion: string;
    /** @default "API" (access entries only) */
    authenticationMode?: "API" | "API_AND_CONFIG_MAP";
    /** @default [] */
    accessEntries?: AccessEntryArgs[];
    /** Devspace owners given an access entry each. @default [] */
    devspaceOwners?: DevspaceOwnerArgs[];
    /** EKS upgradePolicy EXTENDED (paid) instead of STANDARD. @default false */
    extendedSupport?: boolean;
    /**
     * The day the standard-support refusal (`checkEksClusterArgs`) is checked on, so that a plan can be checked as of
     * another day; it sets no resource input.
     * @default the current date
     */
    today?: Date;
    /** How service accounts get IAM roles. @default "pod-identity" */
    workloadIdentity?: "pod-identity" | "irsa";
    /** @default a created VPC of 3 AZs in 10.0.0.0/16 with a single NAT gateway */
    vpc?: EksVpcArgs;
    /** @default { mode: "bundled" } */
    database?: DatabaseArgs<RdsArgs>;
    /**
     * The registry prefix the Docker Hub images are pulled through (images.dockerHubMirror). An ECR pull-through cache
     * of the cluster's region gets the node role's first-pull rights on its prefix. @default undefined (Docker Hub)
     */
    dockerHubMirror?: string;
}

export type ResolvedRdsArgs = Required<Omit<RdsArgs, "maxStorageGb">> & Pick<RdsArgs, "maxStorageGb">;

export type ResolvedEksVpcArgs =
    | { existingVpcId: string; privateSubnetIds: string[]; publicSubnetIds: string[] }
    | {
          existingVpcId?: undefined;
          cidrBlock: string;
          availabilityZones: number;
          natGateways: "single" | "one-per-az";
      };

export interface ResolvedEksClusterArgs extends ResolvedManagedClusterArgs<AlbLoadBalancerArgs> {
    kind: "eks";
    region: string;
    kubernetesVersion: string;
    authenticationMode: "API" | "API_AND_CONFIG_MAP";
    accessEntries: (Required<Omit<AccessEntryArgs, "namespaces">> & Pick<AccessEntryArgs, "namespaces">)[];
    devspaceOwners: DevspaceOwnerArgs[];
    extendedSupport: boolean;
    workloadIdentity: "pod-identity" | "irsa";
    vpc: ResolvedEksVpcArgs;
    database: DatabaseArgs<ResolvedRdsArgs>;
    dockerHubMirror: string | undefined;
}

/** An RDS instance's defaults (`maxStorageGb` unset: four times `storageGb`). */
export const RDS_DEFAULTS: Omit<ResolvedRdsArgs, "maxStorageGb"> = {
    ...MANAGED_DATABASE_DEFAULTS,
    tier: DEFAULT_DATABASE_TIER.eks,
    extendedSupport: false,
};

/**
 * An EKS cluster's defaults, in one place: `withEksClusterDefaults` applies them, and the config schema's `aws` keys
 * default to the same values (stacks/config/schema.ts reads this constant).
 */
export const EKS_CLUSTER_DEFAULTS: Pick<
    ResolvedEksClusterArgs,
    "authenticationMode" | "accessEntries" | "devspaceOwners" | "extendedSupport" | "workloadIdentity"
> & {
    accessPolicy: EksAccessPolicy;
    vpc: Extract<ResolvedEksVpcArgs, { existingVpcId?: undefined }>;
    database: DatabaseArgs<RdsArgs>;
} = {
    authenticationMode: "API",
    accessEntries: [],
    accessPolicy: "AmazonEKSClusterAdminPolicy",
    devspaceOwners: [],
    extendedSupport: false,
    workloadIdentity: "pod-identity",
    vpc: { cidrBlock: "10.0.0.0/16", availabilityZones: 3, natGateways: "single" },
    database: { mode: "bundled" },
};

function withVpcDefaults(vpc: EksVpcArgs | undefined): ResolvedEksVpcArgs {
    if (vpc?.existingVpcId !== undefined)
        return {
            existingVpcId: vpc.existingVpcId,
            privateSubnetIds: vpc.privateSubnetIds,
            publicSubnetIds: vpc.publicSubnetIds ?? [],
        };
    const created = EKS_CLUSTER_DEFAULTS.vpc;
    return {
        cidrBlock: vpc?.cidrBlock ?? created.cidrBlock,
        availabilityZones: vpc?.availabilityZones ?? created.availabilityZones,
        natGateways: vpc?.natGateways ?? created.natGateways,
    };
}

/** Pure: an EKS cluster's Args with every default applied. */
export function withEksClusterDefaults(args: EksClusterArgs): ResolvedEksClusterArgs {
    const defaults = EKS_CLUSTER_DEFAULTS;
    const db = args.database ?? defaults.database;
    return {
        ...withManagedClusterDefaults(args),
        kind: "eks",
        region: args.region,
        kubernetesVersion: args.kubernetesVersion,
        authenticationMode: args.authenticationMode ?? defaults.authenticationMode,
        accessEntries: (args.accessEntries ?? defaults.accessEntries).map((entry) => ({
            ...entry,
            accessPolicy: entry.accessPolicy ?? defaults.accessPolicy,
        })),
        devspaceOwners: [...(args.devspaceOwners ?? defaults.devspaceOwners)],
        extendedSupport: args.extendedSupport ?? defaults.extendedSupport,
        workloadIdentity: args.workloadIdentity ?? defaults.workloadIdentity,
        vpc: withVpcDefaults(args.vpc),
        database:
            db.mode === "bundled"
                ? { mode: "bundled" }
                : {
                      ...db,
                      ...withManagedDatabaseDefaults(db, RDS_DEFAULTS),
                      extendedSupport: db.extendedSupport ?? RDS_DEFAULTS.extendedSupport,
                  },
        dockerHubMirror: args.dockerHubMirror,
    };
}
