/**
 * `npm run devstack -- up <name> [--branch <branch>] [--base-stack <org/project/stack>] [--yes]` starts a developer's
 * devspace on the shared dev cluster; `npm run devstack -- down <name> [--yes]` tears it down and forgets the stack.
 *
 * The pure parts (argument parsing, the stack file, the command list) are exported for the tests; `main` only writes
 * the file and runs the commands, printing each one first.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
/** The config namespace of Pulumi.yaml's project (stacks/config/schema.ts PROJECT; not imported, to keep this CLI fast to start). */
const PROJECT = "airflow-platform";

const REPO_ROOT = path.resolve(__dirname, "..");
/** The reference devspace stack doubles as the template of every developer's stack file. */
export const TEMPLATE_STACK = "devspace-demo";
/** Same rule as `devspace.developer` in stacks/config/schema.ts: the name becomes the namespace `devspace-<name>`. */
const DEVELOPER_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;
const DEFAULT_BRANCH = "main";

export class UsageError extends Error {}

export interface DevstackArgs {
    action: "up" | "down";
    name: string;
    /** The developer's DAG branch; for `up` only. Unset keeps an existing stack file's branch (or uses main). */
    branch?: string;
    /** Override of `devspace.baseStack`, e.g. `acme/airflow-platform/dev`. */
    baseStack?: string;
    /** Skip Pulumi's interactive confirmation. */
    yes: boolean;
}

export const USAGE =
    "usage: npm run devstack -- up <name> [--branch <branch>] [--base-stack <org/project/stack>] [--yes]\n" +
    "       npm run devstack -- down <name> [--yes]";

export function parseDevstackArgs(argv: string[]): DevstackArgs {
    const positional: string[] = [];
    let branch: string | undefined;
    let baseStack: string | undefined;
    let yes = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        if (arg === "--branch" || arg === "-b") branch = value();
        else if (arg.startsWith("--branch=")) branch = arg.slice("--branch=".length);
        else if (arg === "--base-stack") baseStack = value();
        else if (arg.startsWith("--base-stack=")) baseStack = arg.slice("--base-stack=".length);
        else if (arg === "--yes" || arg === "-y") yes = true;
        else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        else positional.push(arg);
    }
    const [action, name, ...rest] = positional;
    if (action !== "up" && action !== "down") throw new UsageError(`the first argument must be up or down, not ${action ?? "nothing"}`);
    if (!name) throw new UsageError(`${action} needs the devspace's name`);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (!DEVELOPER_NAME.test(name))
        throw new UsageError(`name "${name}" must be a DNS label: lower-case letters, digits and dashes, at most 32 characters`);
    if (action === "down" && (branch || baseStack)) throw new UsageError("--branch and --base-stack are for up");
    if (branch !== undefined && branch.trim() === "") throw new UsageError("--branch must not be empty");
    return { action, name, branch, baseStack, yes };
}

export const stackNameOf = (name: string) => `devspace-${name}`;
export const stackFileOf = (name: string) => `Pulumi.${stackNameOf(name)}.yaml`;

const key = (k: string) => `${PROJECT}:${k}`;

/**
 * The developer's stack file: the template's config with this developer's name and branch (the branch is both the
 * devspace's and git-sync's). `existing` is the current file, when there is one: its settings are kept and only the
 * name, branch and base stack given are changed, comments included.
 */
