import { expect } from "chai";
import * as fs from "fs";
import { CONFIG_DOC, renderConfigDoc } from "../tools/config-docs";
import { parseStackConfig } from "../stacks/config";
import { configError } from "./harness";
import { readStackFile } from "../tools/offline/runtime";

/** Parses a stack file's config with changes applied, the way `pulumi up` would see it. */
function parse(stack: string, changes: Record<string, unknown> = {}, secrets?: Record<string, string>) {
    const file = readStackFile(stack);
    return parseStackConfig(stack, { ...file.config, ...changes }, secrets ?? file.secrets);
}

describe("stack config", () => {
    for (const stack of ["dev", "prod-gke", "prod-eks", "devspace-demo"]) {
        it(`accepts the reference stack ${stack}`, () => {
            expect(() => parse(stack)).not.to.throw();
        });
    }

    it("resolves environment defaults: prod is protected and production-sized, dev is not", () => {
        const dev = parse("dev");
        const prod = parse("prod-gke");
        expect(dev.deletionProtection).to.equal(false);
        expect(prod.deletionProtection).to.equal(true);
        expect(prod.database.mode).to.equal("managed");
        expect(dev.database.mode).to.equal("bundled");
        expect(dev.airflow.resources.scheduler.cpu).to.equal("250m");
        expect(prod.airflow.resources.scheduler.cpu).to.equal("1");
    });

    it("names the full key, the value and the limit of an out-of-range value", () => {
        const err = configError(() =>
            parse("dev", { nodePools: { onDemand: { minNodes: 1, maxNodes: 3 }, spot: { minNodes: 0, maxNodes: 0 } } }),
        );
        expect(err.message).to.contain("airflow-platform:nodePools.spot.maxNodes = 0");
        expect(err.message).to.match(/>=\s*1/);
    });

    it("names the key and the expected type of a wrongly typed value", () => {
        const err = configError(() =>
            parse("dev", { airflow: { dags: { repo: "https://x/y.git" }, workers: { replicas: "two" } } }),
        );
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:airflow.workers.replicas");
        expect(err.message).to.match(/expected number/);
    });

    it("rejects an unknown key and lists the allowed ones", () => {
        const err = configError(() => parse("dev", { gcp: { project: "p", region: "r", zone: "europe-west1-b" } }));
        expect(err.issues[0].key).to.equal("airflow-platform:gcp.zone");
        expect(err.issues[0].message).to.contain("allowed here: project, region");
    });

    it("rejects an unknown top-level key", () => {
        const err = configError(() => parse("dev", { nodepools: {} }));
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:nodepools");
    });

    it("rejects a contradictory pair: min above max", () => {
        const err = configError(() => parse("dev", { nodePools: { spot: { minNodes: 5, maxNodes: 2 } } }));
        expect(err.issues[0].key).to.equal("airflow-platform:nodePools.spot.minNodes");
        expect(err.issues[0].message).to.contain("maxNodes (2)");
    });

    it("rejects a spot pool with no machine types", () => {
        const err = configError(() => parse("prod-eks", { nodePools: { spot: { machineTypes: [] } } }));
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:nodePools.spot.machineTypes");
    });

    it("requires the cloud's own section and its region and project", () => {
        const err = configError(() => parse("dev", { gcp: { region: "europe-west1" } }));
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:gcp.project");
        const eks = configError(() => parse("prod-eks", { aws: undefined }));
        expect(eks.issues.map((i) => i.key)).to.include("airflow-platform:aws");
    });

    it("requires a kubeconfig or a context for an existing cluster", () => {
        const err = configError(() =>
            parse("dev", { cloud: "existing", gcp: undefined, existing: { sharedStorageClassName: "nfs" } }),
        );
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:existing.context");
    });

    it("refuses a secret given in plain text, and never prints its value", () => {
        const file = readStackFile("prod-gke");
        const err = configError(() => parseStackConfig("prod-gke", file.config, file.secrets, ["dagsGitSshKey"]));
        expect(err.issues[0].key).to.equal("airflow-platform:dagsGitSshKey");
        expect(err.message).to.contain("--secret");
        expect(err.message).not.to.contain("PRIVATE KEY");
    });

    it("reads secrets as Pulumi secrets", async () => {
        const config = parse("prod-gke");
        expect(config.secrets.dagsGitSshKey).to.not.equal(undefined);
        const isSecret = await (config.secrets.dagsGitSshKey as unknown as { isSecret: Promise<boolean> }).isSecret;
        expect(isSecret).to.equal(true);
    });
});

describe("config reference", () => {
    it("docs/config.md documents every key the schema accepts (run `npm run docs:config` after a schema change)", () => {
        const committed = fs.readFileSync(CONFIG_DOC, "utf8");
        expect(committed).to.equal(renderConfigDoc());
    });
});
