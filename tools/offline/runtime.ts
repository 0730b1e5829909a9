/**
 * The offline runtime: evaluates the real program for one stack under Pulumi's mock runtime, with no credentials and
 * no network, and returns every registered resource. The plan command and the tests both stand on it.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { unknown as unknownOutputValue } from "@pulumi/pulumi/output";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as YAML from "yaml";
import { PROJECT } from "../../stacks/config";
import { mockInvoke, mockResourceOutputs } from "./cloud-mocks";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Marker for a secret value in a plan. */
export const SECRET = "[secret]";
/** Marker for a value only the cloud knows (an ID, an endpoint, a generated password). */
export const COMPUTED = "[computed]";

/** One registered resource as the plan shows it. */
export interface PlannedResource {
    type: string;
    name: string;
    /** The parent's name, or null for the stack's top-level resources. */
    parent: string | null;
    /** The parent's URN, or null for the stack's top-level resources. */
    parentUrn: string | null;
    /** The inputs with secrets as `[secret]` and unknowns as `[computed]`. */
    inputs: Record<string, unknown>;
    /** The inputs with secret values revealed: for tests that check what a secret holds. Never written to disk. */
    revealedInputs: Record<string, unknown>;
    urn: string;
    custom: boolean;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /** A replacement deletes this resource before creating the new one (resource option deleteBeforeReplace). */
    deleteBeforeReplace: boolean;
    /** URNs this resource waits for (explicit dependsOn and input dependencies). */
    dependencies: string[];
    /** The URNs this resource was known by before (its `aliases` option, resolved): a rename keeps the state. */
    aliases: string[];
}

export interface Plan {
    stack: string;
    resources: PlannedResource[];
    /** Stack outputs, secrets masked. */
    outputs: Record<string, unknown>;
    /** Stack outputs with secrets kept as Pulumi secrets, for StackReferences of other stacks' plans. */
    rawOutputs: Record<string, unknown>;
    /**
     * Values the mocks made up for what only the cloud knows (IDs, endpoints, ARNs): the program needs some known to
     * run, but the written plan shows every string holding one as `[computed]`, as `pulumi preview` would.
     */
    mockedValues: string[];
    /** Existing objects the program read (`Resource.get`, StackReference), as type and ID. */
    reads: { type: string; id: string }[];
}

export interface PlanOptions {
    /** Replace or add config values (`key` without the project prefix), after the stack file is read. */
    config?: Record<string, unknown>;
    /** Secret config values (`key` without the project prefix), as `pulumi config set --secret` would hold them. */
    secrets?: Record<string, string>;
    /** Config set in plain text that should have been secret. */
    plainTextSecrets?: Record<string, string>;
    /** Config keys (without the project prefix) to remove from the stack file's config. */
    unset?: string[];
    /** Read the stack file from this folder instead of the repository root. */
    stackDir?: string;
    /**
     * What provider functions answer in this plan instead of echoing their arguments (`mockInvoke`): per function
     * token, the result of each call whose arguments include `args` (e.g. the AZ `aws.ec2.getSubnet` reads). For tests.
     */
    invokes?: Record<string, { args: Record<string, unknown>; result: Record<string, unknown> }[]>;
}

/** The answer `invokes` gives a provider function call, if any. */
function invokeAnswer(options: PlanOptions, token: string, inputs: Record<string, unknown>) {
    const matches = (args: Record<string, unknown>) => Object.entries(args).every(([k, v]) => inputs[k] === v);
    return options.invokes?.[token]?.find((answer) => matches(answer.args))?.result;
}

/** Placeholders the offline plan uses for `secure:` config values, which cannot be decrypted here. */
export const OFFLINE_SECRET_PLACEHOLDERS: Record<string, string> = {
    dagsGitSshKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nofflineplaceholderkey\n-----END OPENSSH PRIVATE KEY-----\n",
    dagsGitToken: "offline-placeholder-token",
    alertmanagerReceivers: JSON.stringify({
        slack: { apiUrl: "https://hooks.slack.com/services/OFFLINE/PLACEHOLDER", channel: "#airflow-alerts" },
    }),
    existingKubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
};