export function devspaceStackFile(
    template: string,
    options: { name: string; branch?: string; baseStack?: string; existing?: string },
): string {
    const doc = YAML.parseDocument(options.existing ?? template);
    const config = doc.get("config") as YAML.YAMLMap | undefined;
    if (!config || !config.has(key("devspace"))) throw new Error(`the template has no ${key("devspace")} section`);
    const branch = options.branch ?? (options.existing ? undefined : DEFAULT_BRANCH);
    doc.setIn(["config", key("devspace"), "developer"], options.name);
    if (branch !== undefined) {
        doc.setIn(["config", key("devspace"), "branch"], branch);
        if (doc.hasIn(["config", key("airflow"), "dags"])) doc.setIn(["config", key("airflow"), "dags", "branch"], branch);
    }
    if (options.baseStack) doc.setIn(["config", key("devspace"), "baseStack"], options.baseStack);
    if (!options.existing) {
        doc.commentBefore =
            ` ${options.name}'s devspace on the shared dev cluster. Created by: npm run devstack -- up ${options.name}` +
            (branch ? ` --branch ${branch}` : "") +
            `\n Remove it with: npm run devstack -- down ${options.name}`;
    }
    return doc.toString();
}

export interface Command {
    /** Why this command runs, printed before it. */
    purpose: string;
    argv: string[];
}

/** The Pulumi CLI commands of `up` and `down`, in order. The devspace's own stack is always named explicitly. */
export function devstackCommands(args: Pick<DevstackArgs, "action" | "name" | "yes">): Command[] {
    const stack = stackNameOf(args.name);
    const yes = args.yes ? ["--yes"] : [];
    if (args.action === "up") {
        return [
            // `stack init`, made idempotent: creates the stack the first time, selects it afterwards.
            { purpose: `create (or select) the stack ${stack}`, argv: ["pulumi", "stack", "select", "--create", "--stack", stack] },
            {
                purpose: `deploy the devspace ${stack} (the guard-rail policy pack applies)`,
                argv: ["pulumi", "up", "--stack", stack, "--policy-pack", "policy", ...yes],
            },
            { purpose: "show the devspace's outputs", argv: ["pulumi", "stack", "output", "--stack", stack] },
        ];
    }
    return [
        { purpose: `delete every resource of ${stack}`, argv: ["pulumi", "destroy", "--stack", stack, ...yes] },
        // `stack rm` also deletes Pulumi.<stack>.yaml; it refuses while resources remain, which is what we want.
        { purpose: `forget the stack ${stack} and its config file`, argv: ["pulumi", "stack", "rm", stack, "--yes"] },
    ];
}

export const PULUMI_MISSING =
    "the pulumi CLI is not installed or not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/) and log in to the backend that holds the dev stack (`pulumi login`)";

/** Runs a command with the terminal attached; returns its exit code. Throws a clear error when pulumi is missing. */
function run(command: Command): number {
    console.log(`\n# ${command.purpose}\n$ ${command.argv.join(" ")}`);
    const result = spawnSync(command.argv[0], command.argv.slice(1), { cwd: REPO_ROOT, stdio: "inherit" });
    if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(PULUMI_MISSING);
    if (result.error) throw result.error;
    return result.status ?? 1;
}

export function checkPulumiCli(spawn: typeof spawnSync = spawnSync): void {
    const result = spawn("pulumi", ["version"], { encoding: "utf8" });
    if (result.error) throw new UsageError(PULUMI_MISSING);
}

async function main(): Promise<number> {
    const args = parseDevstackArgs(process.argv.slice(2));
    checkPulumiCli();
    if (args.action === "up") {
        const file = path.join(REPO_ROOT, stackFileOf(args.name));
        const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
        const template = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${TEMPLATE_STACK}.yaml`), "utf8");
        const text = devspaceStackFile(template, { ...args, existing });
        if (text !== existing) {
            fs.writeFileSync(file, text);
            console.log(`${existing ? "updated" : "wrote"} ${path.relative(process.cwd(), file)}`);
        }
    }
    for (const command of devstackCommands(args)) {
        const status = run(command);
        if (status !== 0) {
            console.error(`error: \`${command.argv.join(" ")}\` exited with ${status}; stopping here`);
            return status;
        }
    }
    return 0;
}

if (require.main === module) {
    main().then(
        (status) => process.exit(status),
        (err: unknown) => {
            if (err instanceof UsageError) console.error(`error: ${err.message}\n${USAGE}`);
            else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
            process.exit(1);
        },
    );
}
