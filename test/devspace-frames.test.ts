import { expect } from "chai";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import {
    DEVSPACE_FRAME_CONFIGMAP,
    devspaceRoleRules,
    devspaceNetworkPolicies,
    frameObjects,
    devspaceRequestsOf,
    LIMIT_FACTOR,
    parseDevspaceFrame,
} from "../components/devspace";
import { parseCpu, parseMemory } from "../components/quantities";
import { DEVSPACE_AIRFLOW_PODS } from "../stacks/args/devspace";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import { Plan, PlannedResource, configError, helmValues, ofType, planOf } from "./harness";

const NS = "devspace-demo";
type Obj = Record<string, any>;
const inFrame = (plan: Plan, kind: string) =>
    plan.resources.filter(
        (r) => r.type.endsWith(`:${kind}`) && (r.inputs.metadata as Obj | undefined)?.namespace === NS,
    );
const one = (plan: Plan, kind: string): Obj => {
    const found = inFrame(plan, kind);
    expect(found, kind).to.have.length(1);
    return found[0].inputs as Obj;
};

function devConfig(overrides: Record<string, unknown>) {
    const { config, secrets } = readStackFile("dev");
    return () => parseStackConfig("dev", { ...config, ...overrides }, secrets);
}

describe("devspace frames: owned by the dev stack, one per entry of its devspaces list", () => {
    let dev: Plan;
    before(async () => {
        dev = await planOf("dev");
    });

    it("writes the devspace's frame ConfigMap, which holds no secret and which its owner's Role may read", () => {
        const frame = ofType(dev, "kubernetes:core/v1:ConfigMap").find(
            (r) =>
                (r.inputs.metadata as Obj).name === DEVSPACE_FRAME_CONFIGMAP &&
                (r.inputs.metadata as Obj).namespace === NS,
        );
        expect(frame, "the dev stack writes devspace-demo/devspace-frame").to.not.equal(undefined);
        // Nothing in it derives from a secret (the runtime masks those), and no secret output of the dev stack is in it.
        expect(frame!.inputs, "no [secret] in its inputs").to.deep.equal(frame!.revealedInputs);
        const text = JSON.stringify(frame!.revealedInputs);
        const secrets = Object.values(dev.rawOutputs)
            .filter((v) => rpc.isRpcSecret(v))
            .map((v) => JSON.stringify(rpc.unwrapRpcSecret(v)).slice(1, -1));
        expect(secrets.length, "the dev stack has secret outputs to look for").to.be.greaterThan(1);
        for (const secret of secrets.filter((x) => x.length >= 8)) expect(text).to.not.contain(secret);
        expect(text).to.not.match(/password|token|certificate-authority|BEGIN CERTIFICATE|kubeconfig/i);
        const parsed = parseDevspaceFrame(NS, (frame!.revealedInputs as Obj).data);
        expect(parsed).to.deep.include({
            name: "demo",
            clusterName: dev.outputs.clusterName,
            placement: dev.outputs.placement,
            monitoringNamespace: "monitoring",
            kedaNamespace: "keda",
        });
        expect(
            devspaceRoleRules().some(
                (r) => r.apiGroups.includes("") && r.resources.includes("configmaps") && r.verbs.includes("get"),
            ),
        ).to.equal(true);
    });

    it("refuses a frame ConfigMap that misses a field or holds no placement, naming it", () => {
        expect(() => parseDevspaceFrame(NS, undefined)).to.throw(
            /^ConfigMap devspace-demo\/devspace-frame has no (name|placement)/,
        );
        const frame = ofType(dev, "kubernetes:core/v1:ConfigMap").find(
            (r) => (r.inputs.metadata as Obj).name === DEVSPACE_FRAME_CONFIGMAP,
        )!;
        const data = (frame.revealedInputs as Obj).data as Record<string, string>;
        expect(() => parseDevspaceFrame(NS, { ...data, placement: "{}" })).to.throw(
            /placement has no onDemand and spot/,
        );
        expect(() => parseDevspaceFrame(NS, { ...data, quota: "2 CPU" })).to.throw(/quota is not JSON/);
    });

    it("creates the namespace, labelled and annotated with its owner and expiry, in the dev stack", () => {
        const ns = ofType(dev, "kubernetes:core/v1:Namespace").find((r) => (r.inputs.metadata as Obj).name === NS)!;
        expect(ns, "the dev stack creates devspace-demo").to.not.equal(undefined);
        expect((ns.inputs.metadata as Obj).annotations).to.deep.equal({
            "airflow-platform/owner": "demo@acme-data.example.com",
            "airflow-platform/expires": "2099-12-31",
        });
        expect(dev.outputs.devspaces).to.deep.equal([
            {
                name: "demo",
                namespace: NS,
                owner: { gcp: "demo@acme-data.example.com" },
                expires: "2099-12-31",
                quota: { cpu: "2", memory: "4Gi", storage: "20Gi", ephemeralStorage: "10Gi" },
            },
        ]);
    });

    it("binds the owner's Google account to a namespaced Role only: no ClusterRole, no ClusterRoleBinding, no cluster-wide verb", () => {
        const binding = one(dev, "RoleBinding");
        expect(binding.subjects).to.deep.equal([
            { kind: "User", name: "demo@acme-data.example.com", apiGroup: "rbac.authorization.k8s.io" },
        ]);
        expect(binding.roleRef).to.include({ kind: "Role", name: "devspace-owner" });
        const rules = one(dev, "Role").rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
        const can = (group: string, resource: string, verb: string) =>
            rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
        // What `pulumi up` of the Airflow chart needs: Helm's release Secrets, workloads, the pod launcher Role, a ServiceMonitor.
        for (const [group, resource] of [
            ["", "secrets"],
            ["apps", "deployments"],
            ["apps", "statefulsets"],
            ["batch", "jobs"],
            ["", "pods"],
            ["rbac.authorization.k8s.io", "roles"],
            ["monitoring.coreos.com", "servicemonitors"],
        ])
            expect(can(group, resource, "create"), `create ${group}/${resource}`).to.equal(true);
        // What would let the owner out of the frame: its quota, limits, network policies, the namespace itself.
        for (const [group, resource] of [
            ["", "resourcequotas"],
            ["", "limitranges"],
            ["networking.k8s.io", "networkpolicies"],
            ["", "namespaces"],
        ])
            for (const verb of ["create", "update", "patch", "delete"])
                expect(can(group, resource, verb), `${verb} ${group}/${resource}`).to.equal(false);
        expect(rules.flatMap((r) => [...r.resources, ...r.verbs, ...r.apiGroups])).to.not.include("*");
        for (const kind of ["ClusterRole", "ClusterRoleBinding"])
            expect(ofType(dev, `kubernetes:rbac.authorization.k8s.io/v1:${kind}`), kind).to.deep.equal([]);
        expect(devspaceRoleRules()).to.deep.equal(rules);
    });

    it("quotas requests and limits, storage, ephemeral storage and object counts; no load balancer or node port", () => {
        const hard = one(dev, "ResourceQuota").spec.hard as Record<string, string>;
        expect(hard).to.include({
            "requests.cpu": "2",
            "limits.cpu": "8",
            "requests.memory": "4Gi",
            "limits.memory": "8Gi",
            "requests.storage": "20Gi",
            "requests.ephemeral-storage": "10Gi",
            "limits.ephemeral-storage": "20Gi",
            "services.loadbalancers": "0",
            "services.nodeports": "0",
            pods: "40",
        });
        expect(Object.keys(hard).filter((k) => k.startsWith("count/"))).to.include.members([
            "count/jobs.batch",
            "count/deployments.apps",
        ]);
    });

    it("gives containers default requests and limits within a ratio, and caps any one container and claim", () => {
        const [container, claim] = one(dev, "LimitRange").spec.limits as Obj[];
        expect(container).to.deep.include({ type: "Container", maxLimitRequestRatio: { memory: "4" } });
        expect(Object.keys(container.default).sort()).to.deep.equal(["cpu", "ephemeral-storage", "memory"]);
        expect(
            parseMemory(container.default.memory) / parseMemory(container.defaultRequest.memory),
            "the defaults meet the ratio",
        ).to.be.at.most(4);
        expect(container.max).to.deep.equal({ cpu: "2", memory: "4Gi" });
        expect(claim).to.deep.equal({ type: "PersistentVolumeClaim", max: { storage: "20Gi" } });
    });

    it("denies all traffic by default and admits only the namespace itself, DNS, HTTPS/SSH out, and the shared Prometheus to statsd", () => {
        const policies = inFrame(dev, "NetworkPolicy").map((r) => r.inputs as Obj);
        const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
        expect(Object.keys(byName).sort()).to.deep.equal([
            "allow-dns",
            "allow-https-and-ssh-out",
            "allow-keda-to-database",
            "allow-same-namespace",
            "allow-shared-prometheus",
            "default-deny",
        ]);
        expect(byName["default-deny"]).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        expect(byName["allow-same-namespace"].ingress).to.deep.equal([{ from: [{ podSelector: {} }] }]);
        // Every peer is this namespace's pods, kube-dns, or the monitoring namespace: never another devspace.
        const peers = policies.flatMap((p) => [
            ...(p.spec.ingress ?? []).flatMap((i: Obj) => i.from),
            ...(p.spec.egress ?? []).flatMap((e: Obj) => e.to),
        ]);
        for (const peer of peers) {
            const namespace = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"];
            if (peer.ipBlock) expect(peer.ipBlock).to.deep.equal({ cidr: "0.0.0.0/0" });
            else if (namespace) expect(["kube-system", "monitoring", "keda"]).to.include(namespace);
            else expect(peer).to.deep.equal({ podSelector: {} });
        }
        const prometheus = byName["allow-shared-prometheus"];
        expect(prometheus.podSelector).to.deep.equal({ matchLabels: { component: "statsd" } });
        expect(prometheus.ingress[0].ports).to.deep.equal([{ protocol: "TCP", port: 9102 }]);
        expect(byName["allow-https-and-ssh-out"].egress[0].ports.map((p: Obj) => p.port)).to.deep.equal([443, 22]);
        expect(
            devspaceNetworkPolicies(DEVSPACE_AIRFLOW_PODS, undefined).map((p) => p.name),
            "no monitoring, no Prometheus rule",
        ).to.not.include("allow-shared-prometheus");
    });

    it("admits KEDA's operator (namespace keda) to the bundled Postgres, so the Celery ScaledObject's query can scale workers up", () => {
        // The chart's trigger (workers/worker-kedaautoscaler.yaml) is a postgresql query the operator runs against
        // AIRFLOW_CONN_AIRFLOW_DB, i.e. airflow-postgresql.<ns>:5432 in a devspace (no PgBouncer without a managed DB).
        const policies = inFrame(dev, "NetworkPolicy").map((r) => r.inputs as Obj);
        const keda = policies.find((p) => p.metadata.name === "allow-keda-to-database");
        expect(keda, "a policy admitting KEDA").to.not.equal(undefined);
        // Bitnami postgresql 13.2.24 (the chart's dependency) labels its primary pod app.kubernetes.io/name=postgresql.
        expect(keda!.spec.podSelector).to.deep.equal({
            matchLabels: { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/component": "primary" },
        });
        expect(keda!.spec.policyTypes).to.deep.equal(["Ingress"]);
        // kedacore/charts v2.20.2 keda/templates/manager/deployment.yaml: app.kubernetes.io/name: {{ .Values.operator.name }} (keda-operator).
        expect(keda!.spec.ingress).to.deep.equal([
            {
                from: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "keda" } },
                        podSelector: { matchLabels: { "app.kubernetes.io/name": "keda-operator" } },
                    },
                ],
                ports: [{ protocol: "TCP", port: 5432 }],
            },
        ]);
        expect(
            devspaceNetworkPolicies(DEVSPACE_AIRFLOW_PODS, "monitoring", undefined).map((p) => p.name),
            "no KEDA, no KEDA rule",
        ).to.not.include("allow-keda-to-database");
    });

    it("pins the devspaces' rules and monitors to their own namespace in the shared Prometheus, the platform's excepted", () => {
        const spec = (helmValues(dev, "observability-kube-prometheus-stack").prometheus as Obj).prometheusSpec;
        expect(spec.enforcedNamespaceLabel).to.equal("namespace");
        expect(spec.excludedFromEnforcement.map((e: Obj) => `${e.namespace}/${e.resource}`)).to.include.members([
            "monitoring/prometheusrules",
            "monitoring/servicemonitors",
        ]);
        expect(
            spec.excludedFromEnforcement.every((e: Obj) => e.namespace === "monitoring"),
            "a devspace is never excluded",
        ).to.equal(true);
    });

    it("the devspace-demo plan fits the frame: its limits too, LimitRange defaults included", async () => {
        const plan = await planOf("devspace-demo");
        const frame = frameObjects(NS, plan.outputs.quota as never);
        const r = devspaceRequestsOf([...plan.resources, ...frame], NS);
        expect(r.peak.cpuMillis).to.be.at.most(parseCpu("2"));
        expect(r.peak.memoryBytes).to.be.at.most(parseMemory("4Gi"));
        // Memory limits are the requests (containerResources) or the LimitRange default; no container sets a CPU limit, so
        // each gets the default 500m: all of them together, run-once jobs included, must fit limits.cpu or pods are refused.
        const containers = [...r.lines, ...r.jobs].reduce((n, l) => n + l.replicas, 0);
        const defaultedMemoryLimit = r.lines.filter((l) => l.defaulted).length * parseMemory("256Mi");
        expect(r.peak.memoryBytes + defaultedMemoryLimit).to.be.at.most(parseMemory("4Gi") * LIMIT_FACTOR.memory);
        expect(containers * parseCpu("500m"), `${containers} containers x 500m`).to.be.at.most(
            parseCpu("2") * LIMIT_FACTOR.cpu,
        );
    });

    it("refuses duplicate names, an owner missing for the cluster's cloud, a bad expiry, and devspaces on prod, naming the key", () => {
        const entry = { name: "alice", owner: { gcp: "alice@acme.example.com" }, expires: "2027-01-31" };
        const keys = (overrides: Record<string, unknown>) => configError(devConfig(overrides)).issues.map((i) => i.key);
        expect(keys({ devspaces: [entry, entry] })).to.deep.equal(["airflow-platform:devspaces[1].name"]);
        expect(
            keys({ devspaces: [{ ...entry, owner: { aws: "arn:aws:iam::123456789012:role/alice" } }] }),
        ).to.deep.equal(["airflow-platform:devspaces[0].owner.gcp"]);
        expect(keys({ devspaces: [{ ...entry, expires: "31/01/2027" }] })).to.deep.equal([
            "airflow-platform:devspaces[0].expires",
        ]);
        expect(keys({ devspaces: [{ ...entry, quota: { cpu: "3" } }] })).to.deep.equal([
            "airflow-platform:devspaces[0].quota.cpu",
        ]);
        expect(keys({ devspaces: [{ ...entry, owner: { gcp: "not-an-email" } }] })).to.deep.equal([
            "airflow-platform:devspaces[0].owner.gcp",
        ]);
        expect(keys({ environment: "prod", devspaces: [entry] })).to.include("airflow-platform:devspaces");
        expect(devConfig({ devspaces: [entry] })().devspaces[0].quota).to.deep.equal({
            cpu: "2",
            memory: "4Gi",
            storage: "20Gi",
            ephemeralStorage: "10Gi",
        });
    });
});

