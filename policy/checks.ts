/**
 * The policy pack's checks as pure functions: (resource type, inputs) -> violation messages. The pack (index.ts)
 * only wires them to @pulumi/policy; the tests call them directly. No Pulumi runtime, no I/O.
 */

export type Props = Record<string, unknown>;

/** A value only known after deployment: the offline plan's marker, and what the pack maps preview unknowns to. */
export const UNKNOWN = "[computed]";
/** The offline plan's marker for a Pulumi secret (masked). */
const MASKED_SECRET = "[secret]";
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// ---------------------------------------------------------------------------------------------------------------
// Resource types
// ---------------------------------------------------------------------------------------------------------------

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_CHARTS = ["kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];
const HELM_TYPES = [HELM_RELEASE, ...HELM_CHARTS];

/** Workload kinds and where their pod template (the object with the pod's `metadata` and `spec`) sits; a Pod is its own. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
    "kubernetes:apps/v1:Deployment": ["spec", "template"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template"],
    "kubernetes:batch/v1:Job": ["spec", "template"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template"],
    "kubernetes:core/v1:Pod": [],
};

function dig(value: unknown, path: string[]): unknown {
    let current = value;
    for (const key of path) current = Array.isArray(current) ? current[Number(key)] : asObj(current)[key];
    return current;
}

export function podSpecOf(type: string, props: Props): Obj | undefined {
    const path = POD_TEMPLATE_PATHS[type];
    if (!path) return undefined;
    const spec = dig(props, [...path, "spec"]);
    return isObj(spec) ? spec : undefined;
}

interface Container {
    name: string;
    image?: unknown;
    resources?: unknown;
    env?: unknown;
}

/** The containers of a pod spec; an unknown container (or list) is left out: it is judged when it is known. */
function containersOf(podSpec: Obj): { kind: "container" | "initContainer"; container: Container }[] {
    return [
        ...asArray(podSpec.initContainers)
            .filter(isObj)
            .map((c) => ({ kind: "initContainer" as const, container: c as unknown as Container })),
        ...asArray(podSpec.containers)
            .filter(isObj)
            .map((c) => ({ kind: "container" as const, container: c as unknown as Container })),
    ];
}

/** Visits every (path, value) of a Helm values tree, depth first. */
function walk(value: unknown, visit: (path: string[], value: unknown) => void, path: string[] = []): void {
    visit(path, value);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, [...path, String(i)]));
    else if (isObj(value)) for (const [k, v] of Object.entries(value)) walk(v, visit, [...path, k]);
}

const dotted = (path: string[]) => path.join(".");

