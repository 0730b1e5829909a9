/** The DevspaceFrame component planned alone: a fake cluster, no stack config, no dev stack. */
import { expect } from "chai";
import { DevspaceFrame, DevspaceFrameArgs } from "../components/devspace";
import { ArgsError } from "../components/validation";
import type { Plan } from "../tools/offline/runtime";
import { fakeCluster, planComponent } from "./fake-cluster";
import { kubeObjects } from "./harness";

type Obj = Record<string, any>;

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
        const plan = await planFrame({ monitoringNamespace: "monitoring", kedaNamespace: "keda" });
        const namespaces = ingressPeers(plan)
            .filter((peer) => peer.namespaceSelector)
            .map((peer) => peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);
        expect(namespaces).to.have.members(["monitoring", "keda"]);
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
