/** Loading: read the Pulumi config, validate it against the schema and the cross-checks, resolve every default. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { instanceShape } from "../../components/cluster/eks/instance-types";
import { checkAirflowArgs } from "../../components/airflow/checks";
import { airflowSettings, reportAirflowIssues } from "../args/airflow";
import { clusterConfigIssues } from "../args/cluster";
import { devspaceFrameConfigIssues } from "../args/devspace";
import { exposureConfigIssues } from "../args/exposure";
import { ingressConfigIssues } from "../args/ingress";
import { checkObservabilityConfig } from "../args/observability";
import { checkAirflow, checkClusterLayer, checkDelivery, checkDevspace, checkDevspaceFrames } from "./checks";
import {
    AIRFLOW_DEFAULTS,
    type AirflowComponent,
    airflowSizing,
    workerConcurrencyFor,
} from "../../components/airflow/args";
import { DEFAULT_NODE_POOLS, DEFAULT_NODE_POOL_SIZES, DEVSPACE_AIRFLOW_DEFAULTS } from "./defaults";
import packageJson from "../../package.json";
import { ConfigError, ConfigIssue, describeIssue, describeZodIssue, didYouMean, fullKey } from "./errors";
import { checkIgnoredKeys } from "./ignored";
import { checkBaseStack, checkRegions } from "./references";
import type { ResolvedAirflowConfig, StackConfig } from "./resolved";
import {
    AirflowConfig,
    AlertmanagerReceivers,
    Cloud,
    NodePoolConfig,
    PROJECT,
    RawStackConfig,
    SECRET_KEYS,
    alertmanagerReceiversSchema,
    poolSchema,
    stackConfigSchema,
} from "./schema";

/** Reads `airflow-platform:*` from the Pulumi config into one raw object; JSON object and array values are parsed. */
function readRawConfig(all: Record<string, string>): {
    raw: Record<string, unknown>;
    secretValues: Record<string, string>;
} {
    const raw: Record<string, unknown> = {};
    const secretValues: Record<string, string> = {};
    for (const [fullName, text] of Object.entries(all)) {
        // Other namespaces stay whole: parseStackConfig tells a provider's key from a misspelt project name.
        if (!fullName.startsWith(`${PROJECT}:`)) {
            raw[fullName] = text;
            continue;
        }
        const key = fullName.slice(PROJECT.length + 1);
        if (key in SECRET_KEYS) {
            secretValues[key] = text;
            continue;
        }
        raw[key] = parseScalarOrJson(text);
    }
    return { raw, secretValues };
}

function parseScalarOrJson(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return text;
        }
    }
    if (trimmed === "true" || trimmed === "false") return trimmed === "true";
    return text;
}

/**
 * Validates a raw config object (as read from `Pulumi.<stack>.yaml`) and resolves every default. Pure: no Pulumi
 * runtime needed, so tests and the offline plan call it directly. `secretKeysSet` names the secret keys present.
 */
