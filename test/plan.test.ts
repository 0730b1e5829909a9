import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writePlan } from "../tools/plan";
import { planArtifacts } from "../tools/offline/artifacts";
import { OFFLINE_SECRET_PLACEHOLDERS } from "../tools/offline/runtime";
import { COMPUTED, Plan, SECRET, planOf } from "./harness";

/** Every file below a folder, recursively. */
function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("offline plan output", () => {
    const dirs: Record<string, string> = {};
    const plans: Record<string, Plan> = {};

    before(async () => {
        for (const stack of ["dev", "prod-gke", "prod-eks"]) {
            plans[stack] = await planOf(stack);
            dirs[stack] = fs.mkdtempSync(path.join(os.tmpdir(), `plan-${stack}-`));
            writePlan(plans[stack], dirs[stack]);
        }
    });

    it("writes resources.json with type, name, URN, parent, protection, dependencies and inputs for every resource", () => {
        const resources = JSON.parse(fs.readFileSync(path.join(dirs.dev, "resources.json"), "utf8")) as Array<
            Record<string, unknown>
        >;
        expect(resources.length).to.equal(plans.dev.resources.length).and.to.be.greaterThan(10);
        for (const r of resources) {
            const keys = [
                "type",
                "name",
                "urn",
                "parent",
                "protect",
                "retainOnDelete",
                "ignoreChanges",
                "dependencies",
                "inputs",
            ];
            // `aliases` only where a resource was known by another URN before (npm run plan:compare follows them).
            expect(r).to.have.all.keys(r.aliases ? [...keys, "aliases"] : keys);
            expect(r.type).to.match(/^[a-z0-9-]+:[A-Za-z0-9./-]*:[A-Za-z0-9]+$/);
        }
        const names = new Set(resources.map((r) => r.name));
        const parents = resources.map((r) => r.parent).filter((p): p is string => p !== null);
        expect(parents.length).to.be.greaterThan(0);
        for (const parent of parents)
            expect(names.has(parent), `parent ${parent} is a planned resource`).to.equal(true);
        expect(resources.some((r) => r.parent === null)).to.equal(true);
        // Every dependency is a planned resource, so the order of creation can be read from the file alone.
        const urns = new Set(resources.map((r) => r.urn));
        const dependencies = resources.flatMap((r) => r.dependencies as string[]);
        expect(dependencies.length).to.be.greaterThan(10);
        for (const d of dependencies) expect(urns.has(d), `dependency ${d} is planned`).to.equal(true);
        // The Kubernetes provider aliases its own renamed API versions: those old URNs are resolved, not left as specs.
        const aliased = resources.find((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass" && r.aliases);
        expect(aliased?.aliases).to.deep.equal([
            String(aliased?.urn).replace("storage.k8s.io/v1:", "storage.k8s.io/v1beta1:"),
        ]);
    });

    it("records protection in resources.json: prod's cluster and database are protected, dev's are not", () => {
        const read = (stack: string) =>
            JSON.parse(fs.readFileSync(path.join(dirs[stack], "resources.json"), "utf8")) as Array<{
                type: string;
                protect: boolean;
            }>;
        const stateful = ["gcp:container/cluster:Cluster", "gcp:sql/databaseInstance:DatabaseInstance"];
        for (const type of stateful)
            expect(read("prod-gke").find((r) => r.type === type)?.protect, type).to.equal(true);
        expect(read("dev").find((r) => r.type === stateful[0])?.protect).to.equal(false);
    });

    it("shows every value the mocks made up as [computed], in every file", () => {
        for (const stack of ["dev", "prod-gke", "prod-eks"]) {
            const mocked = plans[stack].mockedValues;
            expect(mocked.length, "the mocks made up IDs and endpoints").to.be.greaterThan(5);
            for (const file of filesUnder(dirs[stack])) {
                const text = fs.readFileSync(file, "utf8");
                for (const m of mocked)
                    expect(
                        new RegExp(
                            `(^|[^A-Za-z0-9_-])${m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_-])`,
                        ).test(text),
                        `${stack}/${path.basename(file)} shows the made-up ${m}`,
                    ).to.equal(false);
            }
        }
        expect(plans["prod-gke"].mockedValues).to.include.members(["cluster-network-id", "203.0.113.10"]);
        const resources = JSON.parse(fs.readFileSync(path.join(dirs["prod-gke"], "resources.json"), "utf8")) as Array<{
            type: string;
            inputs: Record<string, unknown>;
        }>;
        expect(resources.find((r) => r.type === "gcp:compute/subnetwork:Subnetwork")?.inputs.network).to.equal(
            COMPUTED,
        );
        const outputs = JSON.parse(fs.readFileSync(path.join(dirs["prod-gke"], "outputs.json"), "utf8")) as Record<
            string,
            unknown
        >;
        expect(outputs.endpoint).to.equal(COMPUTED);
    });

    it("never writes a secret's value to any plan file; secrets show as [secret]", () => {
        const placeholders = [
            ...Object.values(OFFLINE_SECRET_PLACEHOLDERS).flatMap((v) => [
                v,
                ...v.split("\n").filter((l) => l.length > 12),
            ]),
            "offlineplaceholderkey",
            "hooks.slack.com/services/OFFLINE",
        ];
        const files = filesUnder(dirs["prod-gke"]);
        expect(files.length).to.be.greaterThan(2);
        let sawSecretMarker = false;
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            sawSecretMarker ||= text.includes(SECRET);
            for (const secret of placeholders)
                expect(text, `${path.basename(file)} leaks a secret`).not.to.contain(secret);
        }
        expect(sawSecretMarker).to.equal(true);
    });

    it("keeps the kubeconfig and admin password outputs secret, and tells where to point DNS", () => {
        const outputs = plans["prod-gke"].outputs;
        expect(outputs.kubeconfig).to.equal(SECRET);
        expect(outputs.airflowAdminPassword).to.equal(SECRET);
        expect(outputs.grafanaAdminPassword).to.equal(SECRET);
        expect(outputs).to.have.property("loadBalancerAddress");
        expect(outputs.airflowExecutor).to.equal("CeleryExecutor,KubernetesExecutor");
    });

    it("writes each Helm release's values as YAML, and no file for a release that sets none", () => {
        const helmFiles = filesUnder(path.join(dirs.dev, "helm")).map((f) => path.basename(f));
        expect(helmFiles).to.include.members(["airflow-release.values.yaml", "observability-crds.values.yaml"]);
        // Every reference release sets values now (the CRDs release its keep annotation): a release without any.
        const crds = plans.dev.resources.find((r) => r.name === "observability-crds")!;
        const bare = { ...crds, name: "bare", inputs: { ...crds.inputs, values: {} } };
        expect(planArtifacts([crds, bare]).map((a) => a.path)).to.deep.equal(["helm/observability-crds.values.yaml"]);
    });
});
