import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

type Obj = Record<string, unknown>;
interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}
interface Job {
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string> | string;
    strategy?: { matrix?: { include?: Obj[] } & Obj };
    env?: Record<string, unknown>;
    steps?: Step[];
}
interface Workflow {
    on: Obj;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

function readYaml<T>(file: string): T {
    // `on:` must stay a key, not YAML 1.1's boolean: the yaml package parses YAML 1.2 by default.
    return YAML.parse(fs.readFileSync(file, "utf8")) as T;
}

const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(workflowFiles.map((f) => [f, readYaml<Workflow>(path.join(WORKFLOWS, f))]));
const setupAction = readYaml<{ runs: { steps: Step[] } }>(path.join(ROOT, ".github", "actions", "setup", "action.yml"));
const allGithubYaml = [
    ...workflowFiles.map((f) => path.join(WORKFLOWS, f)),
    path.join(ROOT, ".github", "actions", "setup", "action.yml"),
];

const referenceStacks = fs
    .readdirSync(ROOT)
    .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length));
const platformStacks = referenceStacks.filter((s) => {
    const doc = readYaml<{ config?: Obj }>(path.join(ROOT, `Pulumi.${s}.yaml`));
    return doc.config?.["airflow-platform:stackKind"] !== "devspace";
});

/** The workflow that runs on an event, found by its trigger rather than its file name. */
function workflowOn(event: string): Workflow {
    const found = Object.values(workflows).filter((w) => w.on && event in w.on);
    expect(found, `exactly one workflow runs on ${event}`).to.have.length(1);
    return found[0];
}

const pulumiSteps = (job: Job) => (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@"));

/** The stacks a job operates on: literal stack-names, or its matrix's `stack` values. */
function stacksOf(job: Job): string[] {
    const stacks: string[] = [];
    for (const step of pulumiSteps(job)) {
        const name = String(step.with?.["stack-name"] ?? "");
        if (name === "${{ matrix.stack }}") {
            for (const entry of job.strategy?.matrix?.include ?? []) stacks.push(String(entry.stack));
        } else stacks.push(name);
    }
    return stacks;
}

const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);

/** All jobs a job waits for, directly or through others. */
function ancestors(wf: Workflow, jobName: string): Set<string> {
    const seen = new Set<string>();
    const visit = (name: string) => {
        for (const n of needsOf(wf.jobs[name])) {
            if (!seen.has(n)) {
                expect(wf.jobs, `job ${name} needs an existing job`).to.have.property(n);
                seen.add(n);
                visit(n);
            }
        }
    };
    visit(jobName);
    return seen;
}

