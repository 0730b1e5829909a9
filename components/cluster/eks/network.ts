/** The EKS cluster's network: a VPC with private subnets (nodes, EFS, RDS) and public ones, or existing subnets. */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedEksClusterArgs } from "./args";
import { subnetsSharingAZ } from "./specs";

export interface EksNetwork {
    vpcId: pulumi.Output<string>;
    /** One per AZ. */
    privateSubnetIds: pulumi.Output<string>[];
    publicSubnetIds: pulumi.Output<string[]>;
    /** Nodes must wait for the whole VPC (NAT gateways, routes), not only for the subnet IDs. */
    ready: pulumi.Resource[];
}

export function eksNetwork(
    name: string,
    args: Pick<ResolvedEksClusterArgs, "clusterName" | "vpc">,
    opts: { parent: pulumi.Resource; awsProvider: aws.Provider },
): EksNetwork {
    const vpcArgs = args.vpc;
    if (vpcArgs.existingVpcId !== undefined) {
        // One subnet per AZ: EFS takes one mount target per AZ, and each on-demand group lives in one zone.
        const given = vpcArgs.privateSubnetIds;
        const zones = pulumi.all(
            given.map(
                (id) =>
                    aws.ec2.getSubnetOutput({ id }, { provider: opts.awsProvider, parent: opts.parent })
                        .availabilityZone,
            ),
        );
        return {
            vpcId: pulumi.output(vpcArgs.existingVpcId),
            privateSubnetIds: given.map((id) =>
                zones.apply((azs) => {
                    const problem = subnetsSharingAZ(given.map((subnet, i) => ({ subnet, zone: azs[i] })));
                    if (problem) throw new Error(`airflow-platform:aws.vpc.privateSubnetIds: ${problem}`);
                    return id;
                }),
            ),
            publicSubnetIds: pulumi.output(vpcArgs.publicSubnetIds),
            ready: [],
        };
    }
    const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: vpcArgs.cidrBlock,
            numberOfAvailabilityZones: vpcArgs.availabilityZones,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            natGateways: { strategy: vpcArgs.natGateways === "single" ? "Single" : "OnePerAz" },
            subnetStrategy: "Auto",
            subnetSpecs: [
                // The tags tell the AWS Load Balancer Controller where internal and internet-facing LBs go.
                { type: "Private", tags: { "kubernetes.io/role/internal-elb": "1" } },
                { type: "Public", tags: { "kubernetes.io/role/elb": "1" } },
            ],
            tags: { Name: args.clusterName },
        },
        { parent: opts.parent, providers: { aws: opts.awsProvider } },
    );
    return {
        vpcId: vpc.vpcId,
        privateSubnetIds: Array.from({ length: vpcArgs.availabilityZones }, (_, i) =>
            vpc.privateSubnetIds.apply((ids) => ids[i]),
        ),
        publicSubnetIds: vpc.publicSubnetIds,
        ready: [vpc],
    };
}
