/**
 * The frame of a developer's devspace, owned by the dev stack: the namespace, RBAC that lets the owner edit that
 * namespace only, a ResourceQuota and LimitRange, and default-deny network policies that admit only what Airflow and
 * the shared Prometheus need. The developer's own stack (stacks/devspace.ts) deploys into it and owns none of it.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../quantities";
import type { PoolPlacements } from "../cluster/types";
import { refuseArgs } from "../validation";
import {
    DevspaceAirflowPods,
    DevspaceClusterFacts,
    DevspaceEntry,
    DevspaceFrameArgs,
    DevspaceKedaOperator,
    DevspaceOwner,
    DevspaceQuota,
    checkDevspaceFrameArgs,
    withDevspaceFrameDefaults,
} from "./args";
import { DEFAULT_CONTAINER_LIMIT, DEFAULT_CONTAINER_REQUEST, LIMIT_FACTOR, LIMIT_REQUEST_RATIO } from "./limits";
import { devspaceGroup, devspaceNamespace } from "./namespace";

/** Labels on every object of a devspace's frame: the shared Grafana's `namespace` filter lists it, operators find them. */
export function devspaceLabels(developer: string): Record<string, string> {
    return { "app.kubernetes.io/part-of": "airflow-platform", "airflow-platform/devspace": developer };
}

type Quota = DevspaceQuota;

/** The ResourceQuota: requests and limits, storage, ephemeral storage, and object counts, so one devspace cannot flood the cluster. */
export function resourceQuotaSpec(quota: Quota) {
    return {
        hard: {
            "requests.cpu": quota.cpu,
            "limits.cpu": formatCpu(parseCpu(quota.cpu) * LIMIT_FACTOR.cpu),
            "requests.memory": quota.memory,
            "limits.memory": formatMemory(parseMemory(quota.memory) * LIMIT_FACTOR.memory),
            "requests.storage": quota.storage,
            "requests.ephemeral-storage": quota.ephemeralStorage,
            "limits.ephemeral-storage": formatMemory(
                parseMemory(quota.ephemeralStorage) * LIMIT_FACTOR.ephemeralStorage,
            ),
            // No load balancers or node ports from a devspace: the shared cluster's addresses are not its to take.
            "services.loadbalancers": "0",
            "services.nodeports": "0",
            persistentvolumeclaims: "4",
            pods: "40",
            services: "20",
            secrets: "50",
            configmaps: "50",
            "count/jobs.batch": "50",
            "count/cronjobs.batch": "10",
            "count/deployments.apps": "20",
            "count/statefulsets.apps": "10",
        },
    };
}

/** The LimitRange: default requests and limits per container, bounded ratios, and no container above the whole quota. */
export function limitRangeSpec(quota: Quota): { limits: { type: string; [key: string]: unknown }[] } {
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: { ...DEFAULT_CONTAINER_REQUEST },
                default: { ...DEFAULT_CONTAINER_LIMIT },
                max: { cpu: quota.cpu, memory: quota.memory },
                maxLimitRequestRatio: { ...LIMIT_REQUEST_RATIO },
            },
            { type: "PersistentVolumeClaim", max: { storage: quota.storage } },
        ],
    };
}

const ALL = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const READ = ["get", "list", "watch"];

/**
 * What a devspace's owner may do in its namespace: everything the Airflow chart and `pulumi up` create there (Helm keeps
 * its release in Secrets; the chart binds its pod launcher Role), and only read its quota, limits and network policies.
 * Nothing cluster-wide: no Namespace, no ClusterRole, no node, no other namespace.
 */
export function devspaceRoleRules() {
    return [
        {
            apiGroups: [""],
            resources: [
                "pods",
                "pods/log",
                "pods/exec",
                "pods/portforward",
                "services",
                "endpoints",
                "configmaps",
                "secrets",
                "serviceaccounts",
                "persistentvolumeclaims",
            ],
            verbs: ALL,
        },
        { apiGroups: [""], resources: ["events", "resourcequotas", "limitranges"], verbs: READ },
        { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "replicasets"], verbs: ALL },
        { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ALL },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ALL },
        // The chart's pod launcher Role and its binding; Kubernetes refuses a Role granting more than this one holds.
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ALL },
        // The ServiceMonitor of the devspace's statsd-exporter; the shared Prometheus pins its series to this namespace.
        {
            apiGroups: ["monitoring.coreos.com"],
            resources: ["servicemonitors", "podmonitors", "prometheusrules"],
            verbs: ALL,
        },
        { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
    ];
}

