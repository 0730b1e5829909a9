/**
 * `npm run bench [-- --runs N]`: the two speed figures the project tracks, measured as a user meets them:
 * wall time of `npm test`, and wall time of `npm run plan -- --stack <name>` for every reference stack, each in a
 * fresh process. Prints a table and writes out/bench.json. Goals: tests < 60 s, a plan < 10 s (2-core machine).
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

function timeCommand(command: string, args: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
    return seconds;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function main() {
    const runsArg = process.argv.indexOf("--runs");
    const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
    const skipTests = process.argv.includes("--plans-only");
    const results: Record<string, { runs: number[]; median: number; goal: number }> = {};
    for (const stack of REFERENCE_STACKS) {
        const times = Array.from({ length: runs }, () =>
            timeCommand("npm", ["run", "--silent", "plan", "--", "--stack", stack]),
        );
        results[`plan ${stack}`] = { runs: times, median: median(times), goal: 10 };
    }
    if (!skipTests) {
        const times = [timeCommand("npm", ["test", "--silent"])];
        results["npm test"] = { runs: times, median: median(times), goal: 60 };
    }
    console.log(`| what | median (s) | runs (s) | goal (s) |\n| --- | --- | --- | --- |`);
    for (const [what, r] of Object.entries(results))
        console.log(
            `| ${what} | ${r.median.toFixed(1)} | ${r.runs.map((t) => t.toFixed(1)).join(", ")} | < ${r.goal} |`,
        );
    fs.mkdirSync(path.join(REPO_ROOT, "out"), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, "out", "bench.json"), JSON.stringify(results, null, 2) + "\n");
}

main();