/** A stack file that is missing or is not YAML. */
export class StackFileError extends Error {}

/** Reads `Pulumi.<stack>.yaml` into plain config and secret config (with placeholders for `secure:` values). */
export function readStackFile(
    stack: string,
    dir = REPO_ROOT,
): { config: Record<string, unknown>; secrets: Record<string, string> } {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new StackFileError(`no stack file ${file} for stack "${stack}"`);
    let doc: { config?: Record<string, unknown> };
    try {
        doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as typeof doc;
    } catch (err) {
        throw new StackFileError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    const config: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    // A reference stack names the secrets a real deployment sets in a comment, not as `secure:` placeholders (which
    // a real preview fails to decrypt): `# offline-plan-secrets: dagsGitSshKey alertmanagerReceivers`.
    const declared =
        /^# offline-plan-secrets:(.*)$/m.exec(fs.readFileSync(file, "utf8"))?.[1].trim().split(/\s+/) ?? [];
    for (const key of declared.filter(Boolean))
        secrets[key] = OFFLINE_SECRET_PLACEHOLDERS[key] ?? `offline-placeholder-${key}`;
    for (const [fullName, value] of Object.entries(doc.config ?? {})) {
        const key = fullName.startsWith(`${PROJECT}:`) ? fullName.slice(PROJECT.length + 1) : fullName;
        if (value && typeof value === "object" && "secure" in (value as object)) {
            secrets[key] = OFFLINE_SECRET_PLACEHOLDERS[key] ?? `offline-placeholder-${key}`;
        } else config[key] = value;
    }
    return { config, secrets };
}

function toConfigText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Config keys without a namespace belong to this project; `aws:region` and the like keep theirs. */
function qualified(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

interface Registration {
    type: string;
    name: string;
    parentUrn: string;
    custom: boolean;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    dependencies: string[];
    aliases: AliasSpec[];
    urn?: string;
    inputs?: Record<string, unknown>;
}

/** An alias as the SDK sends it: a whole URN, or the parts that differ from the resource's own. */
interface AliasSpec {
    urn?: string;
    name?: string;
    type?: string;
    parentUrn?: string;
    noParent?: boolean;
}

let programCache: (() => Promise<Record<string, unknown>>) | undefined;
/** The ConfigMaps each referenced dev stack's plan wrote, by `namespace/name`, by fully qualified stack name. */
const plannedConfigMaps = new Map<string, Map<string, Record<string, unknown>>>();
/** The ConfigMaps of stacks planned from their files alone, by stack name. */
const defaultPlanConfigMaps = new Map<string, Map<string, Record<string, unknown>>>();
let running = Promise.resolve();

/**
 * Runs a plan with Pulumi's bookkeeping stack traces formatted cheaply. The SDK captures `new Error().stack` for every
 * output promise and resource (thousands per plan), and ts-node's source-map-support maps each frame to TypeScript:
 * that mapping was about 60% of a plan's CPU (node --cpu-prof). Those message-less traces are never shown, so they keep
 * V8's own frame format; every error with a message is still source-mapped.
 */
async function withCheapBookkeepingStacks<T>(plan: () => Promise<T>): Promise<T> {
    const mapped = Error.prepareStackTrace;
    const cheap = (err: Error, frames: NodeJS.CallSite[]): string =>
        `${Error.prototype.toString.call(err)}${frames.map((f) => `\n    at ${String(f)}`).join("")}`;
    const prepare = (err: Error, frames: NodeJS.CallSite[]): unknown =>
        err instanceof Error && err.message === "" ? cheap(err, frames) : (mapped ?? cheap)(err, frames);
    Error.prepareStackTrace = prepare;
    try {
        return await plan();
    } finally {
        if (Error.prepareStackTrace === prepare) Error.prepareStackTrace = mapped;
    }
}

/** Plans a stack. Plans run one at a time: the Pulumi runtime is process-wide. */
export function planStack(stack: string, options: PlanOptions = {}): Promise<Plan> {
    const result = running.then(() => withCheapBookkeepingStacks(() => planStackNow(stack, options)));
    running = result.then(
        () => undefined,
        () => undefined,
    );
    return result;
}

/**
 * Plans a program of its own (a component with a fake cluster, in a test) instead of the stack's: no stack file is
 * read; `config` is the whole config. The stack is named `test` unless told.
 */
export function planProgram(
    program: () => unknown,
    options: { stack?: string; config?: Record<string, unknown> } = {},
): Promise<Plan> {
    const result = running.then(() =>
        withCheapBookkeepingStacks(() =>
            planStackNow(options.stack ?? "test", { config: options.config }, async () => (await program()) ?? {}),
        ),
    );
    running = result.then(
        () => undefined,
        () => undefined,
    );
    return result;
}

async function planStackNow(stack: string, options: PlanOptions, ownProgram?: () => Promise<unknown>): Promise<Plan> {
    const file = ownProgram ? { config: {}, secrets: {} } : readStackFile(stack, options.stackDir);
    const config: Record<string, unknown> = { ...file.config, ...(options.config ?? {}) };
    for (const key of options.unset ?? []) delete config[key];
    const secrets: Record<string, string> = { ...file.secrets, ...(options.secrets ?? {}) };

    // A devspace reads its frame ConfigMap from the shared dev cluster: plan the dev stack first, and answer the read
    // with the ConfigMap that plan wrote (as deployed: every value known).
    const baseStack = (config.devspace as { baseStack?: string } | undefined)?.baseStack;
    if (baseStack && !plannedConfigMaps.has(baseStack)) {
        const baseName = baseStack.split("/").pop()!;
        // A plan of the base stack as its file stands (no overrides) is the same whoever asked for it: reuse it.
        const configMaps = defaultPlanConfigMaps.get(baseName) ?? configMapsOf(await planStackNow(baseName, {}));
        plannedConfigMaps.set(baseStack, configMaps);
    }
    const clusterConfigMaps = baseStack
        ? plannedConfigMaps.get(baseStack)!
        : new Map<string, Record<string, unknown>>();

    const allConfig: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) allConfig[qualified(k)] = toConfigText(v);
    for (const [k, v] of Object.entries(secrets)) allConfig[qualified(k)] = v;
    for (const [k, v] of Object.entries(options.plainTextSecrets ?? {})) allConfig[qualified(k)] = v;
    pulumi.runtime.setAllConfig(allConfig, Object.keys(secrets).map(qualified));

    const registrations: Registration[] = [];
    const byUrn = new Map<string, Registration>();
    const mocked = new Set<string>();
    const reads: Plan["reads"] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                if (args.id) reads.push({ type: args.type, id: args.id });
                if (args.type === "pulumi:pulumi:StackReference")
                    throw new Error(
                        `The offline plan answers no StackReference ("${args.inputs.name}"): a stack reads the cluster, not another stack's state`,
                    );
                if (args.type === "kubernetes:core/v1:ConfigMap" && args.id) {
                    // ConfigMap.get: the provider fails a read of an object that does not exist.
                    const found = clusterConfigMaps.get(args.id);
                    if (!found) throw new Error(`resource '${args.id}' does not exist`);
                    return { id: args.id, state: found };
                }
                const extra = mockResourceOutputs(args.type, args.name, args.inputs);
                const id = `${args.name}-id`;
                const given = new Set(stringsIn(args.inputs));
                for (const value of [id, ...stringsIn(extra)]) if (!given.has(value)) mocked.add(value);
                return { id, state: { ...args.inputs, ...extra } };
            },
            call: (args) => invokeAnswer(options, args.token, args.inputs) ?? mockInvoke(args.token, args.inputs),
        },
        PROJECT,
        stack,
        true,
    );
    const monitor = settings.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, cb: (err: unknown, res: { getUrn(): string } | undefined) => void): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const entry: Registration = {
            type: req.getType(),
            name: req.getName(),
            parentUrn: req.getParent(),
            custom: req.getCustom(),
            protect: req.getProtect() ?? false,
            retainOnDelete: req.getRetainondelete() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
            dependencies: req.getDependenciesList(),
            aliases: aliasSpecsOf(req),
            inputs: rpc.deserializeProperties(
                req.getObject() as Parameters<typeof rpc.deserializeProperties>[0],
                true,
            ) as Record<string, unknown>,
        };
        registrations.push(entry);
        register(req, (err, res) => {
            if (res) {
                entry.urn = res.getUrn();
                byUrn.set(entry.urn, entry);
            }
            cb(err, res);
        });
    };

    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        const program = ownProgram ?? loadProgram();
        const outputs = (await program()) as Record<string, unknown>;
        const resolvedRaw = await resolveDeep(outputs);
        // waitForRPCs is internal to @pulumi/pulumi, but it is the one way to know every registration has finished.
        await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        if (failures.length > 0) throw failures[0];
        const isChild = (r: Registration) =>
            Boolean(r.parentUrn) && byUrn.get(r.parentUrn)?.type !== "pulumi:pulumi:Stack";
        const resources = registrations
            .filter((r) => r.type !== "pulumi:pulumi:Stack")
            .map<PlannedResource>((r) => ({
                type: r.type,
                name: r.name,
                parent: isChild(r) ? nameOfUrn(r.parentUrn) : null,
                parentUrn: isChild(r) ? r.parentUrn : null,
                inputs: mask(r.inputs ?? {}) as Record<string, unknown>,
                revealedInputs: reveal(r.inputs ?? {}) as Record<string, unknown>,
                urn: r.urn ?? "",
                custom: r.custom,
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                ignoreChanges: r.ignoreChanges,
                deleteBeforeReplace: r.deleteBeforeReplace,
                dependencies: r.dependencies,
                aliases: r.aliases.map((a) => aliasUrn(r, a, stack)),
            }));
        const plan: Plan = {
            stack,
            resources,
            outputs: mask(resolvedRaw) as Record<string, unknown>,
            rawOutputs: resolvedRaw,
            // A made-up value equal to a resource's own name (an IAM role named like its resource) stays: plan.md
            // prints resource names, which are no cloud value.
            mockedValues: [...mocked].filter((v) => !registrations.some((r) => r.name === v)),
            reads,
        };
        if (!ownProgram && Object.keys(options).length === 0) defaultPlanConfigMaps.set(stack, configMapsOf(plan));
        return plan;
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getIgnorechangesList(): string[];
    getDeletebeforereplace(): boolean | undefined;
    getDependenciesList(): string[];
    getObject(): unknown;
}