/** The RBAC subjects of a devspace's owner: the Google account (GKE's user name) and the EKS access entry's group. */
export function devspaceSubjects(entry: Pick<DevspaceEntry, "name" | "owner">) {
    const subjects: { kind: string; name: string; apiGroup: string }[] = [];
    if (entry.owner.gcp) subjects.push({ kind: "User", name: entry.owner.gcp, apiGroup: "rbac.authorization.k8s.io" });
    if (entry.owner.aws)
        subjects.push({ kind: "Group", name: devspaceGroup(entry.name), apiGroup: "rbac.authorization.k8s.io" });
    return subjects;
}

const byName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });

/**
 * The devspace's network policies (all additive, so each says what it admits): nothing in or out by default; the
 * namespace's own pods talk to each other (scheduler, API server, Postgres, statsd); DNS to kube-dns; HTTPS and SSH
 * out (the Kubernetes API for KubernetesExecutor pods, git-sync to the DAG repository); and the shared Prometheus in,
 * to the statsd-exporter's metrics port only; and the shared KEDA operator in, to the bundled Postgres only (the Celery
 * ScaledObject's query). Another devspace's pods are never reachable. `airflow` says which pods and ports those two
 * reach.
 */
export function devspaceNetworkPolicies(
    airflow: DevspaceAirflowPods,
    monitoringNamespace: string | undefined,
    keda?: DevspaceKedaOperator,
) {
    const all = { podSelector: {} };
    const policies: { name: string; spec: k8sInput.networking.v1.NetworkPolicySpec }[] = [
        { name: "default-deny", spec: { ...all, policyTypes: ["Ingress", "Egress"] } },
        {
            name: "allow-same-namespace",
            spec: { ...all, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [all] }], egress: [{ to: [all] }] },
        },
        {
            name: "allow-dns",
            spec: {
                ...all,
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: byName("kube-system"),
                                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                            },
                        ],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        },
        {
            name: "allow-https-and-ssh-out",
            spec: {
                ...all,
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
                        ports: [
                            { protocol: "TCP", port: 443 },
                            { protocol: "TCP", port: 22 },
                        ],
                    },
                ],
            },
        },
    ];
    if (monitoringNamespace)
        policies.push({
            name: "allow-shared-prometheus",
            spec: {
                podSelector: { matchLabels: { ...airflow.statsdExporter.podLabels } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: byName(monitoringNamespace) }],
                        ports: [{ ...airflow.statsdExporter.port }],
                    },
                ],
            },
        });
    // The chart's trigger (workers/worker-kedaautoscaler.yaml) makes KEDA's operator, not a pod of the devspace, run the
    // query over AIRFLOW_CONN_AIRFLOW_DB; a devspace has no managed database, so no PgBouncer: straight to Postgres.
    if (keda)
        policies.push({
            name: "allow-keda-to-database",
            spec: {
                podSelector: { matchLabels: { ...airflow.database.podLabels } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            {
                                namespaceSelector: byName(keda.namespace),
                                podSelector: { matchLabels: { ...keda.podLabels } },
                            },
                        ],
                        ports: [{ ...airflow.database.port }],
                    },
                ],
            },
        });
    return policies;
}

/** What the dev stack exports about a devspace, for the devspace stack's checks (never secret). */
export interface DevspaceFrameOutput {
    name: string;
    namespace: string;
    owner: DevspaceOwner;
    expires: string;
    quota: Quota;
}

export const devspaceFrameOutput = (entry: DevspaceEntry): DevspaceFrameOutput => ({
    name: entry.name,
    namespace: devspaceNamespace(entry.name),
    owner: entry.owner,
    expires: entry.expires,
    quota: entry.quota,
});

/** The component's type token; `airflow-platform:index:DevspaceFrame` before issue 14 (aliased). */
export const DEVSPACE_FRAME_TYPE = "airflow-platform:devspace:DevspaceFrame";