describe("devspace frames: the DevspaceFrame component's refusals, reported by the config layer", () => {
    it("refuses a quota below the LimitRange's default container limit under devspaces[i].quota.*, before any resource", () => {
        const entry = { name: "alice", owner: { gcp: "alice@acme.example.com" }, expires: "2027-01-31" };
        const err = configError(devConfig({ devspaces: [entry, { ...entry, name: "bob", quota: { cpu: "250m" } }] }));
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:devspaces[1].quota.cpu"]);
        expect(err.message).to.contain("must be at least 500m");
    });
});

describe("devspace frames on EKS: the owner's IAM principal maps to a group bound to the namespace only", () => {
    it("adds an access entry with that group and no access policy", async () => {
        const plan = await planOf("prod-eks", {
            config: {
                environment: "dev",
                devspaces: [
                    { name: "alice", owner: { aws: "arn:aws:iam::123456789012:role/alice" }, expires: "2027-01-31" },
                ],
            },
        });
        const entry = ofType(plan, "aws:eks/accessEntry:AccessEntry").find(
            (r: PlannedResource) => r.inputs.principalArn === "arn:aws:iam::123456789012:role/alice",
        )!;
        expect(entry.inputs).to.include({ type: "STANDARD" });
        expect(entry.inputs.kubernetesGroups).to.deep.equal(["airflow-platform:devspace:alice"]);
        const policies = ofType(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter(
            (r) => r.inputs.principalArn === entry.inputs.principalArn,
        );
        expect(policies, "no EKS access policy: RBAC alone decides").to.deep.equal([]);
        const binding = plan.resources.find(
            (r) => r.type.endsWith(":RoleBinding") && (r.inputs.metadata as Obj).namespace === "devspace-alice",
        )!;
        expect(binding.inputs.subjects).to.deep.equal([
            { kind: "Group", name: "airflow-platform:devspace:alice", apiGroup: "rbac.authorization.k8s.io" },
        ]);
    });
});