/** The program is imported once, after the mocks are set; its default export runs once per plan. */
function loadProgram(): () => Promise<Record<string, unknown>> {
    if (!programCache) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require("../../index");
        programCache = (typeof mod === "function" ? mod : mod.default) as () => Promise<Record<string, unknown>>;
    }
    return programCache;
}

function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** A plan's ConfigMaps as the cluster would hold them once deployed, by `namespace/name` (ConfigMap.get's ID). */
function configMapsOf(plan: Plan): Map<string, Record<string, unknown>> {
    const found = new Map<string, Record<string, unknown>>();
    for (const r of plan.resources.filter((x) => x.type === "kubernetes:core/v1:ConfigMap")) {
        const inputs = r.revealedInputs as { metadata?: { name?: string; namespace?: string } };
        if (inputs.metadata?.name)
            found.set(`${inputs.metadata.namespace ?? "default"}/${inputs.metadata.name}`, asDeployedOutputs(inputs));
    }
    return found;
}

/**
 * A referenced stack has been deployed, so all its outputs are known: an unknown anywhere would make the whole
 * StackReference `outputs` unknown in a dry run. Unknowns become the COMPUTED marker; secrets stay secrets.
 */
function asDeployedOutputs(value: unknown): Record<string, unknown> {
    const known = (v: unknown): unknown => {
        if (v === unknownOutputValue) return COMPUTED;
        if (rpc.isRpcSecret(v))
            return { [rpc.specialSigKey]: rpc.specialSecretSig, value: known(rpc.unwrapRpcSecret(v)) };
        if (Array.isArray(v)) return v.map(known);
        if (v && typeof v === "object" && !pulumi.Resource.isInstance(v))
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, known(x)]));
        return v;
    };
    return known(value) as Record<string, unknown>;
}

