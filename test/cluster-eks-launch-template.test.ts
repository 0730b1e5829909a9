/**
 * EKS node hardening: every managed node group runs from a launch template of its own (IMDSv2 with hop limit 1, an
 * encrypted gp3 root volume, cost tags on instances and volumes), and what a change of it does on day 2.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { launchTemplateReference } from "../components/cluster/eks";
import { EKS_AL2023_ROOT_DEVICE, EKS_NODE_AMI_TYPE } from "../components/cluster/eks/specs";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import * as harness from "./harness";
import { COMPUTED, Plan, Planned, configError, planOf } from "./harness";

type Obj = Record<string, any>;
const { ofType } = harness.loose;

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** The launch template a node group refers to: the one its launchTemplate input waits for. */
function templateOf(plan: Plan, group: Planned): Planned {
    const templates = ofType(plan, LAUNCH_TEMPLATE).filter((t) => group.dependencies.includes(t.urn));
    expect(templates, group.name).to.have.length(1);
    return templates[0];
}

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

describe("cluster layer, EKS launch templates", () => {
    let prod: Plan;
    let biggerSpotDisk: Plan;
    const file = readStackFile("prod-eks");
    const pools = parseStackConfig("prod-eks", file.config, file.secrets).nodePools;
    before(async () => {
        [prod, biggerSpotDisk] = await Promise.all([
            planOf("prod-eks"),
            planOf("prod-eks", {
                config: {
                    nodePools: {
                        ...(file.config.nodePools as Obj),
                        spot: { ...(file.config.nodePools as Obj).spot, diskSizeGb: pools.spot.diskSizeGb + 100 },
                    },
                },
            }),
        ]);
    });

    it("gives every node group its own template, by ID at its latest version, with the instance types on the group and no diskSize", () => {
        const groups = ofType(prod, NODE_GROUP);
        expect(groups).to.have.length(6);
        const templates = new Set<string>();
        for (const group of groups) {
            const template = templateOf(prod, group);
            templates.add(template.urn);
            // The template's ID (the mocks' stand-in) and its version, unknown until the template exists.
            expect(group.inputs.launchTemplate, group.name).to.deep.equal({
                id: `${template.name}-id`,
                version: COMPUTED,
            });
            // EKS refuses diskSize (and remoteAccess) beside a launch template; the types stay on the group.
            expect(group.inputs, group.name).to.not.have.property("diskSize");
            expect(group.inputs, group.name).to.not.have.property("remoteAccess");
            expect(group.inputs.instanceTypes, group.name).to.not.be.empty;
        }
        expect(templates.size).to.equal(groups.length);
    });

    it("names the AMI type of every node group, AL2023 x86_64 from one place, the image its template and checks assume", () => {
        const groups = ofType(prod, NODE_GROUP);
        expect(groups.length).to.be.greaterThan(0);
        for (const group of groups) expect(group.inputs.amiType, group.name).to.equal("AL2023_x86_64_STANDARD");
        expect(EKS_NODE_AMI_TYPE).to.equal("AL2023_x86_64_STANDARD");
        // The template sizes AL2023's root device; the config refuses the arm64 types that AMI cannot boot.
        expect(EKS_AL2023_ROOT_DEVICE).to.equal("/dev/xvda");
        const arm = configError(() =>
            parseStackConfig(
                "prod-eks",
                {
                    ...file.config,
                    nodePools: { ...(file.config.nodePools as Obj), onDemand: { machineTypes: ["m7g.xlarge"] } },
                },
                file.secrets,
            ),
        );
        expect(arm.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:nodePools.onDemand.machineTypes"]);
        expect(arm.message).to.contain("AL2023_x86_64_STANDARD").and.to.contain("m7g.xlarge is Graviton");
    });

    it("refers to the template's latest version (a change is a new version EKS rolls out), not its default one", async () => {
        const template = {
            id: pulumi.output("lt-0123456789abcdef0"),
            latestVersion: pulumi.output(7),
            defaultVersion: pulumi.output(1),
        } as unknown as Parameters<typeof launchTemplateReference>[0];
        const reference = launchTemplateReference(template);
        expect(await resolved(reference.id)).to.equal("lt-0123456789abcdef0");
        expect(await resolved(reference.version)).to.equal("7");
    });

    it("requires IMDSv2 with a hop limit of 1, so that no pod (one hop behind the node) reads the node role's credentials", () => {
        for (const template of ofType(prod, LAUNCH_TEMPLATE))
            expect(template.inputs.metadataOptions, template.name).to.deep.equal({
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            });
    });

    it("boots every node from an encrypted gp3 root volume of its pool's nodePools.*.diskSizeGb", () => {
        const diskOf = (group: Planned) =>
            group.name.includes("spot-")
                ? pools.spot.diskSizeGb
                : group.name.endsWith("fallback")
                  ? pools.fallback.diskSizeGb
                  : pools.onDemand.diskSizeGb;
        for (const group of ofType(prod, NODE_GROUP)) {
            const mappings = templateOf(prod, group).inputs.blockDeviceMappings;
            expect(mappings, group.name).to.deep.equal([
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        volumeSize: diskOf(group),
                        volumeType: "gp3",
                        encrypted: "true",
                        deleteOnTermination: "true",
                    },
                },
            ]);
        }
    });

    it("tags each node's instance and volumes with the stack's cost tags, its group's Name and its capacity", () => {
        for (const group of ofType(prod, NODE_GROUP)) {
            const specs = templateOf(prod, group).inputs.tagSpecifications as Obj[];
            expect(specs.map((s) => s.resourceType).sort(), group.name).to.deep.equal(["instance", "volume"]);
            for (const spec of specs)
                expect(spec.tags, group.name).to.deep.equal({
                    "airflow-platform/stack": "prod-eks",
                    "managed-by": "pulumi",
                    Name: `airflow-prod-eks-${group.inputs.nodeGroupNamePrefix.replace(/-$/, "")}`,
                    "airflow-platform/capacity": group.inputs.labels["airflow-platform/capacity"],
                });
        }
        // The same tags as the provider's defaultTags, which the resources Pulumi creates carry.
        const provider = harness.the(prod, "pulumi:providers:aws").inputs as Obj;
        expect(JSON.parse(provider.defaultTags)).to.deep.equal({
            tags: { "airflow-platform/stack": "prod-eks", "managed-by": "pulumi" },
        });
    });

    it("leaves to the node group what EKS refuses in a template: no AMI, instance type, subnet, instance profile, security group or user data", () => {
        for (const template of ofType(prod, LAUNCH_TEMPLATE))
            for (const key of [
                "imageId",
                "instanceType",
                "iamInstanceProfile",
                "networkInterfaces",
                "vpcSecurityGroupIds",
                "securityGroupNames",
                "userData",
                "instanceMarketOptions",
                "hibernationOptions",
                "instanceInitiatedShutdownBehavior",
                "name",
            ])
                expect(template.inputs, `${template.name}.${key}`).to.not.have.property(key);
    });

    it("hands the controllers that would ask instance metadata their region and VPC, which hop limit 1 hides from pods", () => {
        // AWS Load Balancer Controller: --aws-region and --aws-vpc-id, else it needs hop limit 2 (its installation docs).
        const lbc = harness.helmValues(prod, "cluster-ingress");
        expect(lbc.region).to.equal("eu-west-1");
        expect(lbc.vpcId).to.equal("vpc-cluster-vpc");
        // The autoscaler chart renders awsRegion as AWS_REGION (templates/deployment.yaml).
        expect(harness.helmValues(prod, "cluster-cluster-autoscaler").awsRegion).to.equal("eu-west-1");
    });

    it("day 2: a bigger disk is a new template version (a rolling update of the group), never a new node group", () => {
        const before = ofType(prod, NODE_GROUP);
        const after = ofType(biggerSpotDisk, NODE_GROUP);
        for (const group of before) {
            const changed = after.find((g) => g.urn === group.urn)!;
            // Everything EKS replaces a group for stays as it was: the change reaches the group only as a version.
            expect(changed.inputs, group.name).to.deep.equal(group.inputs);
            const template = templateOf(biggerSpotDisk, changed);
            expect(template.urn).to.equal(templateOf(prod, group).urn);
            expect(template.inputs.blockDeviceMappings[0].ebs.volumeSize, group.name).to.equal(
                group.name.includes("spot-")
                    ? pools.spot.diskSizeGb + 100
                    : templateOf(prod, group).inputs.blockDeviceMappings[0].ebs.volumeSize,
            );
        }
    });
});
