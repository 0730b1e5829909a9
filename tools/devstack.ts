/**
 * `npm run devstack -- up <name> --owner <you> [--branch <branch>] [--dags-repo <url> (--ssh-key <file> --known-hosts
 * <file> | --git-user <user> --token-file <file>)] [--secrets-provider <provider>] [--dry-run] [--yes]` starts a
 * developer's devspace on the shared dev cluster, in the namespace the dev stack frames for it;
 * `npm run devstack -- down <name> [--dry-run] [--yes]` tears it down and forgets the stack.
 *
 * Stack names are qualified with the dev stack's organization (`organization` with a bucket backend) and the devspace
 * stack logs in to the dev stack's backend. `--dry-run` prints every command and runs the offline plan of the stack
 * file it would write, touching nothing. The pure parts are exported for the tests; `main` only writes and runs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
/** The config namespace of Pulumi.yaml's project (stacks/config/schema.ts PROJECT; not imported, to keep this CLI fast to start). */
const PROJECT = "airflow-platform";

const REPO_ROOT = path.resolve(__dirname, "..");
/** The reference devspace stack doubles as the template of every developer's stack file; it is never written. */
export const TEMPLATE_STACK = "devspace-demo";
/** The shared dev stack whose cluster, frames and backend the devspaces use. */
export const BASE_STACK = "dev";
/** Same rule as `devspace.developer` in stacks/config/schema.ts: the name becomes the namespace `devspace-<name>`. */
const DEVELOPER_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;
const DEFAULT_BRANCH = "main";

export class UsageError extends Error {}

export interface DevstackArgs {
    action: "up" | "down";
    name: string;
    /** Who deploys: the Google account or IAM ARN the dev stack lists as the devspace's owner; for `up`. */
    owner?: string;
    /** The developer's DAG branch; for `up` only. Unset keeps an existing stack file's branch (or uses main). */
    branch?: string;
    /** A private DAG repository instead of the template's, with its credentials. */
    dagsRepo?: string;
    /** ssh: the deploy key's file (stored as the secret dagsGitSshKey) and a known_hosts file. */
    sshKeyFile?: string;
    knownHostsFile?: string;
    /** https: the user name and a file holding the token (stored as the secret dagsGitToken). */
    gitUser?: string;
    tokenFile?: string;
    /** `--secrets-provider` of the new stack. Default: the dev stack's delivery.devspaceSecretsProvider, else passphrase. */
    secretsProvider?: string;
    /** Print the commands and run the offline plan; write and run nothing. */
    dryRun: boolean;
    /** Skip Pulumi's interactive confirmation. */
    yes: boolean;
}

export const USAGE =
    "usage: npm run devstack -- up <name> --owner <google-account|iam-arn> [--branch <branch>] [--dags-repo <url>\n" +
    "         (--ssh-key <file> --known-hosts <file> | --git-user <user> --token-file <file>)] [--secrets-provider <p>] [--dry-run] [--yes]\n" +
    "       npm run devstack -- down <name> [--dry-run] [--yes]";

const UP_ONLY = [
    "owner",
    "branch",
    "dagsRepo",
    "sshKeyFile",
    "knownHostsFile",
    "gitUser",
    "tokenFile",
    "secretsProvider",
] as const;
const OPTIONS: Record<string, (typeof UP_ONLY)[number]> = {
    "--owner": "owner",
    "--branch": "branch",
    "-b": "branch",
    "--dags-repo": "dagsRepo",
    "--ssh-key": "sshKeyFile",
    "--known-hosts": "knownHostsFile",
    "--git-user": "gitUser",
    "--token-file": "tokenFile",
    "--secrets-provider": "secretsProvider",
};

