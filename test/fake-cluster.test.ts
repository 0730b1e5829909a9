import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import { fakeCluster, planComponent } from "./fake-cluster";
import { the } from "./harness";

// The fake cluster is what component tests stand on: it must plan on its own and hand its provider to children.
describe("fake cluster (for planning one component alone)", () => {
    it("plans a component's objects through the fake cluster's provider, with the managed clusters' spot taint", async () => {
        let tolerations: unknown;
        const plan = await planComponent(() => {
            const cluster = fakeCluster();
            tolerations = cluster.placement.spot.tolerations;
            new k8s.core.v1.Namespace("ns", { metadata: { name: "alone" } }, { provider: cluster.provider });
            return { name: cluster.clusterName };
        });
        expect(plan.stack).to.equal("test");
        expect(plan.resources.map((r) => r.type)).to.have.members([
            "pulumi:providers:kubernetes",
            "kubernetes:core/v1:Namespace",
        ]);
        expect(the(plan, "kubernetes:core/v1:Namespace").inputs).to.deep.include({ metadata: { name: "alone" } });
        expect(plan.outputs).to.deep.equal({ name: "fake" });
        expect(tolerations).to.deep.include({
            key: "cloud.google.com/gke-spot",
            operator: "Equal",
            value: "true",
            effect: "NoSchedule",
        });
    });
});
