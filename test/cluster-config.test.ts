import { expect } from "chai";
import type { ClusterArgs } from "../components/cluster";
import { CLUSTER_SECTIONS, clusterConfigPath } from "../stacks/args/cluster";
import { ConfigError, StackConfig, parseStackConfig } from "../stacks/config";
import { schemaAt } from "../stacks/config/errors";
import { readStackFile } from "../tools/offline/runtime";

function issuesOf(
    stack: string,
    changes: Record<string, unknown>,
    options: { unset?: string[]; secrets?: Record<string, string> } = {},
) {
    const file = readStackFile(stack);
    const raw: Record<string, unknown> = { ...file.config, ...changes };
    for (const key of options.unset ?? []) delete raw[key];
    try {
        parseStackConfig(stack, raw, options.secrets ?? file.secrets);
    } catch (err) {
        if (err instanceof ConfigError) return { issues: err.issues, message: err.message };
        throw err;
    }
    throw new Error("expected a ConfigError");
}

const keys = (r: { issues: { key: string }[] }) => r.issues.map((i) => i.key);

/** The config of a stack file with some keys replaced, resolved (throws a ConfigError if refused). */
function accepted(stack: string, changes: Record<string, unknown>) {
    const file = readStackFile(stack);
    return parseStackConfig(stack, { ...file.config, ...changes }, file.secrets);
}