export function parseDevstackArgs(argv: string[]): DevstackArgs {
    const positional: string[] = [];
    const values: Partial<Record<(typeof UP_ONLY)[number], string>> = {};
    let yes = false;
    let dryRun = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] =
            arg.startsWith("--") && arg.includes("=")
                ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
                : [arg, undefined];
        if (OPTIONS[flag]) {
            const v = inline ?? argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
            if (v.trim() === "") throw new UsageError(`${flag} must not be empty`);
            values[OPTIONS[flag]] = v;
        } else if (arg === "--yes" || arg === "-y") yes = true;
        else if (arg === "--dry-run") dryRun = true;
        else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        else positional.push(arg);
    }
    const [action, name, ...rest] = positional;
    if (action !== "up" && action !== "down")
        throw new UsageError(`the first argument must be up or down, not ${action ?? "nothing"}`);
    if (!name) throw new UsageError(`${action} needs the devspace's name`);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (!DEVELOPER_NAME.test(name))
        throw new UsageError(
            `name "${name}" must be a DNS label: lower-case letters, digits and dashes, at most 32 characters`,
        );
    if (stackFileOf(name) === `Pulumi.${TEMPLATE_STACK}.yaml`)
        throw new UsageError(
            `"${name}" is the committed template's devspace (Pulumi.${TEMPLATE_STACK}.yaml): pick another name`,
        );
    const given = UP_ONLY.filter((k) => values[k] !== undefined);
    if (action === "down" && given.length > 0)
        throw new UsageError(`${given.map((k) => optionOf(k)).join(", ")} are for up`);
    if (action === "up" && !values.owner)
        throw new UsageError(
            "up needs --owner: your Google account (GKE) or IAM ARN (EKS), as the dev stack's devspaces list has it",
        );
    const ssh = values.sshKeyFile !== undefined || values.knownHostsFile !== undefined;
    const https = values.gitUser !== undefined || values.tokenFile !== undefined;
    if (ssh && https)
        throw new UsageError(
            "give ssh (--ssh-key, --known-hosts) or https (--git-user, --token-file) credentials, not both",
        );
    if ((ssh || https) && !values.dagsRepo) throw new UsageError("DAG repository credentials need --dags-repo");
    if (ssh && (!values.sshKeyFile || !values.knownHostsFile))
        throw new UsageError("an ssh DAG repository needs both --ssh-key and --known-hosts");
    if (https && (!values.gitUser || !values.tokenFile))
        throw new UsageError("an https DAG repository needs both --git-user and --token-file");
    return { action, name, ...values, dryRun, yes };
}

const optionOf = (key: (typeof UP_ONLY)[number]) =>
    Object.entries(OPTIONS).find(([flag, k]) => k === key && flag.startsWith("--"))![0];

export const stackNameOf = (name: string) => `devspace-${name}`;
export const stackFileOf = (name: string) => `Pulumi.${stackNameOf(name)}.yaml`;

const key = (k: string) => `${PROJECT}:${k}`;

/** What devstack reads from the dev stack's file: where its state lives and how stacks are named there. */
export interface BaseStackDelivery {
    /** `delivery.backendUrl`; undefined: Pulumi Cloud. */
    backendUrl?: string;
    /** `delivery.organization`: `organization` unless set (the only one a bucket backend knows). */
    organization: string;
    /** `delivery.devspaceSecretsProvider`, if the dev stack names one for devspace stacks. */
    devspaceSecretsProvider?: string;
}

export function baseStackDelivery(devStackFile: string): BaseStackDelivery {
    const delivery = ((YAML.parse(devStackFile) ?? {}).config ?? {})[key("delivery")] ?? {};
    return {
        backendUrl: delivery.backendUrl,
        organization: delivery.organization ?? "organization",
        devspaceSecretsProvider: delivery.devspaceSecretsProvider,
    };
}

/** `<organization>/airflow-platform/<stack>`: names that mean the same stack on every backend. */
export const qualified = (delivery: BaseStackDelivery, stack: string) => `${delivery.organization}/${PROJECT}/${stack}`;

/**
 * The developer's stack file: the template's config with this developer's name, owner, branch (the branch is both the
 * devspace's and git-sync's), the dev stack's qualified name, and a private DAG repository if given. `existing` is the
 * current file, when there is one: its settings are kept and only what was given changes, comments included.
 */