/**
 * Resolves the Outputs of each stack output; secrets stay wrapped as RPC secrets so that `mask` can find them.
 * Each key is resolved on its own because one secret inside an object makes the whole object secret.
 */
async function resolveDeep(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs ?? {})) {
        const serialized = await rpc.serializeProperty(`plan-output-${key}`, value, new Set(), {});
        resolved[key] = rpc.deserializeProperty(serialized, true);
    }
    return resolved;
}

function mask(value: unknown): unknown {
    if (value === unknownOutputValue) return COMPUTED;
    if (rpc.isRpcSecret(value)) return SECRET;
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === "object") {
        if (isResourceReference(value)) return (value as { urn: string }).urn;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    }
    return value;
}

function reveal(value: unknown): unknown {
    if (value === unknownOutputValue) return COMPUTED;
    if (rpc.isRpcSecret(value)) return reveal(rpc.unwrapRpcSecret(value));
    if (Array.isArray(value)) return value.map(reveal);
    if (value && typeof value === "object") {
        if (isResourceReference(value)) return (value as { urn: string }).urn;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

/** Every string inside a value. */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(stringsIn);
    if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
    return [];
}

/**
 * A value as the written plan shows it: every string that holds a value the mocks made up becomes `[computed]`, since
 * `pulumi preview` knows neither the made-up value nor anything built from it.
 */
export function withComputed(value: unknown, mockedValues: readonly string[]): unknown {
    if (mockedValues.length === 0) return value;
    // A made-up value counts only as a whole token: "airflow-id" is in "x/airflow-id" but not in "airflow-identity".
    const escaped = [...mockedValues]
        .sort((a, b) => b.length - a.length)
        .map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const holdsMocked = new RegExp(`(^|[^A-Za-z0-9_-])(${escaped.join("|")})($|[^A-Za-z0-9_-])`);
    const replace = (v: unknown): unknown => {
        if (typeof v === "string") return holdsMocked.test(v) ? COMPUTED : v;
        if (Array.isArray(v)) return v.map(replace);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
        return v;
    };
    return replace(value);
}

function isResourceReference(value: object): boolean {
    return pulumi.Resource.isInstance(value);
}

function aliasSpecsOf(req: RegisterRequest): AliasSpec[] {
    const r = req as unknown as {
        getAliasesList?(): {
            getUrn(): string;
            getSpec():
                { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
        }[];
        getAliasurnsList?(): string[];
    };
    const specs: AliasSpec[] = (r.getAliasurnsList?.() ?? []).map((urn) => ({ urn }));
    for (const alias of r.getAliasesList?.() ?? []) {
        const spec = alias.getSpec();
        if (!spec) specs.push({ urn: alias.getUrn() });
        else
            specs.push({
                name: spec.getName() || undefined,
                type: spec.getType() || undefined,
                parentUrn: spec.getParenturn() || undefined,
                noParent: spec.getNoparent() || undefined,
            });
    }
    return specs;
}

/** The URN an alias names, built as the engine builds it: `urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`. */
function aliasUrn(r: Registration, alias: AliasSpec, stack: string): string {
    if (alias.urn) return alias.urn;
    const parentUrn = alias.noParent ? "" : (alias.parentUrn ?? r.parentUrn);
    const parentTypes = parentUrn ? parentUrn.split("::")[2] : "";
    const type = alias.type ?? r.type;
    const chain = parentTypes && parentTypes !== "pulumi:pulumi:Stack" ? `${parentTypes}$${type}` : type;
    return `urn:pulumi:${stack}::${PROJECT}::${chain}::${alias.name ?? r.name}`;
}