export function parseStackConfig(
    stack: string,
    raw: Record<string, unknown>,
    secretValues: Record<string, string> = {},
    plainTextKeys: string[] = [],
): StackConfig {
    const issues: ConfigIssue[] = [];
    const warnings: ConfigIssue[] = [];
    for (const key of plainTextKeys) {
        issues.push({ key: `${PROJECT}:${key}`, message: "is a secret: set it with `pulumi config set --secret`" });
    }
    const own: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        if (!key.includes(":")) own[key] = value;
        else checkNamespace(key, issues);
    }
    // Every schema error in one run: drop what is invalid, parse again (defaults fill the gaps), and cross-check the rest.
    const { parsed, schemaIssues } = parseAll(own);
    issues.push(...schemaIssues);
    if (!parsed) throw new ConfigError(stack, issues);
    let receivers: AlertmanagerReceivers | undefined;
    if (secretValues.alertmanagerReceivers !== undefined) {
        let json: unknown;
        try {
            json = JSON.parse(secretValues.alertmanagerReceivers);
        } catch {
            issues.push({ key: `${PROJECT}:alertmanagerReceivers`, message: "must be a JSON object" });
        }
        const r = alertmanagerReceiversSchema.safeParse(json);
        // Never echo a secret's value in an error.
        if (json !== undefined && !r.success) {
            issues.push(
                ...r.error.issues.map((i) => ({
                    key: fullKey(["alertmanagerReceivers", ...i.path]),
                    message: i.code === "unrecognized_keys" ? `unknown key(s) ${i.keys.join(", ")}` : i.message,
                })),
            );
        } else if (r.success) receivers = r.data;
    }
    const givenAirflow = own.airflow;
    const givenNamespace =
        typeof givenAirflow === "object" && givenAirflow !== null
            ? (givenAirflow as Record<string, unknown>).namespace
            : undefined;
    const crossChecks: ConfigIssue[] = [];
    const resolved = resolve(stack, parsed, secretValues, receivers, givenNamespace, crossChecks);
    const problem = (path: PropertyKey[], message: string, value?: unknown) =>
        crossChecks.push({ key: fullKey(path), message, value });
    const warn = (path: PropertyKey[], message: string, value?: unknown) =>
        warnings.push({ key: fullKey(path), message, value });
    checkIgnoredKeys(
        { raw: own, cloud: resolved.cloud, databaseMode: resolved.database.mode, airflow: resolved.airflow },
        problem,
        warn,
    );
    checkRegions(parsed, problem, warn);
    checkBaseStack(parsed, problem);
    // The components' own refusals of the Args this config maps to (components/*/args.ts), under their config keys.
    const componentIssues = [
        ...exposureConfigIssues(resolved),
        ...ingressConfigIssues(resolved),
        ...devspaceFrameConfigIssues(resolved),
        ...clusterConfigIssues(resolved),
    ];
    // A component refusing a key a cross-check already named would say the same thing twice.
    crossChecks.push(...componentIssues.filter((i) => !crossChecks.some((c) => relatedKeys(c.key, i.key))));
    checkObservabilityConfig(resolved, problem);
    // A cross-check about a key the schema refused (or its section) would only repeat the schema's error.
    const refused = schemaIssues.map((i) => i.key);
    issues.push(...crossChecks.filter((i) => !refused.some((k) => relatedKeys(i.key, k))));
    if (issues.length > 0) throw new ConfigError(stack, issues);
    return { ...resolved, warnings };
}

/** Namespaces other than the project's that a stack may set: Pulumi's own and the providers this program uses. */
export const PROVIDER_NAMESPACES: readonly string[] = [
    ...new Set(
        Object.keys(packageJson.dependencies)
            .filter((d) => d.startsWith("@pulumi/"))
            .map((d) => d.slice("@pulumi/".length)),
    ),
];

/** A key of another namespace: a provider's is fine; a near miss of the project's would drop a whole section silently. */
function checkNamespace(fullName: string, issues: ConfigIssue[]) {
    const namespace = fullName.slice(0, fullName.indexOf(":"));
    if (PROVIDER_NAMESPACES.includes(namespace)) return;
    const suggestion = didYouMean(namespace, [PROJECT, ...PROVIDER_NAMESPACES]);
    issues.push({
        key: fullName,
        message:
            `unknown config namespace "${namespace}"${suggestion ? `; did you mean ${suggestion}:${fullName.slice(namespace.length + 1)}?` : ""} ` +
            `This program reads ${PROJECT}:* and the providers read ${PROVIDER_NAMESPACES.join(", ")}`,
    });
}

