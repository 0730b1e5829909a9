import { expect } from "chai";
import { ConfigError, parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";

function issuesOf(stack: string, changes: Record<string, unknown>, options: { unset?: string[]; secrets?: Record<string, string> } = {}) {
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

describe("cluster layer: bad config is refused with the key named", () => {
    it("min above max", () => {
        const r = issuesOf("prod-eks", { nodePools: { onDemand: { minNodes: 2, maxNodes: 6 }, spot: { minNodes: 8, maxNodes: 4 } } });
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
        const r = issuesOf("dev", { cloud: "existing", existing: { sharedStorageClassName: "nfs" } }, { unset: ["gcp", "nodePools"] });
        expect(keys(r)).to.deep.equal(["airflow-platform:existing.context"]);
        expect(r.message).to.contain("existingKubeconfig");
    });

    it("an existing subnetwork without its network, an existing VPC without two private subnets", () => {
        const gke = issuesOf("prod-gke", { gcp: { project: "p", region: "europe-west1", network: { existingSubnetwork: "nodes" } } });
        expect(keys(gke)).to.deep.equal(["airflow-platform:gcp.network.existingNetwork"]);
        const eks = issuesOf("prod-eks", { aws: { region: "eu-west-1", vpc: { existingVpcId: "vpc-1", privateSubnetIds: ["subnet-a"] } } });
        expect(keys(eks)).to.deep.equal(["airflow-platform:aws.vpc.privateSubnetIds"]);
        const orphan = issuesOf("prod-eks", { aws: { region: "eu-west-1", vpc: { privateSubnetIds: ["subnet-a", "subnet-b"] } } });
        expect(keys(orphan)).to.deep.equal(["airflow-platform:aws.vpc.existingVpcId"]);
    });

    it("a database tier of the other cloud", () => {
        const r = issuesOf("prod-eks", { database: { mode: "managed", tier: "db-custom-2-7680" } });
        expect(keys(r)).to.deep.equal(["airflow-platform:database.tier"]);
        expect(keys(issuesOf("prod-gke", { database: { mode: "managed", tier: "db.t4g.medium" } }))).to.deep.equal([
            "airflow-platform:database.tier",
        ]);
    });
});