/** Helm values as the provider takes them: `values` (an object), plus values files are not inspectable here. */
function helmValues(props: Props): Obj {
    return asObj(props.values);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Pinned images (chart versions: see checkPinnedVersions)
// ---------------------------------------------------------------------------------------------------------------

/** Why an image reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function imagePinProblem(image: string): string | undefined {
    const ref = image.trim();
    if (ref === UNKNOWN) return undefined;
    if (ref === "") return "has an empty image";
    if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
    const lastSlash = ref.lastIndexOf("/");
    const nameAndTag = ref.slice(lastSlash + 1);
    const colon = nameAndTag.indexOf(":");
    if (colon < 0) return `image "${ref}" has no tag (it would pull latest)`;
    const tag = nameAndTag.slice(colon + 1);
    if (tag === "" || tag.toLowerCase() === "latest") return `image "${ref}" uses the tag "${tag || "(empty)"}"`;
    return undefined;
}

/**
 * Images only. A chart's `version` is not judged here: in a real preview the Kubernetes provider's Check has already
 * replaced it with the version it resolved (a range becomes an exact one), so the analyzer never sees what the program
 * asked for. The program pins charts itself (exact `semver` config types and constants; test/policy-plans.test.ts).
 */
export function checkPinnedVersions(type: string, props: Props): string[] {
    const problems: string[] = [];
    if (HELM_TYPES.includes(type)) {
        walk(helmValues(props), (path, value) => {
            const key = path[path.length - 1];
            if (key === "image" && typeof value === "string") {
                const problem = imagePinProblem(value);
                if (problem) problems.push(`values.${dotted(path)}: ${problem}`);
            }
            if (key === "tag" && typeof value === "string" && value.trim().toLowerCase() === "latest")
                problems.push(`values.${dotted(path)}: the image tag "latest" is not a pinned version`);
        });
    }
    const podSpec = podSpecOf(type, props);
    if (podSpec) {
        for (const { kind, container } of containersOf(podSpec)) {
            if (container.image === UNKNOWN) continue;
            const problem = typeof container.image === "string" ? imagePinProblem(container.image) : "has no image";
            if (problem)
                problems.push(`${kind} "${container.name}" ${problem.startsWith("image") ? "uses " : ""}${problem}`);
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Resource requests on every container
// ---------------------------------------------------------------------------------------------------------------

/** A `resources` block of a container (cpu/memory), as opposed to a volume claim's (`requests.storage`). */
function isContainerResources(resources: Obj): boolean {
    const requests = asObj(resources.requests);
    const limits = asObj(resources.limits);
    return !("storage" in requests) && !("storage" in limits);
}

/** Requests set, or not knowable yet: a value unknown during preview is not a violation (it is judged at update). */
function hasRequests(resources: unknown): boolean {
    if (resources === UNKNOWN || asObj(resources).requests === UNKNOWN) return true;
    const requests = asObj(asObj(resources).requests);
    return requests.cpu !== undefined && requests.memory !== undefined;
}

/** Components of the Airflow chart that always run a pod (when enabled) and must carry requests in the values. */
const AIRFLOW_CHART_COMPONENTS = ["scheduler", "triggerer", "statsd"];

export function checkResourceRequests(type: string, props: Props): string[] {
    const problems: string[] = [];
    const podSpec = podSpecOf(type, props);
    if (podSpec) {
        for (const { kind, container } of containersOf(podSpec)) {
            if (!hasRequests(container.resources))
                problems.push(`${kind} "${container.name}" has no resource requests (cpu and memory)`);
        }
    }
    // Before the cluster exists, a release's values may be unknown as a whole: nothing to judge yet.
    if (HELM_TYPES.includes(type) && props.values !== UNKNOWN) {
        const values = helmValues(props);
        // A `resources` block that is set but has no requests (e.g. limits only, or {}) is a mistake in any chart.
        walk(values, (path, value) => {
            if (path[path.length - 1] !== "resources" || !isObj(value) || !isContainerResources(value)) return;
            // A map of blocks per component (KEDA's `resources.operator`, `resources.webhooks`): each needs requests.
            const perComponent =
                Object.values(value).length > 0 &&
                Object.values(value).every((v) => isObj(v) && ("requests" in v || "limits" in v));
            if (perComponent) {
                for (const [component, block] of Object.entries(value))
                    if (!hasRequests(block))
                        problems.push(`values.${dotted([...path, component])} sets no requests (cpu and memory)`);
            } else if (!hasRequests(value)) problems.push(`values.${dotted(path)} sets no requests (cpu and memory)`);
        });
        if (String(props.chart ?? "").endsWith("airflow")) {
            for (const component of AIRFLOW_CHART_COMPONENTS) {
                if (values[component] === UNKNOWN) continue;
                const section = asObj(values[component]);
                if (section.enabled === false || section.resources === UNKNOWN) continue;
                if (!isObj(section.resources))
                    problems.push(`values.${component}.resources is missing: every Airflow component needs requests`);
            }
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Spot tolerations only in worker values and node agents
// ---------------------------------------------------------------------------------------------------------------

/**
 * Taint keys that mark spot or preemptible capacity: GKE's own, our capacity label on both clouds, and the node
 * labels EKS and Karpenter use for it (a platform may taint by any of them).
 */
const SPOT_TAINT_KEYS = new Set([
    "cloud.google.com/gke-spot",
    "cloud.google.com/gke-preemptible",
    "airflow-platform/capacity",
    "eks.amazonaws.com/capacitytype",
    "karpenter.sh/capacity-type",
]);

/**
 * A toleration that lets a pod onto spot nodes: no key with Exists (tolerates every taint); a spot key with Exists
 * (any value, `spot` included) or with the value a spot taint carries; any key that names spot or preemptible.
 */
export function isSpotToleration(toleration: unknown): boolean {
    const t = asObj(toleration);
    const key = String(t.key ?? "").toLowerCase();
    const value = String(t.value ?? "").toLowerCase();
    const exists = t.operator === "Exists";
    if (key === "") return exists; // an empty key with Exists tolerates every taint, spot included
    if (SPOT_TAINT_KEYS.has(key) || /spot|preemptible/.test(key)) return exists || value === "spot" || value === "true";
    return value === "spot";
}

/** A Helm values path that configures worker pods (Airflow's `workers.*`, a KubernetesExecutor pod template). */
const WORKER_VALUES_PATH = /^(workers?|kubernetes[-_]?tasks?|pod[-_]?template)$/i;
/**
 * Node agents: DaemonSets that must run on every node, spot nodes included (metrics, logs, CSI). Tolerating the spot
 * taint is their job, not a misplacement.
 */
const NODE_AGENT_VALUES_PATH = /(node[-_]?exporter|daemon[-_]?set|csi|fluent[-_]?bit|promtail|node[-_]?agent)/i;
const NODE_AGENT_TYPES = ["kubernetes:apps/v1:DaemonSet"];

/**
 * Plain workloads the program creates never run on spot (node agents, DaemonSets, excepted): a label cannot vouch for
 * a worker, since any workload can carry `component: worker`. Worker pods come from a chart's worker values (the
 * Airflow chart's `workers.*`), which is where spot tolerations are allowed. The pods a chart renders are not visible
 * to a policy pack at all: this rule judges values, not those pods (the Airflow values' placement is tested on its own).
 */
export function checkSpotTolerations(type: string, props: Props): string[] {
    const problems: string[] = [];
    const podSpec = podSpecOf(type, props);
    if (podSpec && !NODE_AGENT_TYPES.includes(type) && podSpec.tolerations !== UNKNOWN) {
        const spot = asArray(podSpec.tolerations).filter(isSpotToleration);
        if (spot.length > 0)
            problems.push(
                `tolerates the spot taint (${spot.map((t) => String(asObj(t).key ?? "*")).join(", ")}): only Celery workers and ` +
                    "task pods (a chart's workers values) and node agents (DaemonSets) may run on spot nodes",
            );
    }
    if (HELM_TYPES.includes(type)) {
        walk(helmValues(props), (path, value) => {
            if (path[path.length - 1] !== "tolerations" || !Array.isArray(value)) return;
            if (path.some((segment) => WORKER_VALUES_PATH.test(segment) || NODE_AGENT_VALUES_PATH.test(segment)))
                return;
            if (value.some(isSpotToleration))
                problems.push(`values.${dotted(path)} tolerates the spot taint outside the workers' section`);
        });
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. No secret in plain text in a ConfigMap or in Helm values
// ---------------------------------------------------------------------------------------------------------------

/** Value shapes that are secrets whatever the key: private keys, cloud and chat tokens, URLs with a password. */
const SECRET_PATTERNS: { name: string; pattern: RegExp }[] = [
    { name: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { name: "an AWS access key id", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { name: "a GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
    { name: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
    { name: "a Slack webhook URL", pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/ },
    { name: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
    { name: "a GCP service account key", pattern: /"type"\s*:\s*"service_account"[\s\S]*"private_key"/ },
    // scheme://user:password@host, but not a template or an env reference in the password part.
    { name: "a URL with an embedded password", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?![$%{])[^\s@/]+@[^\s]/i },
];

/** Words that name a secret when a key ends with them. */
const SECRET_WORDS = new Set([
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "passphrase",
    "credentials",
    "credential",
    "apikey",
]);
/** Two-word endings that name a secret. */
const SECRET_PAIRS = new Set([
    "api key",
    "private key",
    "access key",
    "secret key",
    "fernet key",
    "signing key",
    "encryption key",
    "client secret",
    "auth token",
    "ssh key",
]);
/** `<owner> secret` names a secret value; any other `<noun> secret` (sshKeySecret, credentialsSecret) names a Secret object. */
const SECRET_OWNERS = new Set([
    "client",
    "jwt",
    "app",
    "shared",
    "webhook",
    "api",
    "hmac",
    "session",
    "cookie",
    "oauth",
]);
/** Words before the secret word that make the key a reference to a secret, not the secret itself. */
const REFERENCE_PREFIXES = new Set([
    "existing",
    "use",
    "from",
    "create",
    "enable",
    "enabled",
    "generate",
    "auto",
    "show",
]);

function words(key: string): string[] {
    return key
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.toLowerCase());
}

/** True when a key names a secret value (`password`, `fernetKey`, `AIRFLOW__CORE__FERNET_KEY`, `apiToken`). */
export function isSecretKeyName(key: string): boolean {
    const w = words(key);
    if (w.length === 0) return false;
    const last = w[w.length - 1];
    const pair = w.length >= 2 ? `${w[w.length - 2]} ${last}` : "";
    if (!SECRET_WORDS.has(last) && !SECRET_PAIRS.has(pair)) return false;
    const before = w.length >= 2 ? w[w.length - 2] : "";
    if (last === "secret" && before !== "" && !SECRET_OWNERS.has(before)) return false;
    return !REFERENCE_PREFIXES.has(before);
}

/** Strings that cannot hold a secret: empty, booleans, placeholders, references to env vars or templates. */
function isInertValue(value: string): boolean {
    const v = value.trim();
    if (v === UNKNOWN || v === MASKED_SECRET) return true;
    if (v === "" || v === "~" || /^(true|false|null|none|changeme)$/i.test(v)) return true;
    if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v)) return true; // $VAR, $(VAR)
    return /^\{\{.*\}\}$/.test(v); // a Helm template that reads it from elsewhere
}

/** Why a (key, value) pair looks like a plain-text secret, or undefined. */
export function plaintextSecretProblem(key: string, value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    for (const { name, pattern } of SECRET_PATTERNS) if (pattern.test(value)) return `holds ${name}`;
    if (isSecretKeyName(key) && !isInertValue(value)) return "is named like a secret and holds a value";
    return undefined;
}

export function checkNoPlaintextSecrets(type: string, props: Props): string[] {
    const problems: string[] = [];
    if (type === "kubernetes:core/v1:ConfigMap") {
        for (const [key, value] of Object.entries(asObj(props.data))) {
            const problem = plaintextSecretProblem(key, value);
            if (problem) problems.push(`ConfigMap key "${key}" ${problem}: put it in a Secret`);
        }
    }
    if (HELM_TYPES.includes(type)) {
        walk(helmValues(props), (path, value) => {
            if (path.length === 0) return;
            let key = path[path.length - 1];
            const parent = path.length >= 2 ? dig(helmValues(props), path.slice(0, -1)) : undefined;
            // env: [{ name: AIRFLOW__X__PASSWORD, value: "…" }]: the entry's name is the key.
            if (key === "value" && isObj(parent) && typeof parent.name === "string") key = parent.name;
            const problem = plaintextSecretProblem(key, value);
            if (problem) problems.push(`values.${dotted(path)} ${problem}: reference a Kubernetes Secret instead`);
        });
    }
    const podSpec = podSpecOf(type, props);
    if (podSpec) {
        for (const { container } of containersOf(podSpec)) {
            for (const env of asArray(container.env)) {
                const e = asObj(env);
                const problem = plaintextSecretProblem(String(e.name ?? ""), e.value);
                if (problem)
                    problems.push(
                        `container "${container.name}" env ${String(e.name)} ${problem}: use valueFrom.secretKeyRef`,
                    );
            }
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. No public load balancer without TLS
// ---------------------------------------------------------------------------------------------------------------

/** Annotations that make a Service of type LoadBalancer internal, per cloud. */
const INTERNAL_LB_ANNOTATIONS: Record<string, RegExp> = {
    "networking.gke.io/load-balancer-type": /^internal$/i,
    "cloud.google.com/load-balancer-type": /^internal$/i,
    "service.beta.kubernetes.io/aws-load-balancer-internal": /^(true|0\.0\.0\.0\/0)$/i,
    "service.beta.kubernetes.io/aws-load-balancer-scheme": /^internal$/i,
    "service.beta.kubernetes.io/azure-load-balancer-internal": /^true$/i,
};

function annotationsOf(props: Props): Record<string, string> {
    return asObj(asObj(props.metadata).annotations) as Record<string, string>;
}

export function isInternalLoadBalancer(annotations: Record<string, unknown>): boolean {
    return Object.entries(INTERNAL_LB_ANNOTATIONS).some(
        ([key, pattern]) => typeof annotations[key] === "string" && pattern.test(annotations[key] as string),
    );
}

function serviceProblem(spec: Obj, annotations: Record<string, unknown>, where: string): string | undefined {
    if (spec.type !== "LoadBalancer") return undefined;
    if (isInternalLoadBalancer(annotations)) return undefined;
    // An NLB/CLB with an ACM certificate terminates TLS; GKE's L4 load balancer cannot.
    if (annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]) return undefined;
    return `${where} is a public load balancer (type LoadBalancer, no internal annotation) without TLS`;
}

/** Which load balancer an Ingress gets: an ALB, a GCE L7, or none of its own (nginx & co. sit behind a Service). */
function ingressController(props: Props): "alb" | "gce" | "gce-internal" | "other" {
    const annotations = annotationsOf(props);
    const className = String(asObj(props.spec).ingressClassName ?? annotations["kubernetes.io/ingress.class"] ?? "");
    if (className === "alb") return "alb";
    if (className === "gce-internal") return "gce-internal";
    // GKE's default controller handles Ingresses with no class at all.
    if (className === "gce" || className === "") return "gce";
    return "other";
}

export function checkNoPublicLoadBalancerWithoutTls(type: string, props: Props): string[] {
    const problems: string[] = [];
    if (type === "kubernetes:core/v1:Service") {
        const problem = serviceProblem(asObj(props.spec), annotationsOf(props), "Service");
        if (problem) problems.push(problem);
    }
    if (type === "kubernetes:networking.k8s.io/v1:Ingress") {
        const annotations = annotationsOf(props);
        const tls = asArray(asObj(props.spec).tls).length > 0;
        const controller = ingressController(props);
        if (controller === "alb") {
            // The AWS Load Balancer Controller makes ALBs internal unless the scheme says internet-facing.
            const publicAlb = annotations["alb.ingress.kubernetes.io/scheme"] === "internet-facing";
            if (publicAlb && !annotations["alb.ingress.kubernetes.io/certificate-arn"] && !tls)
                problems.push(
                    "internet-facing ALB Ingress without a certificate (alb.ingress.kubernetes.io/certificate-arn)",
                );
        }
        if (controller === "gce") {
            const certificate =
                tls ||
                Boolean(annotations["networking.gke.io/managed-certificates"]) ||
                Boolean(annotations["ingress.gcp.kubernetes.io/pre-shared-cert"]);
            if (!certificate)
                problems.push("external GCE Ingress without TLS (spec.tls or networking.gke.io/managed-certificates)");
        }
    }
    if (GATEWAY_TYPES.includes(type)) problems.push(...gatewayProblems(props));
    if (HELM_TYPES.includes(type)) {
        walk(helmValues(props), (path, value) => {
            if (!isObj(value) || value.type !== "LoadBalancer") return;
            const problem = serviceProblem(value, asObj(value.annotations), `values.${dotted(path)}`);
            if (problem) problems.push(problem);
        });
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// 5b. The same for the Gateway API (GKE's exposure layer): the Gateway alone, then its routes across the stack
// ---------------------------------------------------------------------------------------------------------------

const GATEWAY_TYPES = [
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
];
const HTTP_ROUTE_TYPES = [
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute",
];

/** GKE's GatewayClasses whose load balancer has an internet-facing address (single- and multi-cluster). */
const EXTERNAL_GATEWAY_CLASSES = new Set([
    "gke-l7-global-external-managed",
    "gke-l7-regional-external-managed",
    "gke-l7-gxlb",
    "gke-l7-global-external-managed-mc",
    "gke-l7-regional-external-managed-mc",
    "gke-l7-gxlb-mc",
]);
/** GKE's GatewayClasses of internal Application Load Balancers (reachable from the VPC only). */
const INTERNAL_GATEWAY_CLASSES = new Set([
    "gke-l7-rilb",
    "gke-l7-rilb-mc",
    "gke-l7-cross-regional-internal-managed-mc",
]);
/** A class name that says internal: GKE's `-rilb` and `-internal-` naming. */
const INTERNAL_LOOKING_CLASS = /-(rilb|internal)(-|$)/;

/**
 * Whether a GatewayClass gives an internet-facing load balancer. Unknown classes fail closed: internal only when the
 * name looks internal, otherwise external (so a new or third-party class must terminate TLS to pass).
 */
export function isExternalGatewayClass(className: unknown): boolean {
    const name = typeof className === "string" ? className.trim() : "";
    if (EXTERNAL_GATEWAY_CLASSES.has(name)) return true;
    if (INTERNAL_GATEWAY_CLASSES.has(name)) return false;
    return !INTERNAL_LOOKING_CLASS.test(name);
}

/** GKE's listener TLS options that name a certificate held outside Kubernetes (Compute SSL / Certificate Manager). */
const GKE_CERTIFICATE_OPTIONS = ["networking.gke.io/pre-shared-certs", "networking.gke.io/cert-manager-certs"];
/** GKE's Gateway annotation that serves every HTTPS listener from a Certificate Manager certificate map. */
const GKE_CERTMAP_ANNOTATION = "networking.gke.io/certmap";

const nonEmpty = (v: unknown): boolean => (typeof v === "string" ? v.trim() !== "" : v !== undefined && v !== null);

/** An HTTPS listener that terminates TLS with a certificate: certificateRefs, a GKE certificate option, or a certmap. */
function terminatesTls(listener: Obj, gatewayAnnotations: Record<string, unknown>): boolean {
    if (listener.protocol !== "HTTPS") return false;
    const tls = asObj(listener.tls);
    if (tls.mode !== undefined && tls.mode !== "Terminate" && tls.mode !== UNKNOWN) return false;
    if (asArray(tls.certificateRefs).length > 0) return true;
    if (GKE_CERTIFICATE_OPTIONS.some((option) => nonEmpty(asObj(tls.options)[option]))) return true;
    return nonEmpty(gatewayAnnotations[GKE_CERTMAP_ANNOTATION]);
}

/** The per-resource half: an external Gateway has an HTTPS listener with a certificate, and no HTTPS listener without. */
function gatewayProblems(props: Props): string[] {
    const spec = asObj(props.spec);
    const className = spec.gatewayClassName;
    if (!isExternalGatewayClass(className)) return [];
    const annotations = annotationsOf(props);
    const listeners = asArray(spec.listeners).map(asObj);
    const problems: string[] = [];
    const https = listeners.filter((l) => l.protocol === "HTTPS");
    for (const listener of https)
        if (!terminatesTls(listener, annotations))
            problems.push(
                `external Gateway (class ${String(className)}) listener "${String(listener.name)}" is HTTPS without a ` +
                    `certificate: set tls.certificateRefs, tls.options ${GKE_CERTIFICATE_OPTIONS.join(" / ")}, or the ${GKE_CERTMAP_ANNOTATION} annotation`,
            );
    if (!https.some((l) => terminatesTls(l, annotations)))
        problems.push(
            `external Gateway (class ${String(className)}) has no HTTPS listener terminating TLS: a public load balancer ` +
                "serves HTTPS (an HTTP listener may only redirect to it)",
        );
    return problems;
}

/** A resource of the stack, as the stack-level checks see it (props with unknowns marked, like the per-resource ones). */
export interface StackResource {
    type: string;
    name: string;
    urn?: string;
    props: Props;
}

export interface StackViolation {
    resource: StackResource;
    message: string;
}

/** Equal, or not decidable yet (unset: the provider's default namespace; unknown until deployment): match. */
const mayEqual = (a: unknown, b: unknown): boolean =>
    a === undefined || b === undefined || a === UNKNOWN || b === UNKNOWN || a === "" || b === "" || a === b;

/** The listeners of a Gateway a parentRef attaches to: by sectionName and port, or all of them (Gateway API). */
function attachedListeners(parentRef: Obj, gateway: Props): Obj[] {
    return asArray(asObj(gateway.spec).listeners)
        .map(asObj)
        .filter((l) => mayEqual(parentRef.sectionName, l.name) && mayEqual(parentRef.port, l.port));
}

/** True when a parentRef may name this Gateway (kind and group default to the Gateway API's; namespace to the route's). */
function refersTo(parentRef: Obj, routeNamespace: unknown, gateway: Props): boolean {
    if ((parentRef.kind ?? "Gateway") !== "Gateway") return false;
    if ((parentRef.group ?? "gateway.networking.k8s.io") !== "gateway.networking.k8s.io") return false;
    const metadata = asObj(gateway.metadata);
    if (!mayEqual(parentRef.name, metadata.name)) return false;
    return mayEqual(parentRef.namespace ?? routeNamespace, metadata.namespace);
}

/** Why a rule is not a redirect to HTTPS, or undefined: it must redirect with scheme https and forward nowhere. */
function redirectRuleProblem(rule: Obj): string | undefined {
    if (asArray(rule.backendRefs).length > 0) return "forwards to backends";
    const redirect = asArray(rule.filters)
        .map(asObj)
        .find((f) => f.type === "RequestRedirect");
    if (!redirect) return "has no RequestRedirect filter";
    const scheme = asObj(redirect.requestRedirect).scheme;
    if (scheme !== "https" && scheme !== UNKNOWN)
        return `redirects with scheme ${scheme === undefined ? "unset (stays http)" : String(scheme)}`;
    return undefined;
}

/** Every reason an HTTPRoute is not redirect-only (an empty rule list gets the default rule, which redirects nowhere). */
export function redirectOnlyProblems(route: Props): string[] {
    const rules = asArray(asObj(route.spec).rules).map(asObj);
    if (rules.length === 0) return ["has no rules (the default rule redirects nowhere)"];
    return rules.flatMap((rule, i) => {
        const problem = redirectRuleProblem(rule);
        return problem ? [`rule ${i} ${problem}`] : [];
    });
}

/**
 * The stack-level half: an HTTPRoute attached to an HTTP listener of an external Gateway of the same stack only
 * redirects to HTTPS. Gateways outside the stack are not visible here and are not judged.
 */
export function checkGatewayRoutesOnlyRedirectPlainHttp(resources: StackResource[]): StackViolation[] {
    const gateways = resources.filter(
        (r) => GATEWAY_TYPES.includes(r.type) && isExternalGatewayClass(asObj(r.props.spec).gatewayClassName),
    );
    const violations: StackViolation[] = [];
    for (const route of resources.filter((r) => HTTP_ROUTE_TYPES.includes(r.type))) {
        const routeNamespace = asObj(route.props.metadata).namespace;
        const plainHttp: string[] = [];
        for (const parentRef of asArray(asObj(route.props.spec).parentRefs).map(asObj))
            for (const gateway of gateways.filter((g) => refersTo(parentRef, routeNamespace, g.props)))
                for (const listener of attachedListeners(parentRef, gateway.props))
                    if (listener.protocol === "HTTP")
                        plainHttp.push(
                            `"${String(listener.name)}" of external Gateway ${String(asObj(gateway.props.metadata).name ?? gateway.name)}`,
                        );
        if (plainHttp.length === 0) continue;
        const problems = redirectOnlyProblems(route.props);
        if (problems.length > 0)
            violations.push({
                resource: route,
                message:
                    `HTTPRoute attached to the plain-HTTP listener ${[...new Set(plainHttp)].join(", ")} must only redirect ` +
                    `to https, but ${problems.join("; ")}`,
            });
    }
    return violations;
}

// ---------------------------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------------------------

export interface Check {
    name: string;
    description: string;
    /** One resource at a time (`validateResource`). */
    check: (type: string, props: Props) => string[];
    /** What needs several resources together, once per stack (`validateStack`, after the resources are registered). */
    checkStack?: (resources: StackResource[]) => StackViolation[];
}

export const CHECKS: Check[] = [
    {
        name: "pinned-versions",
        description:
            "Images carry a tag other than latest (or a digest). Chart versions are pinned by the program: a preview shows the provider's resolved version.",
        check: checkPinnedVersions,
    },
    {
        name: "resource-requests",
        description: "Every container (and every resources block of Helm values) sets cpu and memory requests.",
        check: checkResourceRequests,
    },
    {
        name: "spot-tolerations-only-on-workers",
        description:
            "Only a chart's worker values (Celery workers, task pods) and node agents (DaemonSets) tolerate the spot taint. A chart's rendered pods are not visible to the pack: it judges the chart's values.",
        check: checkSpotTolerations,
    },
    {
        name: "no-plaintext-secrets",
        description: "No secret in plain text in a ConfigMap, container env or Helm values: reference a Secret.",
        check: checkNoPlaintextSecrets,
    },
    {
        name: "no-public-load-balancer-without-tls",
        description:
            "A public load balancer (Service, Ingress or Gateway) terminates TLS, otherwise it must be internal; plain HTTP on an external Gateway only redirects to HTTPS.",
        check: checkNoPublicLoadBalancerWithoutTls,
        checkStack: checkGatewayRoutesOnlyRedirectPlainHttp,
    },
];