/** Whether two keys are the same, or one is inside the other. */
function relatedKeys(a: string, b: string): boolean {
    return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}[`);
}

/** Removes the value at a path; returns false when there is nothing there. */
function removeAt(target: Record<string, unknown>, path: readonly PropertyKey[]): boolean {
    let node: unknown = target;
    for (const part of path.slice(0, -1)) {
        if (!node || typeof node !== "object") return false;
        node = (node as Record<PropertyKey, unknown>)[part];
    }
    const last = path[path.length - 1];
    if (!node || typeof node !== "object" || !(last in (node as object))) return false;
    if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
    else delete (node as Record<PropertyKey, unknown>)[last];
    return true;
}

/**
 * Parses the config, and on schema errors removes each refused value (or the object missing a required key) and
 * parses again, so that one run reports every schema error and still cross-checks what remains.
 */
function parseAll(own: Record<string, unknown>): { parsed?: RawStackConfig; schemaIssues: ConfigIssue[] } {
    const candidate = structuredClone(own);
    const schemaIssues: ConfigIssue[] = [];
    for (let round = 0; round < 50; round++) {
        const result = stackConfigSchema.safeParse(candidate, { reportInput: true });
        if (result.success) return { parsed: result.data, schemaIssues };
        let removed = false;
        const earlier = schemaIssues.map((i) => i.key);
        for (const issue of result.error.issues) {
            // A later round's complaint about a key already refused (now missing) repeats the first one.
            for (const described of describeZodIssue(issue))
                if (!earlier.some((k) => relatedKeys(k, described.key))) schemaIssues.push(described);
            const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
            for (const path of paths)
                for (let p = path; p.length > 0; p = p.slice(0, -1))
                    if (removeAt(candidate, p)) {
                        removed = true;
                        break;
                    }
        }
        if (!removed) break;
    }
    return { schemaIssues };
}

function resolve(
    stack: string,
    c: RawStackConfig,
    secretValues: Record<string, string>,
    receivers: AlertmanagerReceivers | undefined,
    /** `airflow.namespace` as the stack file has it, before the schema's default. */
    givenAirflowNamespace: unknown,
    issues: ConfigIssue[],
): Omit<StackConfig, "warnings"> {
    const problem = (path: PropertyKey[], message: string, value?: unknown) =>
        issues.push({ key: fullKey(path), message, value });
    const production = c.environment === "prod";

    // Which stack shape this is.
    if (c.stackKind === "devspace" && !c.devspace) problem(["devspace"], "is required when stackKind is devspace");
    if (c.stackKind === "platform" && c.devspace) problem(["devspace"], "is only for stackKind devspace");
    const cloud: Cloud = c.cloud ?? (c.stackKind === "devspace" ? "existing" : "gke");
    if (!c.cloud && c.stackKind === "platform") problem(["cloud"], "is required: one of gke, eks, existing");
    if (c.stackKind === "devspace" && c.devspace) checkDevspace(c, givenAirflowNamespace, problem);
    if (c.stackKind === "platform") checkDevspaceFrames(c, cloud, problem);
    checkDelivery(c, cloud, problem);

    // Each cloud needs its own section.
    if (c.stackKind === "platform") {
        if (cloud === "gke" && !c.gcp) problem(["gcp"], "is required when cloud is gke (gcp.project and gcp.region)");
        if (cloud === "eks" && !c.aws) problem(["aws"], "is required when cloud is eks (aws.region)");
        if (cloud === "existing") {
            if (!c.existing)
                problem(["existing"], "is required when cloud is existing (sharedStorageClassName, placement)");
            else if (!c.existing.context && secretValues.existingKubeconfig === undefined)
                problem(
                    ["existing", "context"],
                    "set existing.context or the secret existingKubeconfig to reach the cluster",
                );
        }
        if (cloud !== "gke" && c.gcp) problem(["gcp"], `is only used with cloud gke, not ${cloud}`);
        if (cloud !== "eks" && c.aws) problem(["aws"], `is only used with cloud eks, not ${cloud}`);
        if (cloud !== "existing" && c.existing) problem(["existing"], `is only used with cloud existing, not ${cloud}`);
    }

    // Node pools: cloud defaults, then range checks.
    const defaults = cloud === "eks" ? DEFAULT_NODE_POOLS.eks : DEFAULT_NODE_POOLS.gke;
    const pools = {
        onDemand: withDefaultTypes(c.nodePools?.onDemand, defaults.onDemand, DEFAULT_NODE_POOL_SIZES.onDemand),
        spot: withDefaultTypes(c.nodePools?.spot, defaults.spot, DEFAULT_NODE_POOL_SIZES.spot),
    };
    const spotTypes = pools.spot.machineTypes;
    const fallbackPool = withDefaultTypes(
        c.nodePools?.fallback,
        cloud === "eks"
            ? spotTypes.filter((t) => instanceShape(t) === instanceShape(spotTypes[0]))
            : spotTypes.slice(0, 1),
        { ...DEFAULT_NODE_POOL_SIZES.fallback, maxNodes: pools.spot.maxNodes },
    );
    const allPools = { ...pools, fallback: fallbackPool };
    // An empty list given in the file would be replaced by the defaults above; the cluster component refuses the rest.
    for (const pool of ["onDemand", "spot", "fallback"] as const)
        if (c.nodePools?.[pool]?.machineTypes?.length === 0)
            problem(["nodePools", pool, "machineTypes"], "must list at least one machine or instance type", []);

    // Database.
    const databaseMode = c.database.mode ?? (production && cloud !== "existing" ? "managed" : "bundled");
    if (databaseMode === "managed" && cloud === "existing")
        problem(["database", "mode"], "managed needs cloud gke or eks; use bundled on an existing cluster", "managed");

    checkClusterLayer(c, cloud, problem);

    // Airflow.
    const airflowRaw = c.airflow;
    if (!airflowRaw) problem(["airflow"], "is required (at least airflow.dags.repo)");
    const airflow = airflowRaw
        ? resolveAirflow(airflowRaw, production, c.stackKind === "devspace")
        : (undefined as unknown as ResolvedAirflowConfig);
    if (airflowRaw) {
        // The chart's and the component's own refusals, by the config key that set each Args path. The secrets are
        // plain strings here; checkAirflow reports the missing ones, so the Args are built with stand-ins.
        const checkedSecrets = {
            dagsGitSshKey: secretValues.dagsGitSshKey ?? "",
            dagsGitToken: secretValues.dagsGitToken ?? "",
        };
        const settings = airflowSettings({
            airflow,
            production,
            monitoring: c.monitoring,
            images: c.images,
            secrets: checkedSecrets,
        });
        reportAirflowIssues(checkAirflowArgs(settings), airflow, problem);
        checkAirflow(airflow, cloud, secretValues, problem);
        // Chart 1.20 renders the pod template from `workers.resources`; with Celery in the mix the workers' size wins.
        if (airflowRaw.resources.kubernetesTask && airflow.executor !== "kubernetes")
            problem(
                ["airflow", "resources", "kubernetesTask"],
                `applies only with airflow.executor "kubernetes"; with "${airflow.executor}" task pods get resources.workers ` +
                    "(size single tasks with executor_config pod_override)",
            );
    }

    // Exposure.
    if (c.exposure.enabled && !c.exposure.host)
        problem(
            ["exposure", "host"],
            "is required when exposure is enabled: Airflow's base_url and Grafana's root_url need an absolute URL",
        );
    // A public load balancer without TLS is the drivers' refusal (stacks/args/ingress.ts, run by parseStackConfig).
    if (c.exposure.enabled && c.exposure.public && cloud === "existing")
        problem(["exposure", "public"], "is not supported on an existing cluster; expose it there", true);
    if (c.exposure.enabled && c.exposure.tls.secretName && (cloud !== "gke" || c.exposure.public))
        problem(
            ["exposure", "tls", "secretName"],
            cloud === "gke"
                ? "is for the internal Gateway; a public one uses the Google-managed certificate"
                : "is for GKE",
            c.exposure.tls.secretName,
        );
    if (c.exposure.enabled && cloud !== "eks" && c.exposure.tls.certificateArn)
        problem(
            ["exposure", "tls", "certificateArn"],
            `is for EKS; ${cloud === "gke" ? "GKE uses a Google-managed certificate" : "an existing cluster's controller holds its own"}`,
        );
    const certificateRegion = c.exposure.tls.certificateArn?.split(":")[3];
    if (c.exposure.enabled && cloud === "eks" && c.aws && certificateRegion && certificateRegion !== c.aws.region)
        problem(
            ["exposure", "tls", "certificateArn"],
            `must be an ACM certificate in aws.region (${c.aws.region}): an ALB only uses certificates of its own region`,
            c.exposure.tls.certificateArn,
        );

    return {
        stack,
        stackKind: c.stackKind,
        environment: c.environment,
        production,
        cloud,
        clusterName: c.clusterName ?? `airflow-${stack}`.slice(0, 40).replace(/-+$/, ""),
        kubernetesVersion: c.kubernetesVersion,
        controlPlane: c.controlPlane,
        deletionProtection: c.deletionProtection ?? production,
        gcp: c.gcp,
        aws: c.aws,
        existing: c.existing,
        nodePools: allPools,
        database: { ...c.database, mode: databaseMode },
        airflow,
        monitoring: c.monitoring,
        exposure: c.exposure,
        devspace: c.devspace,
        devspaces: c.devspaces,
        delivery: c.delivery,
        images: c.images,
        secrets: {
            dagsGitSshKey: secretOutput(secretValues.dagsGitSshKey),
            dagsGitToken: secretOutput(secretValues.dagsGitToken),
            existingKubeconfig: secretOutput(secretValues.existingKubeconfig),
            alertmanagerReceivers: receivers ? pulumi.secret(receivers) : undefined,
        },
    };
}

function secretOutput(value: string | undefined): pulumi.Output<string> | undefined {
    return value === undefined ? undefined : pulumi.secret(value);
}

function withDefaultTypes(
    pool: z.infer<typeof poolSchema> | undefined,
    machineTypes: string[],
    bounds: { minNodes: number; maxNodes: number },
): NodePoolConfig {
    return {
        machineTypes: pool?.machineTypes?.length ? pool.machineTypes : machineTypes,
        minNodes: pool?.minNodes ?? bounds.minNodes,
        maxNodes: pool?.maxNodes ?? bounds.maxNodes,
        diskSizeGb: pool?.diskSizeGb ?? DEFAULT_NODE_POOL_SIZES.diskSizeGb,
    };
}

function resolveAirflow(a: AirflowConfig, production: boolean, devspace: boolean): ResolvedAirflowConfig {
    // The component's own defaults (components/airflow/args.ts), so that the config and the component agree.
    const sizing = airflowSizing(production);
    const resources = { ...sizing.resources };
    for (const [name, value] of Object.entries(a.resources)) {
        if (value) resources[name as AirflowComponent] = value;
    }
    const autoscaling = a.workers.autoscaling;
    return {
        ...a,
        resources,
        apiServerReplicas: a.apiServerReplicas ?? sizing.replicas,
        schedulerReplicas: a.schedulerReplicas ?? sizing.replicas,
        triggererReplicas: a.triggererReplicas ?? sizing.replicas,
        dagProcessorReplicas: a.dagProcessorReplicas ?? sizing.replicas,
        databaseCleanup: {
            ...a.databaseCleanup,
            enabled:
                a.databaseCleanup.enabled ??
                (devspace ? DEVSPACE_AIRFLOW_DEFAULTS.databaseCleanup : AIRFLOW_DEFAULTS.databaseCleanup.enabled),
        },
        workers: {
            ...a.workers,
            concurrency:
                a.workers.concurrency ?? workerConcurrencyFor(resources.workers.memory, a.workers.memoryPerTask),
            autoscaling: {
                ...autoscaling,
                minReplicas: autoscaling.minReplicas ?? sizing.minWorkers,
                maxReplicas:
                    autoscaling.maxReplicas ??
                    (devspace && !production ? DEVSPACE_AIRFLOW_DEFAULTS.maxWorkers : sizing.maxWorkers),
            },
        },
        majorVersion: Number(a.version.split(".")[0]) >= 3 ? 3 : 2,
    };
}

/**
 * Loads and validates the current stack's config from the Pulumi runtime. Throws `ConfigError` (and registers
 * nothing) when the config cannot be deployed.
 */
export function loadStackConfig(): StackConfig {
    const stack = pulumi.getStack();
    const { raw, secretValues } = readRawConfig(pulumi.runtime.allConfig());
    const plainTextSecrets = Object.keys(secretValues).filter(
        (k) => !(pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(`${PROJECT}:${k}`),
    );
    const config = parseStackConfig(stack, raw, secretValues, plainTextSecrets);
    for (const w of config.warnings) pulumi.log.warn(`config${describeIssue(w, false).replace(/^\s+-/, "")}`);
    return config;
}
