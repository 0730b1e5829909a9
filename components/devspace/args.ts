/**
 * What the devspace components read: a devspace's entry (name, owner, expiry, quota) as the dev stack lists it, the
 * frame's Args, and what a devspace stack declares about itself. Plain types: stacks/config's schema produces them
 * (its inferred types must stay assignable), stacks/args/devspace.ts maps the stack config onto them.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PoolPlacements } from "../cluster/types";
import { type DefaultsOf, frozen } from "../defaults";
import { parseCpu, parseMemory } from "../quantities";
import type { ArgsIssue } from "../validation";
import { DEFAULT_CONTAINER_LIMIT } from "./limits";

/** The developer's identity per cloud; the one of the dev cluster's cloud must be set. */
export interface DevspaceOwner {
    /** GKE: the developer's Google account (GKE's RBAC user name). @default none */
    gcp?: string;
    /** EKS: the developer's IAM role or user ARN (an access entry maps it to the devspace's group). @default none */
    aws?: string;
}

/** The namespace's ResourceQuota: requests (the limits are a multiple, see `LIMIT_FACTOR`). Kubernetes quantities. */
export interface DevspaceQuota {
    /** `requests.cpu`. @default "2" */
    cpu: string;
    /** `requests.memory`. @default "4Gi" */
    memory: string;
    /** `requests.storage`: all volume claims together. @default "20Gi" */
    storage: string;
    /** `requests.ephemeral-storage`. @default "10Gi" */
    ephemeralStorage: string;
}

/**
 * Every default of the DevspaceFrame: the quota of a devspace that names none (a small Airflow with one Celery worker
 * fits, docs/lifecycle.md) and what the frame waits for. `withDevspaceFrameDefaults` reads it, and so do the config
 * schema's defaults of `devspaces[].quota` (stacks/config/schema.ts).
 */
export const DEVSPACE_FRAME_DEFAULTS = frozen({
    entry: { quota: { cpu: "2", memory: "4Gi", storage: "20Gi", ephemeralStorage: "10Gi" } },
    dependsOn: [],
} as const satisfies DefaultsOf<ResolvedDevspaceFrameArgs>);

/** One developer's devspace as the dev stack lists it (`devspaces[]`). */
export interface DevspaceEntry {
    /** A DNS label of at most 32 characters; the namespace is `devspace-<name>`. */
    name: string;
    owner: DevspaceOwner;
    /** Last day (YYYY-MM-DD, UTC) the devspace stack may deploy. */
    expires: string;
    /** The namespace's quota. */
    quota: DevspaceQuota;
}

/** What a devspace stack says about itself (`devspace.*`): checked against the dev stack's list before it deploys. */
export interface DevspaceAccessRequest {
    /** The devspace's name in the dev stack's list. */
    developer: string;
    /** Who deploys it: must be the owner the dev stack lists. */
    owner: string;
    /** The dev stack, for the messages. */
    baseStack: string;
}

/**
 * The dev cluster's facts a devspace's Airflow needs, none of them secret: the devspace stack reads them from the
 * frame ConfigMap with its own namespaced credentials, so it needs no access to the dev stack's state.
 */
export interface DevspaceClusterFacts {
    clusterName: string;
    placement: PoolPlacements;
    sharedStorageClassName: string;
    /** Empty: the cluster's default class. */
    blockStorageClassName: string;
    /** Set when the dev stack runs the shared Prometheus (and so its CRDs). */
    monitoringNamespace?: string;
    /** Set when the dev stack installed KEDA (and so the ScaledObject CRD). */
    kedaNamespace?: string;
}

/** A port a network policy admits traffic to. */
export interface DevspacePort {
    /** `TCP`, `UDP` or `SCTP`. */
    readonly protocol: string;
    readonly port: number;
}

/**
 * The pods of the Airflow release a devspace runs that its network policies admit another namespace to, declared as
 * the policies read them: facts the Airflow component states (stacks/ passes them).
 */
export interface DevspaceAirflowPods {
    /** The statsd-exporter's pods and their metrics port: the shared Prometheus scrapes it. */
    readonly statsdExporter: { readonly podLabels: Readonly<Record<string, string>>; readonly port: DevspacePort };
    /** The bundled Postgres' pods and port: the shared KEDA operator runs the Celery ScaledObject's query there. */
    readonly database: { readonly podLabels: Readonly<Record<string, string>>; readonly port: DevspacePort };
}

/** The shared KEDA whose operator a devspace admits to its Postgres: the KEDA component's namespace and pod labels. */
export interface DevspaceKedaOperator {
    readonly namespace: string;
    /** The operator pods' labels (the KEDA component's `KEDA_OPERATOR_POD_LABELS`). */
    readonly podLabels: Readonly<Record<string, string>>;
}

