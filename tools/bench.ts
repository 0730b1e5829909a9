/**
 * `npm run bench [-- --runs N]`: the two speed figures the project tracks, measured as a user meets them:
 * wall time of `npm test`, and wall time of `npm run plan -- --stack <name>` for every reference stack, each in a
 * fresh process, with the CPU time (user + system) each used beside it. Prints a table and writes out/bench.json.
 * Goals: tests < 60 s, a plan < 10 s (2-core machine). `--plans-only` skips npm test; `--parts` also times its parts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./offline/runtime";

const REFERENCE_STACKS = fs
    .readdirSync(REPO_ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

/** Wall seconds and CPU seconds (user + system of the command and every process it waited for) of one run. */
function timeCommand(command: string, args: string[]): { wall: number; cpu: number } {
    const start = process.hrtime.bigint();
    // bash's `times` prints the CPU its children used (second line: user and system), which Node cannot read itself.
    const script = '"$@" >/dev/null; status=$?; times; exit $status';
    const result = spawnSync("bash", ["-c", script, "bash", command, ...args], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
    });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
    const seconds = (t: string) => Number(/^(\d+)m/.exec(t)![1]) * 60 + Number(/m([\d.]+)s$/.exec(t)![1]);
    const [user, sys] = result.stdout.trim().split("\n")[1].trim().split(/\s+/);
    return { wall, cpu: seconds(user) + seconds(sys) };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function main() {
    const runsArg = process.argv.indexOf("--runs");
    const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
    const skipTests = process.argv.includes("--plans-only");
    const results: Record<string, { runs: number[]; median: number; cpu: number[]; medianCpu: number; goal: number }> =
        {};
    const measure = (what: string, goal: number, command: string, args: string[], count: number) => {
        const times = Array.from({ length: count }, () => timeCommand(command, args));
        const walls = times.map((t) => t.wall);
        const cpus = times.map((t) => t.cpu);
        results[what] = { runs: walls, median: median(walls), cpu: cpus, medianCpu: median(cpus), goal };
    };
    for (const stack of REFERENCE_STACKS)
        measure(`plan ${stack}`, 10, "npm", ["run", "--silent", "plan", "--", "--stack", stack], runs);
    if (!skipTests) measure("npm test", 60, "npm", ["test", "--silent"], 1);
    // `--parts`: the two halves npm test runs side by side, each alone, to see which one bounds the wall time.
    if (process.argv.includes("--parts")) {
        measure("npm test: mocha alone", 60, "npx", ["--no-install", "mocha", "--reporter", "dot"], 1);
        measure("npm test: typecheck + lint alone", 60, "node", ["tools/static-checks.mjs"], 1);
        measure("npm test: prettier --check alone", 60, "npx", ["--no-install", "prettier", "--check", "."], 1);
    }
    // Wall time is the goal; CPU time (user + system) is what a shared machine's noise moves least.
    console.log(`| what | median wall (s) | runs (s) | median CPU (s) | goal (s) |\n| --- | --- | --- | --- | --- |`);
    for (const [what, r] of Object.entries(results))
        console.log(
            `| ${what} | ${r.median.toFixed(1)} | ${r.runs.map((t) => t.toFixed(1)).join(", ")} | ${r.medianCpu.toFixed(1)} | < ${r.goal} |`,
        );
    fs.mkdirSync(path.join(REPO_ROOT, "out"), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, "out", "bench.json"), JSON.stringify(results, null, 2) + "\n");
}

main();
