import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import {
    PULUMI_MISSING,
    UsageError,
    baseStackDelivery,
    checkPulumiCli,
    devspaceStackFile,
    devstackCommands,
    parseDevstackArgs,
    stackFileOf,
} from "../tools/devstack";

const ROOT = path.resolve(__dirname, "..");
const TEMPLATE = fs.readFileSync(path.join(ROOT, "Pulumi.devspace-demo.yaml"), "utf8");
const DEV = baseStackDelivery(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
const BASE = "organization/airflow-platform/dev";
const ALICE = "alice@acme-data.example.com";

function writeStack(stack: string, text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devstack-"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

/** Validates a generated stack file with the program's own config loader, as `pulumi up` would. */
function loadGenerated(stack: string, text: string) {
    const { config, secrets } = readStackFile(stack, writeStack(stack, text));
    return parseStackConfig(stack, config, secrets);
}

describe("devstack: arguments", () => {
    it("reads up with an owner, a branch and a private DAG repository, and down", () => {
        expect(parseDevstackArgs(["up", "alice", "--owner", ALICE, "--branch", "feature/x"])).to.deep.equal({
            action: "up",
            name: "alice",
            owner: ALICE,
            branch: "feature/x",
            dryRun: false,
            yes: false,
        });
        const ssh = [
            "up",
            "bob",
            `--owner=${ALICE}`,
            "--dags-repo",
            "git@github.com:acme/private.git",
            "--ssh-key",
            "k",
            "--known-hosts",
            "h",
            "-y",
            "--dry-run",
        ];
        expect(parseDevstackArgs(ssh)).to.include({
            dagsRepo: "git@github.com:acme/private.git",
            sshKeyFile: "k",
            knownHostsFile: "h",
            yes: true,
            dryRun: true,
        });
        expect(parseDevstackArgs(["down", "alice", "--dry-run"])).to.include({
            action: "down",
            name: "alice",
            dryRun: true,
        });
    });

    it("refuses a missing action or owner, a name that is not a DNS label, the template's name, and options that do not apply", () => {
        const up =
            (...rest: string[]) =>
            () =>
                parseDevstackArgs(["up", "alice", "--owner", ALICE, ...rest]);
        expect(() => parseDevstackArgs(["alice"])).to.throw(UsageError, /up or down/);
        expect(() => parseDevstackArgs(["up"])).to.throw(UsageError, /needs the devspace's name/);
        expect(() => parseDevstackArgs(["up", "Alice_1"])).to.throw(UsageError, /DNS label/);
        expect(() => parseDevstackArgs(["up", "alice"])).to.throw(UsageError, /needs --owner/);
        expect(up("--branch")).to.throw(UsageError, /needs a value/);
        expect(() => parseDevstackArgs(["down", "alice", "--branch", "x"])).to.throw(UsageError, /--branch are for up/);
        expect(up("--force")).to.throw(UsageError, /unknown option/);
        // Pulumi.devspace-demo.yaml is the committed template: `up demo` would overwrite it, `down demo` delete it.
        expect(() => parseDevstackArgs(["up", "demo", "--owner", ALICE])).to.throw(UsageError, /committed template/);
        expect(() => parseDevstackArgs(["down", "demo"])).to.throw(UsageError, /committed template/);
        expect(up("--ssh-key", "k")).to.throw(UsageError, /need --dags-repo/);
        expect(up("--dags-repo", "r", "--ssh-key", "k")).to.throw(UsageError, /both --ssh-key and --known-hosts/);
        expect(up("--dags-repo", "r", "--ssh-key", "k", "--known-hosts", "h", "--token-file", "t")).to.throw(
            UsageError,
            /not both/,
        );
    });
});

describe("devstack: the stack file", () => {
    it("is the devspace-demo template with the developer's name, owner and branch, and a valid devspace config", () => {
        const text = devspaceStackFile(TEMPLATE, {
            name: "alice",
            owner: ALICE,
            branch: "feature/alice",
            baseStack: BASE,
        });
        const config = loadGenerated("devspace-alice", text);
        expect(config.stackKind).to.equal("devspace");
        expect(config.devspace).to.include({
            developer: "alice",
            owner: ALICE,
            branch: "feature/alice",
            baseStack: BASE,
        });
        expect(config.airflow.dags.branch, "git-sync follows the developer's branch").to.equal("feature/alice");
        expect(text).to.match(/npm run devstack -- down alice/);
        expect(stackFileOf("alice")).to.equal("Pulumi.devspace-alice.yaml");
    });

    it("qualifies the dev stack with the backend's organization: `organization` for the dev stack's bucket", () => {
        expect(DEV).to.deep.include({ backendUrl: "gs://acme-data-pulumi-state", organization: "organization" });
        const text = devspaceStackFile(TEMPLATE, { name: "bob", owner: ALICE, baseStack: "acme/airflow-platform/dev" });
        expect(loadGenerated("devspace-bob", text).devspace).to.include({
            branch: "main",
            baseStack: "acme/airflow-platform/dev",
        });
    });

    it("points git-sync at a private repository: ssh with known_hosts in the file, the key kept for a secret", () => {
        const text = devspaceStackFile(TEMPLATE, {
            name: "dan",
            owner: ALICE,
            baseStack: BASE,
            dagsRepo: "git@github.com:acme/private-dags.git",
            sshKeyFile: "/home/dan/.ssh/dags",
            knownHosts: "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
        });
        expect(text).to.not.contain("/home/dan/.ssh/dags");
        const { config } = readStackFile("devspace-dan", writeStack("devspace-dan", text));
        const dags = (config.airflow as { dags: Record<string, string> }).dags;
        expect(dags).to.include({ repo: "git@github.com:acme/private-dags.git", credentials: "ssh" });
        expect(dags.knownHosts).to.match(/^github\.com ssh-ed25519 /);
        const https = devspaceStackFile(TEMPLATE, {
            name: "eve",
            owner: ALICE,
            baseStack: BASE,
            dagsRepo: "https://git.acme/dags.git",
            gitUser: "eve",
        });
        expect(YAML.parse(https).config["airflow-platform:airflow"].dags).to.include({
            credentials: "https",
            username: "eve",
        });
    });

    it("keeps an existing file's own settings and only moves the branch", () => {
        const existing = devspaceStackFile(TEMPLATE, {
            name: "carol",
            owner: ALICE,
            branch: "one",
            baseStack: BASE,
        }).replace(
            "executor: kubernetes",
            'executor: kubernetes\n    extraConfig:\n      core:\n        parallelism: "8"',
        );
        const updated = devspaceStackFile(TEMPLATE, { name: "carol", branch: "two", baseStack: BASE, existing });
        const config = loadGenerated("devspace-carol", updated);
        expect(config.airflow.extraConfig).to.deep.equal({ core: { parallelism: "8" } });
        expect(config.devspace?.branch).to.equal("two");
        expect(
            devspaceStackFile(TEMPLATE, { name: "carol", baseStack: BASE, existing: updated }),
            "no branch given: unchanged",
        ).to.equal(updated);
        expect(YAML.parse(updated).config["airflow-platform:airflow"].dags.branch).to.equal("two");
    });
});

describe("devstack: the Pulumi commands", () => {
    it("up: logs in to the dev stack's backend, creates the qualified stack with its secrets provider, deploys with the policy pack", () => {
        const up = devstackCommands({ action: "up", name: "alice", yes: false, sshKeyFile: "/k" }, DEV);
        expect(up.map((c) => c.argv.join(" "))).to.deep.equal([
            "pulumi login gs://acme-data-pulumi-state",
            "pulumi stack select --create --secrets-provider gcpkms://projects/acme-data-dev/locations/europe-west1/keyRings/pulumi/cryptoKeys/airflow-platform-devspaces --stack organization/airflow-platform/devspace-alice",
            "pulumi config set --secret --stack organization/airflow-platform/devspace-alice dagsGitSshKey",
            "pulumi up --stack organization/airflow-platform/devspace-alice --policy-pack policy",
            "pulumi stack output --stack organization/airflow-platform/devspace-alice",
        ]);
        expect(up[2].stdinFile, "the key goes through stdin, never the command line").to.equal("/k");
        const passphrase = devstackCommands({ action: "up", name: "alice", yes: false }, { organization: "acme" });
        expect(passphrase.map((c) => c.argv.join(" "))).to.include(
            "pulumi stack select --create --secrets-provider passphrase --stack acme/airflow-platform/devspace-alice",
        );
        expect(passphrase[0].argv).to.deep.equal(["pulumi", "login"]);
    });

    it("down: destroys the resources, then removes the stack (and its file); --yes skips the prompt", () => {
        expect(
            devstackCommands({ action: "down", name: "alice", yes: true }, DEV).map((c) => c.argv.join(" ")),
        ).to.deep.equal([
            "pulumi login gs://acme-data-pulumi-state",
            "pulumi destroy --stack organization/airflow-platform/devspace-alice --yes",
            "pulumi stack rm organization/airflow-platform/devspace-alice --yes",
        ]);
    });

    it("--dry-run prints every command and runs the offline plan, which refuses a name the dev stack does not list", () => {
        const name = `t${process.pid}`;
        const result = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "tools/devstack.ts", "up", name, "--owner", ALICE, "--dry-run"],
            {
                cwd: ROOT,
                encoding: "utf8",
                // No pulumi on PATH: a dry run needs none.
                env: { ...process.env, PATH: path.dirname(process.execPath) },
            },
        );
        expect(result.stdout).to.contain(
            `$ pulumi up --stack organization/airflow-platform/devspace-${name} --policy-pack policy`,
        );
        expect(result.stdout).to.contain(`developer: ${name}`);
        expect(result.stderr + result.stdout).to.contain(
            `cannot read ConfigMap devspace-${name}/devspace-frame on cluster airflow-dev`,
        );
        expect(result.stderr + result.stdout).to.contain(
            `"${name}" is not in the devspaces list of organization/airflow-platform/dev`,
        );
        expect(result.status).to.equal(1);
        expect(fs.existsSync(path.join(ROOT, stackFileOf(name))), "a dry run writes nothing").to.equal(false);
    });

    it("fails clearly, before writing anything, when the pulumi CLI is missing", () => {
        const fakeSpawn = (() => ({
            error: Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }),
        })) as unknown as typeof spawnSync;
        expect(() => checkPulumiCli(fakeSpawn)).to.throw(UsageError, /pulumi CLI is not installed/);
        const name = `t${process.pid}`;
        const result = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "tools/devstack.ts", "up", name, "--owner", ALICE],
            {
                cwd: ROOT,
                encoding: "utf8",
                env: { ...process.env, PATH: path.join(os.tmpdir(), "no-such-bin") },
            },
        );
        expect(result.status).to.equal(1);
        expect(result.stderr).to.include(PULUMI_MISSING);
        expect(result.stderr).to.not.match(/\n\s+at /); // a message, not a stack trace
        expect(fs.existsSync(path.join(ROOT, stackFileOf(name)))).to.equal(false);
    });
});
