import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writePlan } from "../tools/plan";
import { OFFLINE_SECRET_PLACEHOLDERS } from "../tools/offline/runtime";
import { COMPUTED, Plan, SECRET, planOf } from "./harness";

/** Every file below a folder, recursively. */
function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
}

describe("offline plan output", () => {
    const dirs: Record<string, string> = {};
    const plans: Record<string, Plan> = {};

    before(async () => {
        for (const stack of ["dev", "prod-gke"]) {
            plans[stack] = await planOf(stack);
            dirs[stack] = fs.mkdtempSync(path.join(os.tmpdir(), `plan-${stack}-`));
            writePlan(plans[stack], dirs[stack]);
        }
    });

    it("writes resources.json with type, name, parent and inputs for every resource", () => {
        const resources = JSON.parse(fs.readFileSync(path.join(dirs.dev, "resources.json"), "utf8")) as Array<
            Record<string, unknown>
        >;
        expect(resources.length).to.equal(plans.dev.resources.length).and.to.be.greaterThan(10);
        for (const r of resources) {
            expect(r).to.have.all.keys("type", "name", "parent", "inputs");
            expect(r.type).to.match(/^[a-z0-9-]+:[A-Za-z0-9./-]*:[A-Za-z0-9]+$/);
        }
        const names = new Set(resources.map((r) => r.name));
        const parents = resources.map((r) => r.parent).filter((p): p is string => p !== null);
        expect(parents.length).to.be.greaterThan(0);
        for (const parent of parents) expect(names.has(parent), `parent ${parent} is a planned resource`).to.equal(true);
        expect(resources.some((r) => r.parent === null)).to.equal(true);
    });

    it("shows values only the cloud knows as [computed]", () => {
        const text = fs.readFileSync(path.join(dirs.dev, "resources.json"), "utf8");
        expect(text).to.contain(`"${COMPUTED}"`);
    });

    it("never writes a secret's value to any plan file; secrets show as [secret]", () => {
        const placeholders = [
            ...Object.values(OFFLINE_SECRET_PLACEHOLDERS).flatMap((v) => [v, ...v.split("\n").filter((l) => l.length > 12)]),
            "offlineplaceholderkey",
            "hooks.slack.com/services/OFFLINE",
        ];
        const files = filesUnder(dirs["prod-gke"]);
        expect(files.length).to.be.greaterThan(2);
        let sawSecretMarker = false;
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            sawSecretMarker ||= text.includes(SECRET);
            for (const secret of placeholders) expect(text, `${path.basename(file)} leaks a secret`).not.to.contain(secret);
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

    it("writes each Helm release's values as YAML", () => {
        const helmFiles = filesUnder(path.join(dirs.dev, "helm"));
        expect(helmFiles.map((f) => path.basename(f))).to.include.members(["airflow-release.values.yaml"]);
    });
});
