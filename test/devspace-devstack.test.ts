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
    checkPulumiCli,
    devspaceStackFile,
    devstackCommands,
    parseDevstackArgs,
    stackFileOf,
} from "../tools/devstack";

const ROOT = path.resolve(__dirname, "..");
const TEMPLATE = fs.readFileSync(path.join(ROOT, "Pulumi.devspace-demo.yaml"), "utf8");

/** Validates a generated stack file with the program's own config loader, as `pulumi up` would. */
function loadGenerated(stack: string, text: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devstack-"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    const { config, secrets } = readStackFile(stack, dir);
    return parseStackConfig(stack, config, secrets);
}

describe("devstack: arguments", () => {
    it("reads up with a branch and a base stack, and down", () => {
        expect(parseDevstackArgs(["up", "alice", "--branch", "feature/x"])).to.deep.equal({
            action: "up",
            name: "alice",
            branch: "feature/x",
            baseStack: undefined,
            yes: false,
        });
        expect(parseDevstackArgs(["up", "bob", "--base-stack=acme/airflow-platform/dev", "-y"])).to.include({
            baseStack: "acme/airflow-platform/dev",
            yes: true,
        });
        expect(parseDevstackArgs(["down", "alice"])).to.include({ action: "down", name: "alice" });
    });

    it("refuses a missing action, a name that is not a DNS label, and options that do not apply", () => {
        expect(() => parseDevstackArgs(["alice"])).to.throw(UsageError, /up or down/);
        expect(() => parseDevstackArgs(["up"])).to.throw(UsageError, /needs the devspace's name/);
        expect(() => parseDevstackArgs(["up", "Alice_1"])).to.throw(UsageError, /DNS label/);
        expect(() => parseDevstackArgs(["up", "alice", "--branch"])).to.throw(UsageError, /needs a value/);
        expect(() => parseDevstackArgs(["down", "alice", "--branch", "x"])).to.throw(UsageError, /for up/);
        expect(() => parseDevstackArgs(["up", "alice", "--force"])).to.throw(UsageError, /unknown option/);
    });
});

describe("devstack: the stack file", () => {
    it("is the devspace-demo template with the developer's name and branch, and a valid devspace config", () => {
        const text = devspaceStackFile(TEMPLATE, { name: "alice", branch: "feature/alice" });
        const config = loadGenerated("devspace-alice", text);
        expect(config.stackKind).to.equal("devspace");
        expect(config.devspace).to.include({ developer: "alice", branch: "feature/alice", baseStack: "acme/airflow-platform/dev" });
        expect(config.airflow.dags.branch, "git-sync follows the developer's branch").to.equal("feature/alice");
        expect(text).to.match(/npm run devstack -- down alice/);
        expect(stackFileOf("alice")).to.equal("Pulumi.devspace-alice.yaml");
    });

    it("defaults to main, and takes another base stack", () => {
        const text = devspaceStackFile(TEMPLATE, { name: "bob", baseStack: "other/airflow-platform/dev" });
        const config = loadGenerated("devspace-bob", text);
        expect(config.devspace).to.include({ branch: "main", baseStack: "other/airflow-platform/dev" });
        expect(config.airflow.dags.branch).to.equal("main");
    });

    it("keeps an existing file's own settings and only moves the branch", () => {
        const existing = devspaceStackFile(TEMPLATE, { name: "carol", branch: "one" }).replace(
            "executor: kubernetes",
            "executor: kubernetes\n    extraConfig:\n      core:\n        parallelism: \"8\"",
        );
        const updated = devspaceStackFile(TEMPLATE, { name: "carol", branch: "two", existing });
        const config = loadGenerated("devspace-carol", updated);
        expect(config.airflow.extraConfig).to.deep.equal({ core: { parallelism: "8" } });
        expect(config.devspace?.branch).to.equal("two");
        expect(devspaceStackFile(TEMPLATE, { name: "carol", existing: updated }), "no branch given: unchanged").to.equal(updated);
        expect(YAML.parse(updated).config["airflow-platform:airflow"].dags.branch).to.equal("two");
    });
});

describe("devstack: the Pulumi commands", () => {
    it("up: creates or selects the devspace's stack, then deploys it with the policy pack", () => {
        expect(devstackCommands({ action: "up", name: "alice", yes: false }).map((c) => c.argv.join(" "))).to.deep.equal([
            "pulumi stack select --create --stack devspace-alice",
            "pulumi up --stack devspace-alice --policy-pack policy",
            "pulumi stack output --stack devspace-alice",
        ]);
    });

    it("down: destroys the resources, then removes the stack (and its file); --yes skips the prompt", () => {
        expect(devstackCommands({ action: "down", name: "alice", yes: true }).map((c) => c.argv.join(" "))).to.deep.equal([
            "pulumi destroy --stack devspace-alice --yes",
            "pulumi stack rm devspace-alice --yes",
        ]);
    });

    it("fails clearly, before writing anything, when the pulumi CLI is missing", () => {
        const fakeSpawn = (() => ({ error: Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }) })) as unknown as typeof spawnSync;
        expect(() => checkPulumiCli(fakeSpawn)).to.throw(UsageError, /pulumi CLI is not installed/);
        const name = `t${process.pid}`;
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/devstack.ts", "up", name], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, PATH: path.join(os.tmpdir(), "no-such-bin") },
        });
        expect(result.status).to.equal(1);
        expect(result.stderr).to.include(PULUMI_MISSING);
        expect(result.stderr).to.not.match(/\n\s+at /); // a message, not a stack trace
        expect(fs.existsSync(path.join(ROOT, stackFileOf(name)))).to.equal(false);
    });
});
