import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../stacks/config";
import { planCommand, planToDisk } from "../tools/plan";

const REPO = path.resolve(__dirname, "..");

function runPlan(args: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", ...args], {
        cwd: REPO,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    });
}

describe("npm run plan", () => {
    it("exits non-zero with the key, the value and no stack trace on bad config", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.broken.yaml"),
            [
                "config:",
                "  airflow-platform:cloud: gke",
                "  airflow-platform:gcp: {project: p, region: europe-west1}",
                "  airflow-platform:nodePools: {spot: {minNodes: 0, maxNodes: -3}}",
                "  airflow-platform:airflow: {dags: {repo: 'https://example.com/dags.git'}}",
            ].join("\n"),
        );
        // The command in this process (the missing-file case below runs the real CLI, exit code and stderr).
        const stderr: string[] = [];
        const status = await planCommand(["--stack", "broken", "--stack-dir", dir, "--out", path.join(dir, "out")], {
            out: () => undefined,
            err: (text) => stderr.push(text),
        });
        expect(status).to.equal(1);
        expect(stderr.join("\n")).to.contain("airflow-platform:nodePools.spot.maxNodes = -3");
        expect(stderr.join("\n")).not.to.match(/^\s+at /m);
        expect(fs.existsSync(path.join(dir, "out", "broken"))).to.equal(false);
    });

    it("removes the previous plan of a stack whose config no longer plans, so nothing stale looks current", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const stale = path.join(dir, "out", "broken");
        fs.mkdirSync(stale, { recursive: true });
        fs.writeFileSync(path.join(stale, "plan.md"), "# an earlier plan\n");
        fs.writeFileSync(
            path.join(dir, "Pulumi.broken.yaml"),
            "config:\n  airflow-platform:cloud: gke\n  airflow-platform:nodePools: {spot: {maxNodes: 0}}\n",
        );
        const failure = await planToDisk({ stack: "broken", stackDir: dir, outDir: path.join(dir, "out") }).then(
            () => undefined,
            (err: unknown) => err,
        );
        expect(failure).to.be.instanceOf(ConfigError);
        expect(fs.existsSync(stale)).to.equal(false);
    });

    it("exits non-zero with a clear message for a stack that has no file", () => {
        const result = runPlan(["--stack", "no-such-stack"]);
        expect(result.status).to.equal(1);
        expect(result.stderr).to.contain("no stack file");
        expect(result.stderr).not.to.match(/^\s+at /m);
    });

    it("is posted by the pull-request workflow for every stack: in the job summary and beside each preview", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const YAML = require("yaml") as typeof import("yaml");
        const workflow = YAML.parse(
            fs.readFileSync(path.join(REPO, ".github", "workflows", "pull-request.yml"), "utf8"),
        ) as {
            jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
        };
        const runs = (job: string) => workflow.jobs[job].steps.map((s) => s.run ?? "").join("\n");
        // The test job plans every Pulumi.*.yaml and appends each plan.md to the job summary.
        expect(runs("test")).to.match(
            /for file in Pulumi\.\*\.yaml[\s\S]*cat "out\/\$stack\/plan\.md" >> "\$GITHUB_STEP_SUMMARY"/,
        );
        // Each preview job plans its own stack and posts (or edits) a comment with that plan.md.
        expect(runs("preview")).to.match(
            /npm run --silent plan -- --stack "\$\{\{ matrix\.stack \}\}"[\s\S]*out\/\$\{\{ matrix\.stack \}\}\/plan\.md[\s\S]*gh api/,
        );
    });
});