describe("cluster layer: bad config is refused with the key named", () => {
    it("min above max", () => {
        const r = issuesOf("prod-eks", {
            nodePools: { onDemand: { minNodes: 2, maxNodes: 6 }, spot: { minNodes: 8, maxNodes: 4 } },
        });
        expect(keys(r)).to.deep.equal(["airflow-platform:nodePools.spot.minNodes"]);
        expect(r.message).to.contain("must not exceed nodePools.spot.maxNodes (4)");
    });

    it("a spot group with no instance types", () => {
        const r = issuesOf("prod-eks", { nodePools: { spot: { machineTypes: [], minNodes: 0, maxNodes: 10 } } });
        expect(keys(r)).to.deep.equal(["airflow-platform:nodePools.spot.machineTypes"]);
    });

    it("a missing GCP project or region", () => {
        const project = issuesOf("prod-gke", { gcp: { region: "europe-west1" } });
        expect(keys(project)).to.deep.equal(["airflow-platform:gcp.project"]);
        expect(project.message).to.contain("is required with cloud gke");
        const region = issuesOf("prod-gke", { gcp: { project: "acme" } });
        expect(keys(region)).to.deep.equal(["airflow-platform:gcp.region"]);
        expect(keys(issuesOf("prod-gke", {}, { unset: ["gcp"] }))).to.deep.equal(["airflow-platform:gcp"]);
    });

    it("a missing AWS region", () => {
        const r = issuesOf("prod-eks", { aws: { workloadIdentity: "irsa" } });
        expect(keys(r)).to.deep.equal(["airflow-platform:aws.region"]);
        expect(r.message).to.contain("is required with cloud eks");
    });

    it("`existing` without a kubeconfig or a context", () => {
        const r = issuesOf(
            "dev",
            { cloud: "existing", existing: { sharedStorageClassName: "nfs" } },
            { unset: ["gcp", "nodePools"] },
        );
        expect(keys(r)).to.deep.equal(["airflow-platform:existing.context"]);
        expect(r.message).to.contain("existingKubeconfig");
    });

    it("every config key the cluster's refusals are reported under exists in the schema", () => {
        const devspaces = [
            { owner: {} },
            { owner: { aws: "arn:aws:iam::123456789012:user/bob" } },
        ] as StackConfig["devspaces"];
        for (const [kind, { section, keys: argsKeys }] of Object.entries(CLUSTER_SECTIONS))
            for (const key of argsKeys) {
                const path = clusterConfigPath({ devspaces }, kind as ClusterArgs["kind"], key);
                expect(path, key).to.deep.equal([section, key]);
                expect(schemaAt(path), path.join(".")).to.not.equal(undefined);
            }
        for (const shared of [
            "nodePools.spot.maxNodes",
            "controlPlane.authorizedNetworks",
            "database.tier",
            "kubernetesVersion",
        ])
            expect(schemaAt(clusterConfigPath({ devspaces }, "eks", shared)), shared).to.not.equal(undefined);
        expect(clusterConfigPath({ devspaces }, "eks", "accessEntries.1.principalArn")).to.deep.equal([
            "aws",
            "accessEntries",
            1,
            "principalArn",
        ]);
        // A devspace owner is the devspaces item that named it (the first devspace names no IAM principal).
        expect(clusterConfigPath({ devspaces }, "eks", "devspaceOwners.0.principalArn")).to.deep.equal([
            "devspaces",
            1,
            "owner",
            "aws",
        ]);
    });

    it("`existing.sharedStorageClassName` naming no class: the ExistingCluster component's refusal, under its key", () => {
        const r = issuesOf(
            "dev",
            { cloud: "existing", existing: { sharedStorageClassName: " ", context: "kind-kind" } },
            { unset: ["gcp", "nodePools"] },
        );
        expect(keys(r)).to.deep.equal(["airflow-platform:existing.sharedStorageClassName"]);
        expect(r.message).to.contain("refused by the ExistingCluster component");
    });

    it("an existing subnetwork without its network, an existing VPC without two private subnets", () => {
        const gke = issuesOf("prod-gke", {
            gcp: { project: "p", region: "europe-west1", network: { existingSubnetwork: "nodes" } },
        });
        expect(keys(gke)).to.deep.equal(["airflow-platform:gcp.network.existingNetwork"]);
        const eks = issuesOf("prod-eks", {
            aws: {
                region: "eu-west-1",
                extendedSupport: true,
                vpc: { existingVpcId: "vpc-1", privateSubnetIds: ["subnet-a"] },
            },
        });
        expect(keys(eks)).to.deep.equal(["airflow-platform:aws.vpc.privateSubnetIds"]);
        const orphan = issuesOf("prod-eks", {
            aws: { region: "eu-west-1", extendedSupport: true, vpc: { privateSubnetIds: ["subnet-a", "subnet-b"] } },
        });
        expect(keys(orphan)).to.deep.equal(["airflow-platform:aws.vpc.existingVpcId"]);
    });

    it("one Cloud SQL backup with point-in-time recovery (needs more backups than log days); RDS takes 1", () => {
        const r = issuesOf("prod-gke", { database: { mode: "managed", backupRetentionDays: 1 } });
        expect(keys(r)).to.deep.equal(["airflow-platform:database.backupRetentionDays"]);
        expect(r.message).to.contain("at least 2");
        expect(
            accepted("prod-gke", { database: { mode: "managed", backupRetentionDays: 2 } }).database
                .backupRetentionDays,
        ).to.equal(2);
        expect(
            accepted("prod-gke", { database: { mode: "managed", backupRetentionDays: 0 } }).database
                .backupRetentionDays,
        ).to.equal(0);
        expect(
            accepted("prod-eks", { database: { mode: "managed", backupRetentionDays: 1 } }).database
                .backupRetentionDays,
        ).to.equal(1);
    });

    it("controlPlane.authorizedNetworks that are not IPv4 CIDR blocks, or an empty list", () => {
        const r = issuesOf("prod-gke", {
            controlPlane: { authorizedNetworks: ["203.0.113.0/24", "203.0.113.7", "10.0.0.0/33"] },
        });
        expect(keys(r)).to.deep.equal([
            "airflow-platform:controlPlane.authorizedNetworks[1]",
            "airflow-platform:controlPlane.authorizedNetworks[2]",
        ]);
        expect(r.message).to.contain("an IPv4 CIDR block");
        expect(keys(issuesOf("prod-eks", { controlPlane: { authorizedNetworks: [] } }))).to.deep.equal([
            "airflow-platform:controlPlane.authorizedNetworks",
        ]);
        expect(accepted("prod-eks", {}).controlPlane.authorizedNetworks).to.deep.equal(["203.0.113.0/24"]);
        expect(
            keys(issuesOf("devspace-demo", { controlPlane: { authorizedNetworks: ["203.0.113.0/24"] } })),
        ).to.deep.equal(["airflow-platform:controlPlane.authorizedNetworks"]);
    });

    it("a log volume that cannot be a Filestore multishare (10Gi..128Gi) with gcp.sharedStorage enterprise-multishare", () => {
        const airflow = readStackFile("dev").config.airflow as Record<string, unknown>;
        const r = issuesOf("dev", { airflow: { ...airflow, logs: { size: "200Gi" } } });
        expect(keys(r)).to.deep.equal(["airflow-platform:airflow.logs.size"]);
        expect(r.message).to.contain("between 10Gi and 128Gi");
        expect(keys(issuesOf("dev", { airflow: { ...airflow, logs: { size: "5Gi" } } }))).to.deep.equal([
            "airflow-platform:airflow.logs.size",
        ]);
        expect(accepted("dev", { airflow: { ...airflow, logs: { size: "128Gi" } } }).gcp?.sharedStorage).to.equal(
            "enterprise-multishare",
        );
        const basic = { ...(readStackFile("dev").config.gcp as Record<string, unknown>), sharedStorage: "basic-hdd" };
        expect(
            accepted("dev", { gcp: basic, airflow: { ...airflow, logs: { size: "1Ti" } } }).airflow.logs.size,
        ).to.equal("1Ti");
    });

    it("a database tier of the other cloud", () => {
        const r = issuesOf("prod-eks", { database: { mode: "managed", tier: "db-custom-2-7680" } });
        expect(keys(r)).to.deep.equal(["airflow-platform:database.tier"]);
        expect(keys(issuesOf("prod-gke", { database: { mode: "managed", tier: "db.t4g.medium" } }))).to.deep.equal([
            "airflow-platform:database.tier",
        ]);
    });
});
