/**
 * `npm run plan -- --stack <name>`: what `pulumi up` would create for a stack, with no cloud account.
 * Writes out/<stack>/ (resources.json, Helm values, dashboards, rules, the statsd mapping) and prints a summary.
 */
import * as fs from "fs";
import * as path from "path";
import { AppliedDefault, ConfigError, ConfigIssue, appliedDefaults, parseStackConfig } from "../stacks/config";
import {
    Plan,
    PlannedResource,
    REPO_ROOT,
    StackFileError,
    planStack,
    readStackFile,
    withComputed,
} from "./offline/runtime";
import { describeNodePools, devspaceRequests, planArtifacts } from "./offline/artifacts";
import { planMarkdown } from "./offline/plan-md";
import { maskAlertmanagerYaml } from "./offline/alertmanager";
import { ALERTMANAGER_CONFIG_KEY } from "../components/observability/values";

interface PlanArgs {
    stack: string;
    outDir: string;
    /** Where Pulumi.<stack>.yaml is read from; the repository root by default. */
    stackDir?: string;
}

function parseArgs(argv: string[]): PlanArgs {
    let stack = "dev";
    let outDir = path.join(REPO_ROOT, "out");
    let stackDir: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--stack" || arg === "-s") stack = argv[++i];
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else if (arg === "--out") outDir = path.resolve(argv[++i]);
        else if (arg === "--stack-dir") stackDir = path.resolve(argv[++i]);
        else if (arg === "--help" || arg === "-h") {
            console.log(
                "usage: npm run plan -- --stack <name> [--out <dir>] [--stack-dir <dir with Pulumi.<name>.yaml>]",
            );
            process.exit(0);
        } else throw new UsageError(`unknown argument ${arg}`);
    }
    if (!stack) throw new UsageError("--stack needs a stack name");
    return { stack, outDir, stackDir };
}

class UsageError extends Error {}

/** The plan as it is written: secrets masked, and every value the mocks made up shown as `[computed]`. */
export function writtenResources(plan: Plan): PlannedResource[] {
    return plan.resources.map((r) => ({
        ...r,
        inputs: withComputed(showAlertmanagerConfig(r), plan.mockedValues) as Record<string, unknown>,
    }));
}

/** An Alertmanager config Secret shows its routing; only the fields Alertmanager treats as secrets stay masked. */
function showAlertmanagerConfig(r: PlannedResource): Record<string, unknown> {
    const revealed = (r.revealedInputs.stringData as Record<string, unknown> | undefined)?.[ALERTMANAGER_CONFIG_KEY];
    if (r.type !== "kubernetes:core/v1:Secret" || typeof revealed !== "string") return r.inputs;
    const masked = maskAlertmanagerYaml(revealed);
    if (masked === undefined) return r.inputs;
    return { ...r.inputs, stringData: { ...(r.inputs.stringData as object), [ALERTMANAGER_CONFIG_KEY]: masked } };
}

export function writePlan(
    plan: Plan,
    dir: string,
    config?: { appliedDefaults: AppliedDefault[]; warnings: ConfigIssue[] },
): string[] {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    const write = (relative: string, text: string) => {
        const file = path.join(dir, relative);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        written.push(relative);
    };
    const resources = writtenResources(plan);
    write("plan.md", planMarkdown({ stack: plan.stack, resources, ...config, outputs: plan.outputs }));
    const entries = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        parent: r.parent,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: r.ignoreChanges,
        dependencies: r.dependencies,
        ...(r.aliases.length > 0 ? { aliases: r.aliases } : {}),
        inputs: r.inputs,
    }));
    write("resources.json", JSON.stringify(entries, null, 2) + "\n");
    write("outputs.json", JSON.stringify(withComputed(plan.outputs, plan.mockedValues), null, 2) + "\n");
    for (const artifact of planArtifacts(resources)) write(artifact.path, artifact.content);
    return written;
}

function summarize(
    plan: Plan,
    dir: string,
    files: string[],
    config?: { appliedDefaults: AppliedDefault[]; warnings: ConfigIssue[] },
): string {
    const lines: string[] = [];
    lines.push(`Plan of stack "${plan.stack}": ${plan.resources.length} resources`);
    const counts = new Map<string, number>();
    for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    lines.push("", "Resources by type:");
    for (const [type, n] of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])))
        lines.push(`  ${String(n).padStart(3)}  ${type}`);
    const pools = describeNodePools(plan.resources);
    if (pools.length > 0) {
        lines.push("", "Node pools:");
        for (const p of pools) lines.push(`  ${p}`);
    }
    const releases = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    if (releases.length > 0) {
        lines.push("", "Helm releases:");
        for (const r of releases) lines.push(`  ${releaseLine(r)}`);
    }
    const requests = devspaceRequests(plan.resources, plan.outputs);
    if (requests) lines.push("", `Devspace requests: ${requests}`);
    if (config) {
        lines.push(
            "",
            `Config: ${config.appliedDefaults.length} defaults applied, ${config.warnings.length} warnings (both listed in plan.md)`,
        );
        for (const w of config.warnings) lines.push(`  warning: ${w.key}: ${w.message}`);
    }
    lines.push("", `Files (${files.length}) in ${path.relative(process.cwd(), dir) || "."}/ (read plan.md first):`);
    for (const f of files) lines.push(`  ${f}`);
    return lines.join("\n");
}

function releaseLine(r: PlannedResource): string {
    const i = r.inputs as { chart?: string; version?: string; namespace?: string; name?: string };
    return `${r.name}: ${i.chart}@${i.version} in ${i.namespace ?? "default"}`;
}

/** Plans a stack into `<outDir>/<stack>/` and returns the summary to print. A failed plan leaves no output behind. */
export async function planToDisk({ stack, outDir, stackDir }: PlanArgs): Promise<string> {
    const dir = path.join(outDir, stack);
    // A plan that fails must not leave the previous one looking current.
    const hadPrevious = fs.existsSync(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    let plan: Plan;
    try {
        plan = await planStack(stack, { stackDir });
    } catch (err) {
        if (hadPrevious)
            console.error(
                `(removed the previous plan in ${path.relative(process.cwd(), dir) || dir}/: it no longer matches the config)`,
            );
        throw err;
    }
    const file = readStackFile(stack, stackDir);
    const config = parseStackConfig(stack, file.config, file.secrets);
    const summary = { appliedDefaults: appliedDefaults(file.config, config), warnings: config.warnings };
    const files = writePlan(plan, dir, summary);
    return summarize(plan, dir, files, summary);
}

/**
 * `npm run plan`: plans the stack the arguments name and prints the summary; a refused config, an unknown argument or a
 * missing stack file prints one line, not a stack trace. Returns the exit code.
 */
export async function planCommand(
    argv: string[],
    print: { out(text: string): void; err(text: string): void } = { out: console.log, err: console.error },
): Promise<number> {
    try {
        print.out(await planToDisk(parseArgs(argv)));
        return 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof UsageError || err instanceof StackFileError)
            print.err(`error: ${err.message}`);
        else print.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
        return 1;
    }
}

if (require.main === module) planCommand(process.argv.slice(2)).then((code) => process.exit(code));
