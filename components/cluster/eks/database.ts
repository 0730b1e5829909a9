/** RdsDatabase: RDS for PostgreSQL in the private subnets, encrypted, reachable only from the nodes. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DATABASE_NAME, DATABASE_USER, POSTGRES_PORT } from "../database";
import { DatabaseConnection } from "../types";
import type { ResolvedRdsArgs } from "./args";

export interface RdsDatabaseArgs {
    /** The instance: version, class, storage, Multi-AZ, backups, Extended Support. */
    database: ResolvedRdsArgs;
    /** Names the instance (`<clusterName>-` prefix), its security group and its final snapshot. */
    clusterName: string;
    /** A final snapshot on deletion. */
    production: boolean;
    /** Pulumi `protect` and RDS deletion protection. */
    deletionProtection: boolean;
    vpcId: pulumi.Input<string>;
    /** Private subnets, in at least two AZs. */
    subnetIds: pulumi.Input<string>[];
    /** The only security group allowed to connect (the cluster's nodes). */
    clientSecurityGroupId: pulumi.Input<string>;
    awsProvider: aws.Provider;
}

/** The storage autoscaling ceiling: `database.maxStorageGb`, or four times the allocated storage. */
export function rdsMaxAllocatedStorage(db: { storageGb: number; maxStorageGb?: number }): number {
    return db.maxStorageGb ?? db.storageGb * 4;
}

export class RdsDatabase extends pulumi.ComponentResource {
    readonly instance: aws.rds.Instance;
    readonly connection: DatabaseConnection;

    constructor(name: string, args: RdsDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:RdsDatabase", name, {}, opts);
        const db = args.database;
        const withAws: pulumi.CustomResourceOptions = { parent: this, provider: args.awsProvider };

        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds }, withAws);
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: `PostgreSQL from the nodes of ${args.clusterName}` },
            withAws,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-postgres-from-nodes`,
            {
                securityGroupId: securityGroup.id,
                referencedSecurityGroupId: args.clientSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: POSTGRES_PORT,
                toPort: POSTGRES_PORT,
                description: "PostgreSQL from the cluster's nodes",
            },
            withAws,
        );

        const password = new random.RandomPassword(
            `${name}-password`,
            { length: 32, special: false },
            { parent: this },
        );
        // A final snapshot name of this stack's lifetime only: a stack destroyed, re-created and destroyed again
        // would otherwise collide with its first final snapshot (DBSnapshotAlreadyExists).
        const snapshotSuffix = args.production
            ? new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, { parent: this })
            : undefined;

        this.instance = new aws.rds.Instance(
            `${name}-instance`,
            {
                identifierPrefix: `${args.clusterName}-`,
                engine: "postgres",
                // A major version: RDS picks its default minor and upgrades minors in the maintenance window.
                engineVersion: db.postgresVersion,
                autoMinorVersionUpgrade: true,
                // A database.postgresVersion bump is a major upgrade, which RDS refuses without this flag.
                allowMajorVersionUpgrade: true,
                // Without this RDS enrols the instance in paid Extended Support when the major leaves standard support.
                engineLifecycleSupport: db.extendedSupport
                    ? "open-source-rds-extended-support"
                    : "open-source-rds-extended-support-disabled",
                instanceClass: db.tier,
                allocatedStorage: db.storageGb,
                // Storage autoscaling up to this ceiling (the provider then ignores drift of allocatedStorage).
                maxAllocatedStorage: rdsMaxAllocatedStorage(db),
                storageType: "gp3",
                storageEncrypted: true,
                multiAz: db.highAvailability,
                dbName: DATABASE_NAME,
                username: DATABASE_USER,
                password: password.result,
                port: POSTGRES_PORT,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [securityGroup.id],
                publiclyAccessible: false,
                backupRetentionPeriod: db.backupRetentionDays,
                deletionProtection: args.deletionProtection,
                skipFinalSnapshot: !args.production,
                finalSnapshotIdentifier: snapshotSuffix
                    ? pulumi.interpolate`${args.clusterName}-final-${snapshotSuffix.hex}`
                    : undefined,
                copyTagsToSnapshot: true,
                tags: { Name: `${args.clusterName}-metadata` },
            },
            // engineLifecycleSupport is chosen at create or restore only (RDS User Guide, "Extended Support"); the API
            // accepts a change and silently keeps the old value (hashicorp/terraform-provider-aws#40870, #44552).
            { ...withAws, protect: args.deletionProtection, ignoreChanges: ["engineLifecycleSupport"] },
        );

        const host = this.instance.address;
        const secretPassword = pulumi.secret(password.result);
        this.connection = {
            host,
            port: pulumi.output(POSTGRES_PORT),
            database: pulumi.output(DATABASE_NAME),
            username: pulumi.output(DATABASE_USER),
            password: secretPassword,
        };
        this.registerOutputs({ host });
    }
}