export function devspaceStackFile(
    template: string,
    options: Pick<DevstackArgs, "name" | "owner" | "branch" | "dagsRepo" | "sshKeyFile" | "gitUser"> & {
        baseStack: string;
        existing?: string;
        /** Contents of --known-hosts (not secret: it goes into the file). */
        knownHosts?: string;
    },
): string {
    const doc = YAML.parseDocument(options.existing ?? template);
    const config = doc.get("config") as YAML.YAMLMap | undefined;
    if (!config || !config.has(key("devspace"))) throw new Error(`the template has no ${key("devspace")} section`);
    const branch = options.branch ?? (options.existing ? undefined : DEFAULT_BRANCH);
    const devspace = ["config", key("devspace")];
    doc.setIn([...devspace, "developer"], options.name);
    if (options.owner) doc.setIn([...devspace, "owner"], options.owner);
    doc.setIn([...devspace, "baseStack"], options.baseStack);
    if (branch !== undefined) {
        doc.setIn([...devspace, "branch"], branch);
        if (doc.hasIn(["config", key("airflow"), "dags"]))
            doc.setIn(["config", key("airflow"), "dags", "branch"], branch);
    }
    if (options.dagsRepo) {
        const dags = ["config", key("airflow"), "dags"];
        doc.setIn([...dags, "repo"], options.dagsRepo);
        for (const k of ["credentials", "knownHosts", "username"]) doc.deleteIn([...dags, k]);
        if (options.sshKeyFile) {
            doc.setIn([...dags, "credentials"], "ssh");
            doc.setIn([...dags, "knownHosts"], (options.knownHosts ?? "").trim());
        }
        if (options.gitUser) {
            doc.setIn([...dags, "credentials"], "https");
            doc.setIn([...dags, "username"], options.gitUser);
        }
    }
    if (!options.existing) {
        doc.commentBefore =
            ` ${options.name}'s devspace on the shared dev cluster. Created by: npm run devstack -- up ${options.name} --owner ${options.owner}` +
            (branch ? ` --branch ${branch}` : "") +
            `\n Remove it with: npm run devstack -- down ${options.name}`;
    }
    return doc.toString();
}

export interface Command {
    /** Why this command runs, printed before it. */
    purpose: string;
    argv: string[];
    /** A file whose contents are the command's standard input (a secret: never printed). */
    stdinFile?: string;
}

/**
 * The Pulumi CLI commands of `up` and `down`, in order. The devspace's own stack is always named explicitly, with
 * its organization, on the dev stack's backend.
 */
export function devstackCommands(
    args: Pick<DevstackArgs, "action" | "name" | "yes" | "sshKeyFile" | "tokenFile" | "secretsProvider">,
    delivery: BaseStackDelivery = { organization: "organization" },
): Command[] {
    const stack = qualified(delivery, stackNameOf(args.name));
    const yes = args.yes ? ["--yes"] : [];
    const login: Command = delivery.backendUrl
        ? { purpose: "log in to the dev stack's backend", argv: ["pulumi", "login", delivery.backendUrl] }
        : { purpose: "log in to Pulumi Cloud, the dev stack's backend", argv: ["pulumi", "login"] };
    if (args.action === "up") {
        const secretsProvider = args.secretsProvider ?? delivery.devspaceSecretsProvider ?? "passphrase";
        const secret = (name: string, file: string): Command => ({
            purpose: `store the DAG repository's credential as the secret ${name}`,
            argv: ["pulumi", "config", "set", "--secret", "--stack", stack, name],
            stdinFile: file,
        });
        return [
            login,
            // `stack init`, made idempotent: creates the stack the first time (with its secrets provider), selects it afterwards.
            {
                purpose: `create (or select) the stack ${stack}`,
                argv: [
                    "pulumi",
                    "stack",
                    "select",
                    "--create",
                    "--secrets-provider",
                    secretsProvider,
                    "--stack",
                    stack,
                ],
            },
            ...(args.sshKeyFile ? [secret("dagsGitSshKey", args.sshKeyFile)] : []),
            ...(args.tokenFile ? [secret("dagsGitToken", args.tokenFile)] : []),
            {
                purpose: `deploy the devspace ${stack} (the guard-rail policy pack applies)`,
                argv: ["pulumi", "up", "--stack", stack, "--policy-pack", "policy", ...yes],
            },
            { purpose: "show the devspace's outputs", argv: ["pulumi", "stack", "output", "--stack", stack] },
        ];
    }
    return [
        login,
        { purpose: `delete every resource of ${stack}`, argv: ["pulumi", "destroy", "--stack", stack, ...yes] },
        // `stack rm` also deletes Pulumi.<stack>.yaml; it refuses while resources remain, which is what we want.
        { purpose: `forget the stack ${stack} and its config file`, argv: ["pulumi", "stack", "rm", stack, "--yes"] },
    ];
}