describe("delivery: GitHub Actions workflows", () => {
    it("parse, and every stack they name exists as a Pulumi.<stack>.yaml", () => {
        expect(workflowFiles.length).to.be.greaterThan(1);
        for (const [file, wf] of Object.entries(workflows)) {
            expect(wf.jobs, file).to.be.an("object");
            for (const job of Object.values(wf.jobs))
                for (const stack of stacksOf(job))
                    expect(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), `${file}: stack ${stack}`).to.equal(true);
        }
    });

    it("pin every action to a major version at least, never a branch", () => {
        const uses = [
            ...Object.values(workflows).flatMap((wf) => Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses))),
            ...setupAction.runs.steps.map((s) => s.uses),
        ].filter((u): u is string => typeof u === "string" && !u.startsWith("./"));
        expect(uses.length).to.be.greaterThan(5);
        for (const u of uses) expect(u, u).to.match(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
        // The majors current when this was written (tags of each action's repository).
        expect(uses).to.include.members([
            "pulumi/actions@v7",
            "actions/checkout@v7",
            "actions/setup-node@v7",
            "google-github-actions/auth@v3",
            "aws-actions/configure-aws-credentials@v6",
        ]);
    });

    it("on a pull request: npm ci, npm test, the offline plan of every reference stack", () => {
        const pr = workflowOn("pull_request");
        const runs = Object.values(pr.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? "")).join("\n");
        expect(runs).to.match(/npm ci\b/);
        expect(runs).to.match(/npm test\b/);
        // The loop over Pulumi.*.yaml plans every reference stack, so a new stack file is planned without an edit.
        expect(runs).to.match(/for file in Pulumi\.\*\.yaml/);
        expect(runs).to.match(/npm run --silent plan -- --stack "\$stack"/);
        expect(referenceStacks).to.include.members(["dev", "prod-gke", "prod-eks", "devspace-demo"]);
    });

    it("on a pull request: previews every platform stack with the policy pack, posting the diff on the PR", () => {
        const pr = workflowOn("pull_request");
        const previewJobs = Object.values(pr.jobs).filter((j) => pulumiSteps(j).some((s) => s.with?.command === "preview"));
        const previewed = previewJobs.flatMap(stacksOf);
        expect(previewed.sort()).to.deep.equal([...platformStacks].sort());
        for (const job of previewJobs) {
            for (const step of pulumiSteps(job)) {
                expect(step.with).to.include({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
                expect(step.with?.["cloud-url"], "backend is configurable").to.equal("${{ vars.PULUMI_BACKEND_URL }}");
            }
            expect(job.permissions).to.include({ "pull-requests": "write", "id-token": "write" });
            expect(ancestors(pr, Object.keys(pr.jobs).find((k) => pr.jobs[k] === job)!)).to.include("test");
        }
        expect(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")), "policyPacks points at the pack").to.equal(true);
    });

    it("on push to main: up dev first, then every prod stack behind the production environment's approval", () => {
        const deploy = workflowOn("push");
        expect((deploy.on.push as { branches: string[] }).branches).to.deep.equal(["main"]);
        const upJobs = Object.entries(deploy.jobs).filter(([, j]) => pulumiSteps(j).some((s) => s.with?.command === "up"));
        const devJob = upJobs.find(([, j]) => stacksOf(j).includes("dev"));
        expect(devJob, "a job runs pulumi up for dev").to.not.equal(undefined);
        expect(stacksOf(devJob![1])).to.deep.equal(["dev"]);
        expect(environmentOf(devJob![1])).to.not.equal("production");
        const prodStacks = platformStacks.filter((s) => s.startsWith("prod"));
        const deployedToProd: string[] = [];
        for (const [name, job] of upJobs) {
            const stacks = stacksOf(job);
            if (!stacks.some((s) => s.startsWith("prod"))) continue;
            expect(environmentOf(job), `${name} waits for approval`).to.equal("production");
            expect(ancestors(deploy, name), `${name} runs after dev`).to.include(devJob![0]);
            deployedToProd.push(...stacks);
        }
        expect(deployedToProd.sort()).to.deep.equal(prodStacks.sort());
        for (const [, job] of upJobs) for (const step of pulumiSteps(job)) expect(step.with?.policyPacks).to.equal("policy");
    });

    it("reach the clouds only through OIDC: id-token permission, workload identity provider, role to assume", () => {
        const gcp = setupAction.runs.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"))!;
        expect(Object.keys(gcp.with ?? {}).sort()).to.deep.equal(["service_account", "workload_identity_provider"]);
        const aws = setupAction.runs.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
        expect(aws.with).to.have.property("role-to-assume");
        for (const wf of Object.values(workflows))
            for (const [name, job] of Object.entries(wf.jobs)) {
                const logsIn = (job.steps ?? []).some((s) => s.uses === "./.github/actions/setup");
                if (logsIn) expect(job.permissions, name).to.include({ "id-token": "write" });
            }
    });

    it("hold no long-lived cloud key anywhere", () => {
        const forbidden = [
            /AWS_ACCESS_KEY_ID/,
            /AWS_SECRET_ACCESS_KEY/,
            /aws-access-key-id/,
            /aws-secret-access-key/,
            /GOOGLE_CREDENTIALS/,
            /GOOGLE_APPLICATION_CREDENTIALS\s*:/,
            /credentials_json/,
            /GCP_SA_KEY/,
            /ARM_CLIENT_SECRET/,
        ];
        for (const file of allGithubYaml) {
            const text = fs.readFileSync(file, "utf8");
            for (const pattern of forbidden) expect(text, `${path.relative(ROOT, file)} ${pattern}`).to.not.match(pattern);
        }
    });
});
