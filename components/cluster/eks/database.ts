/** RdsDatabase: RDS for PostgreSQL in the private subnets, encrypted, reachable only from the nodes. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { StackConfig } from "../../../stacks/config";
import { DATABASE_NAME, DATABASE_USER, DEFAULT_DATABASE_TIER, POSTGRES_PORT } from "../database";
import { DatabaseConnection } from "../types";

export interface RdsDatabaseArgs {
    /** Reads `database` (version, tier, default db.t4g.medium, storage, Multi-AZ, backups), `clusterName`,
     * `deletionProtection` (Pulumi `protect`) and `production` (final snapshot). */
    config: StackConfig;
    vpcId: pulumi.Input<string>;
    /** Private subnets, in at least two AZs. */
    subnetIds: pulumi.Input<string>[];
    /** The only security group allowed to connect (the cluster's nodes). */
    clientSecurityGroupId: pulumi.Input<string>;
    awsProvider: aws.Provider;
}

export class RdsDatabase extends pulumi.ComponentResource {
    readonly instance: aws.rds.Instance;
    readonly connection: DatabaseConnection;

    constructor(name: string, args: RdsDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:RdsDatabase", name, {}, opts);
        const { config } = args;
        const db = config.database;
        const withAws: pulumi.CustomResourceOptions = { parent: this, provider: args.awsProvider };

        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds }, withAws);
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: `PostgreSQL from the nodes of ${config.clusterName}` },
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

        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });

        this.instance = new aws.rds.Instance(
            `${name}-instance`,
            {
                identifierPrefix: `${config.clusterName}-`,
                engine: "postgres",
                // A major version: RDS picks its default minor and upgrades minors in the maintenance window.
                engineVersion: db.postgresVersion,
                autoMinorVersionUpgrade: true,
                instanceClass: db.tier ?? DEFAULT_DATABASE_TIER.eks,
                allocatedStorage: db.storageGb,
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
                deletionProtection: config.deletionProtection,
                skipFinalSnapshot: !config.production,
                finalSnapshotIdentifier: config.production ? `${config.clusterName}-final` : undefined,
                copyTagsToSnapshot: true,
                tags: { Name: `${config.clusterName}-metadata` },
            },
            { ...withAws, protect: config.deletionProtection },
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
