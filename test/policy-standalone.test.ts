import { expect } from "chai";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { analyzeResource, analyzerInfo, connectToPack } from "./policy-analyzer";

const POLICY_DIR = path.resolve(__dirname, "..", "policy");
/** What the engine sends for a value unknown during preview (sdk/nodejs/runtime: UnknownStringValue). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The pack installed on its own, away from the repository (no node_modules above it to fall back on), started the way
 * the Pulumi CLI's analyzer plugin starts a Node.js pack: @pulumi/pulumi's run-policy-pack from the pack's own
 * node_modules, which registers ts-node with the pack's own TypeScript and type-checks it (run.js: typeCheck true).
 */
describe("policy pack: a standalone install, loaded by @pulumi/pulumi's run-policy-pack", () => {
    let dir: string;
    let pack: ChildProcess;
    let client: analyzerGrpc.AnalyzerClient;

    before(async function () {
        this.timeout(120_000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
        for (const f of fs.readdirSync(POLICY_DIR).filter((x) => x !== "node_modules"))
            fs.copyFileSync(path.join(POLICY_DIR, f), path.join(dir, f));
        // npm ci ran in policy/ (pretest); a hard-linked copy of its result is the same install, without the download.
        try {
            execFileSync("cp", ["-al", path.join(POLICY_DIR, "node_modules"), dir]);
        } catch {
            fs.cpSync(path.join(POLICY_DIR, "node_modules"), path.join(dir, "node_modules"), { recursive: true });
        }
        pack = spawn(
            process.execPath,
            [path.join(dir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."],
            {
                cwd: dir,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, NODE_PATH: "" },
            },
        );
        client = await connectToPack(pack);
    });

    after(() => {
        client?.close();
        pack?.kill();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function analyze(type: string, name: string, props: Record<string, unknown>): Promise<string[]> {
        const res = await analyzeResource(client, type, name, props);
        return res.getDiagnosticsList().map((d) => `${d.getPolicyname()}: ${d.getMessage()}`);
    }

    it("declares its own TypeScript and ts-node, so the CLI's vendored TypeScript 3.8 is never used", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        expect(pkg.dependencies).to.include.keys(["@pulumi/policy", "@pulumi/pulumi", "typescript", "ts-node"]);
        const lock = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package-lock.json"), "utf8"));
        expect(lock.packages["node_modules/typescript"].version).to.match(/^5\./);
        const resolved = execFileSync(process.execPath, ["-p", "require.resolve('typescript')"], {
            cwd: dir,
            encoding: "utf8",
        }).trim();
        expect(resolved.startsWith(fs.realpathSync(dir)) || resolved.startsWith(dir), resolved).to.equal(true);
    });

    it("serves the five policies", async () => {
        const info = await analyzerInfo(client);
        expect(info.getPoliciesList().map((p) => p.getName())).to.have.length(5);
    });

    it("reports no violation for the first preview of a new stack, whose Airflow release values are unknown", async () => {
        expect(
            await analyze("kubernetes:helm.sh/v3:Release", "airflow-release", {
                chart: "airflow",
                version: "1.20.0",
                values: UNKNOWN_STRING,
            }),
        ).to.deep.equal([]);
        // Known values without requests still fail: the rule is live, only unknowns are spared.
        const known = await analyze("kubernetes:helm.sh/v3:Release", "airflow-release", {
            chart: "airflow",
            version: "1.20.0",
            values: { scheduler: {} },
        });
        expect(known.filter((d) => d.startsWith("resource-requests"))).to.have.length(3);
    });
});
