/** The DevspaceFrame component planned alone: a fake cluster, no stack config, no dev stack. */
import { expect } from "chai";
import { DevspaceAirflowPods, DevspaceFrame, DevspaceFrameArgs } from "../components/devspace";
import { ArgsError } from "../components/validation";
import type { Plan } from "../tools/offline/runtime";
import { fakeCluster, planComponent } from "./fake-cluster";
import { kubeObjects } from "./harness";

type Obj = Record<string, any>;

/** The Airflow pods and ports as a stack would hand them over; not the chart's, so the test sees these reach the policies. */
const AIRFLOW_PODS: DevspaceAirflowPods = {
    statsdExporter: { podLabels: { app: "exporter" }, port: { protocol: "TCP", port: 19102 } },
    database: { podLabels: { app: "db", role: "primary" }, port: { protocol: "TCP", port: 15432 } },
};
const KEDA = { namespace: "keda", podLabels: { app: "keda-op" } };

/** Plans one frame for "alice" on a fake cluster, with `extra` Args (e.g. the routing rules stacks/ wires). */
function planFrame(extra: Partial<DevspaceFrameArgs> = {}): Promise<Plan> {
    return planComponent(() => {
        const cluster = fakeCluster();
        new DevspaceFrame("devspace-alice", {
            entry: { name: "alice", owner: { gcp: "alice@example.com" }, expires: "2099-12-31" },
            provider: cluster.provider,
            cluster: {
                clusterName: cluster.clusterName,
                placement: cluster.placement,
                sharedStorageClassName: cluster.sharedStorageClassName,
                blockStorageClassName: cluster.blockStorageClassName,
            },
            airflowPods: AIRFLOW_PODS,
            ...extra,
        });
    });
}

/** Every peer a NetworkPolicy's ingress rules admit. */
const ingressPeers = (plan: Plan): Obj[] =>
    kubeObjects(plan, "NetworkPolicy").flatMap((p) =>
        ((p.inputs as Obj).spec.ingress ?? []).flatMap((rule: Obj) => rule.from ?? []),
    );

describe("DevspaceFrame component, planned alone", () => {
    it("denies all traffic by default and admits no other namespace unless stacks/ wires a routing rule", async () => {
        const plan = await planFrame();
        const policies = kubeObjects(plan, "NetworkPolicy").map((p) => p.inputs as Obj);
        const deny = policies.find((p) => p.metadata.name === "default-deny");
        expect(deny?.spec).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        for (const p of policies) expect(p.metadata.namespace).to.equal("devspace-alice");
        // Only pods of the namespace itself (a podSelector without a namespaceSelector) may connect.
        expect(ingressPeers(plan)).to.deep.equal([{ podSelector: {} }]);
    });

    it("admits exactly the shared Prometheus and KEDA namespaces it is given, no other", async () => {
        const plan = await planFrame({ monitoringNamespace: "monitoring", keda: KEDA });
        const namespaces = ingressPeers(plan)
            .filter((peer) => peer.namespaceSelector)
            .map((peer) => peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);
        expect(namespaces).to.have.members(["monitoring", "keda"]);
    });

    it("admits the shared Prometheus and KEDA to exactly the pods and ports it is given, nothing else", async () => {
        const plan = await planFrame({ monitoringNamespace: "monitoring", keda: KEDA });
        // Every rule admitting another namespace: which pods of the devspace, from where, on which ports.
        const admitted = kubeObjects(plan, "NetworkPolicy").flatMap((p) => {
            const spec = (p.inputs as Obj).spec;
            return (spec.ingress ?? [])
                .filter((rule: Obj) => (rule.from ?? []).some((peer: Obj) => peer.namespaceSelector))
                .map((rule: Obj) => ({ pods: spec.podSelector, from: rule.from, ports: rule.ports }));
        });
        const fromNamespace = (namespace: string) => ({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        });
        expect(admitted).to.have.deep.members([
            {
                pods: { matchLabels: { app: "exporter" } },
                from: [fromNamespace("monitoring")],
                ports: [{ protocol: "TCP", port: 19102 }],
            },
            {
                pods: { matchLabels: { app: "db", role: "primary" } },
                from: [{ ...fromNamespace("keda"), podSelector: { matchLabels: { app: "keda-op" } } }],
                ports: [{ protocol: "TCP", port: 15432 }],
            },
        ]);
        expect(admitted).to.have.length(2);
    });

    it("quotas the namespace (the default 2 CPU / 4Gi when the entry names none) and forbids load balancers", async () => {
        const plan = await planFrame();
        const quotas = kubeObjects(plan, "ResourceQuota");
        expect(quotas).to.have.length(1);
        const hard = (quotas[0].inputs as Obj).spec.hard;
        expect(hard).to.deep.include({
            "requests.cpu": "2",
            "requests.memory": "4Gi",
            "requests.storage": "20Gi",
            "services.loadbalancers": "0",
        });
        expect(plan.resources.find((r) => r.name === "devspace-alice")?.type).to.equal(
            "airflow-platform:devspace:DevspaceFrame",
        );
    });

    it("refuses a quota below the LimitRange's default container limit and an owner with no identity, creating nothing", async () => {
        let refusal: unknown;
        const plan = await planComponent(() => {
            const cluster = fakeCluster();
            try {
                new DevspaceFrame("devspace-bob", {
                    entry: { name: "bob", owner: {}, expires: "2099-12-31", quota: { cpu: "250m" } },
                    provider: cluster.provider,
                    cluster: {
                        clusterName: "fake",
                        placement: cluster.placement,
                        sharedStorageClassName: "rwx",
                        blockStorageClassName: "",
                    },
                    airflowPods: AIRFLOW_PODS,
                });
            } catch (e) {
                refusal = e;
            }
        });
        expect(refusal).to.be.instanceOf(ArgsError);
        expect((refusal as ArgsError).issues.map((i) => i.path)).to.deep.equal(["owner", "quota.cpu"]);
        expect(plan.resources.map((r) => r.type)).to.deep.equal(["pulumi:providers:kubernetes"]);
    });
});