export const PULUMI_MISSING =
    "the pulumi CLI is not installed or not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/) and log in to the backend that holds the dev stack (`pulumi login`)";

const printed = (command: Command) =>
    `$ ${command.argv.join(" ")}${command.stdinFile ? ` < ${command.stdinFile}` : ""}`;

/** Runs a command with the terminal attached; returns its exit code. Throws a clear error when pulumi is missing. */
function run(command: Command): number {
    console.log(`\n# ${command.purpose}\n${printed(command)}`);
    const stdio = command.stdinFile
        ? ([fs.openSync(command.stdinFile, "r"), "inherit", "inherit"] as const)
        : "inherit";
    const result = spawnSync(command.argv[0], command.argv.slice(1), { cwd: REPO_ROOT, stdio: stdio as never });
    if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(PULUMI_MISSING);
    if (result.error) throw result.error;
    return result.status ?? 1;
}

export function checkPulumiCli(spawn: typeof spawnSync = spawnSync): void {
    const result = spawn("pulumi", ["version"], { encoding: "utf8" });
    if (result.error) throw new UsageError(PULUMI_MISSING);
}

const readRepoFile = (name: string) => fs.readFileSync(path.join(REPO_ROOT, name), "utf8");

async function main(): Promise<number> {
    const args = parseDevstackArgs(process.argv.slice(2));
    const delivery = baseStackDelivery(readRepoFile(`Pulumi.${BASE_STACK}.yaml`));
    for (const file of [args.sshKeyFile, args.knownHostsFile, args.tokenFile])
        if (file && !fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
    const commands = devstackCommands(args, delivery);
    let text: string | undefined;
    let existing: string | undefined;
    const file = path.join(REPO_ROOT, stackFileOf(args.name));
    if (args.action === "up") {
        existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
        text = devspaceStackFile(readRepoFile(`Pulumi.${TEMPLATE_STACK}.yaml`), {
            ...args,
            baseStack: qualified(delivery, BASE_STACK),
            existing,
            knownHosts: args.knownHostsFile ? fs.readFileSync(args.knownHostsFile, "utf8") : undefined,
        });
    }
    if (args.dryRun) {
        if (text !== undefined)
            console.log(`# would ${existing ? "update" : "write"} ${path.relative(process.cwd(), file)}:\n${text}`);
        for (const command of commands) console.log(`# ${command.purpose}\n${printed(command)}`);
        if (text === undefined) return 0;
        // The offline plan of the file it would write: the same program, config checks and devspace access checks.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devstack-"));
        fs.writeFileSync(path.join(dir, stackFileOf(args.name)), text);
        console.log(
            `\n# offline plan of ${stackNameOf(args.name)} (npm run plan -- --stack ${stackNameOf(args.name)} --stack-dir ${dir})`,
        );
        const plan = spawnSync(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                "tools/plan.ts",
                "--stack",
                stackNameOf(args.name),
                "--stack-dir",
                dir,
                "--out",
                path.join(dir, "out"),
            ],
            { cwd: REPO_ROOT, stdio: "inherit" },
        );
        return plan.status ?? 1;
    }
    checkPulumiCli();
    if (text !== undefined && text !== existing) {
        fs.writeFileSync(file, text);
        console.log(`${existing ? "updated" : "wrote"} ${path.relative(process.cwd(), file)}`);
    }
    for (const command of commands) {
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