/** One devspace's namespace, RBAC, quota, limit range and network policies, in the dev stack. */
export class DevspaceFrame extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;

    constructor(name: string, given: DevspaceFrameArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(): a refused frame registers nothing.
        refuseArgs("DevspaceFrame", checkDevspaceFrameArgs(given));
        super(
            DEVSPACE_FRAME_TYPE,
            name,
            {},
            {
                ...opts,
                aliases: [...(opts?.aliases ?? []), { type: "airflow-platform:index:DevspaceFrame" }],
            },
        );
        const args = withDevspaceFrameDefaults(given);
        const { entry } = args;
        const labels = devspaceLabels(entry.name);
        // The namespace records owner and expiry, for people reading the cluster and for the scheduled teardown.
        const annotations = {
            [DEVSPACE_OWNER_ANNOTATION]: entry.owner.gcp ?? entry.owner.aws ?? "",
            "airflow-platform/expires": entry.expires,
        };
        const k8sOpts = { parent: this, provider: args.provider };
        const namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: devspaceNamespace(entry.name), labels, annotations } },
            { ...k8sOpts, dependsOn: args.dependsOn },
        );
        this.namespace = namespace.metadata.name;
        const inNamespace = { ...k8sOpts, dependsOn: [namespace] };
        const meta = (objectName: string) => ({ name: objectName, namespace: this.namespace, labels });
        new k8s.core.v1.ResourceQuota(
            `${name}-quota`,
            { metadata: meta("devspace"), spec: resourceQuotaSpec(entry.quota) },
            inNamespace,
        );
        new k8s.core.v1.LimitRange(
            `${name}-limits`,
            { metadata: meta("devspace"), spec: limitRangeSpec(entry.quota) as k8sInput.core.v1.LimitRangeSpec },
            inNamespace,
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-owner`,
            { metadata: meta("devspace-owner"), rules: devspaceRoleRules() },
            inNamespace,
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-owner`,
            {
                metadata: meta("devspace-owner"),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: devspaceSubjects(entry),
            },
            inNamespace,
        );
        // What the devspace stack reads with its owner's namespaced credentials, instead of the dev stack's state.
        new k8s.core.v1.ConfigMap(
            `${name}-frame`,
            {
                metadata: { ...meta(DEVSPACE_FRAME_CONFIGMAP), annotations },
                data: devspaceFrameData(entry, {
                    ...args.cluster,
                    monitoringNamespace: args.monitoringNamespace,
                    kedaNamespace: args.keda?.namespace,
                }),
            },
            inNamespace,
        );
        for (const policy of devspaceNetworkPolicies(args.airflowPods, args.monitoringNamespace, args.keda))
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${policy.name}`,
                { metadata: meta(policy.name), spec: policy.spec },
                inNamespace,
            );
        this.registerOutputs({ namespace: this.namespace });
    }
}

/** The ConfigMap in each devspace's namespace that tells the devspace stack its frame; its owner's Role may read it. */
export const DEVSPACE_FRAME_CONFIGMAP = "devspace-frame";
/** The annotation naming a frame's owner (on the namespace and on the frame ConfigMap). */
export const DEVSPACE_OWNER_ANNOTATION = "airflow-platform/owner";

export type DevspaceFrameFacts = DevspaceFrameOutput & DevspaceClusterFacts;

/** Pure: the frame ConfigMap's data; objects are JSON, every value a plain fact of config or of the cluster. */
export function devspaceFrameData(
    entry: DevspaceEntry,
    facts: { [K in keyof DevspaceClusterFacts]: pulumi.Input<DevspaceClusterFacts[K]> },
): Record<string, pulumi.Input<string>> {
    const frame = devspaceFrameOutput(entry);
    return {
        name: frame.name,
        namespace: frame.namespace,
        owner: JSON.stringify(frame.owner),
        expires: frame.expires,
        quota: JSON.stringify(frame.quota),
        clusterName: facts.clusterName,
        placement: pulumi.output(facts.placement).apply((p) => JSON.stringify(p)),
        sharedStorageClassName: facts.sharedStorageClassName,
        blockStorageClassName: facts.blockStorageClassName,
        ...(facts.monitoringNamespace !== undefined ? { monitoringNamespace: facts.monitoringNamespace } : {}),
        ...(facts.kedaNamespace !== undefined ? { kedaNamespace: facts.kedaNamespace } : {}),
    } as Record<string, pulumi.Input<string>>;
}

/** Pure: reads a frame ConfigMap's data back; a missing or malformed field is an error naming it. */
export function parseDevspaceFrame(namespace: string, data: Record<string, string> | undefined): DevspaceFrameFacts {
    const where = `ConfigMap ${namespace}/${DEVSPACE_FRAME_CONFIGMAP}`;
    const text = (key: string): string => {
        const value = data?.[key];
        if (typeof value !== "string")
            throw new Error(`${where} has no ${key}: it was not written by this program's dev stack`);
        return value;
    };
    const json = <T>(key: string): T => {
        const value = text(key);
        try {
            return JSON.parse(value) as T;
        } catch (e) {
            throw new Error(`${where}: ${key} is not JSON (${(e as Error).message})`, { cause: e });
        }
    };
    const placement = json<PoolPlacements>("placement");
    if (!placement?.onDemand || !placement?.spot)
        throw new Error(`${where}: placement has no onDemand and spot placements`);
    return {
        name: text("name"),
        namespace: text("namespace"),
        owner: json<DevspaceOwner>("owner"),
        expires: text("expires"),
        quota: json<Quota>("quota"),
        clusterName: text("clusterName"),
        placement,
        sharedStorageClassName: text("sharedStorageClassName"),
        blockStorageClassName: data?.blockStorageClassName ?? "",
        ...(data?.monitoringNamespace ? { monitoringNamespace: data.monitoringNamespace } : {}),
        ...(data?.kedaNamespace ? { kedaNamespace: data.kedaNamespace } : {}),
    };
}