/** One devspace's frame in the dev stack: its namespace, RBAC, quota, limits and network policies. */
export interface DevspaceFrameArgs {
    /** The devspace's entry of the dev stack's list; `quota` defaults field by field (`DevspaceQuota`'s `@default`s). */
    entry: Omit<DevspaceEntry, "quota"> & { quota?: Partial<DevspaceQuota> };
    /** Provider of the shared cluster. */
    provider: k8s.Provider;
    /**
     * Namespace of the shared Prometheus, admitted to the statsd-exporter's metrics port (a devspace routing rule
     * stacks/ wires). @default none: no shared Prometheus is admitted
     */
    monitoringNamespace?: string;
    /**
     * The shared KEDA, whose operator is admitted to the bundled Postgres for the Celery query (a devspace routing rule
     * stacks/ wires). @default none: KEDA is not admitted
     */
    keda?: DevspaceKedaOperator;
    /** The pods of the devspace's Airflow the routing rules above admit to, and their ports. */
    airflowPods: DevspaceAirflowPods;
    /** The cluster's facts the devspace stack reads from the frame ConfigMap (with the two namespaces above). */
    cluster: {
        [K in Exclude<keyof DevspaceClusterFacts, "monitoringNamespace" | "kedaNamespace">]: pulumi.Input<
            DevspaceClusterFacts[K]
        >;
    };
    /** Resources the frame waits for (the cluster's node pools). @default [] */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** `DevspaceFrameArgs` with every default applied. */
export interface ResolvedDevspaceFrameArgs extends Omit<DevspaceFrameArgs, "entry" | "dependsOn"> {
    entry: DevspaceEntry;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Pure: `DevspaceFrameArgs` with every default applied. */
export function withDevspaceFrameDefaults(args: DevspaceFrameArgs): ResolvedDevspaceFrameArgs {
    return {
        ...args,
        entry: { ...args.entry, quota: { ...DEVSPACE_FRAME_DEFAULTS.entry.quota, ...args.entry.quota } },
        dependsOn: args.dependsOn ?? [...DEVSPACE_FRAME_DEFAULTS.dependsOn],
    };
}

/** A devspace's name: a DNS label of at most 32 characters (its namespace `devspace-<name>` and stack name follow). */
const DEVSPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** A quantity parsed, or undefined when it is not one. */
function quantity(parse: (q: unknown) => number, value: string): number | undefined {
    try {
        return parse(value);
    } catch {
        return undefined;
    }
}

/**
 * The DevspaceFrame's refusals: a name that cannot be a namespace, an owner with no identity (the RoleBinding would
 * bind nobody), an expiry that is not a date, and a quota that is not a quantity or is below the LimitRange's default
 * container limit, which Kubernetes refuses ("default value … is greater than max value", ValidateLimitRange in
 * kubernetes/pkg/apis/core/validation/validation.go), so the frame could not be created.
 */
export function checkDevspaceFrameArgs(args: Pick<DevspaceFrameArgs, "entry">): ArgsIssue[] {
    const { entry } = args;
    const issues: ArgsIssue[] = [];
    if (!DEVSPACE_NAME.test(entry.name))
        issues.push({
            path: "name",
            message: `"${entry.name}" is not a DNS label of at most 32 characters (lower-case letters, digits, dashes)`,
        });
    if (!entry.owner.gcp && !entry.owner.aws)
        issues.push({
            path: "owner",
            message: "names no identity: gcp (a Google account) or aws (an IAM ARN), or nobody may deploy into it",
        });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.expires) || Number.isNaN(Date.parse(entry.expires)))
        issues.push({ path: "expires", message: `"${entry.expires}" is not a date YYYY-MM-DD` });
    const quota = { ...DEVSPACE_FRAME_DEFAULTS.entry.quota, ...entry.quota };
    const floors = {
        cpu: { parse: parseCpu, min: DEFAULT_CONTAINER_LIMIT.cpu },
        memory: { parse: parseMemory, min: DEFAULT_CONTAINER_LIMIT.memory },
        storage: { parse: parseMemory, min: undefined },
        ephemeralStorage: { parse: parseMemory, min: undefined },
    } as const;
    for (const key of Object.keys(floors) as (keyof DevspaceQuota)[]) {
        const { parse, min } = floors[key];
        const value = quantity(parse, quota[key]);
        if (value === undefined) issues.push({ path: `quota.${key}`, message: `"${quota[key]}" is not a quantity` });
        else if (min !== undefined && value < parse(min))
            issues.push({
                path: `quota.${key}`,
                message:
                    `must be at least ${min}: it is the LimitRange's max per container, and Kubernetes refuses a ` +
                    `LimitRange whose default container limit (${min}) is above its max`,
            });
    }
    return issues;
}
