/** KEDA planned alone on a fake cluster: its operator stays off spot nodes and its CRDs come with the release. */
import { expect } from "chai";
import type { PoolPlacements } from "../components/cluster/types";
import { KEDA_NAMESPACE, KEDA_VERSION, Keda } from "../components/keda";
import { fakeCluster, planComponent } from "./fake-cluster";
import { helmValues, the } from "./harness";

describe("KEDA component alone (fake cluster)", () => {
    it("runs on the placement it is given (on-demand), never tolerating spot, and installs its CRDs", async () => {
        let placement: PoolPlacements | undefined;
        const plan = await planComponent(() => {
            const cluster = fakeCluster({ placementsOf: "eks" });
            placement = cluster.placement;
            const keda = new Keda("keda", { provider: cluster.provider, placement: cluster.placement.onDemand });
            return { namespace: keda.namespace };
        });
        const release = the(plan, "kubernetes:helm.sh/v3:Release", "keda-release");
        expect(release.inputs).to.include({ chart: "keda", version: KEDA_VERSION, namespace: KEDA_NAMESPACE });
        expect(release.parent).to.equal("keda");
        expect(the(plan, "airflow-platform:keda:Keda", "keda")).to.exist;
        const values = helmValues(plan, "keda-release") as Record<string, any>;
        expect(values.crds).to.deep.equal({ install: true });
        expect(values.nodeSelector).to.deep.equal(placement!.onDemand.nodeSelector);
        expect(values.tolerations).to.deep.equal(placement!.onDemand.tolerations);
        const spotTaint = placement!.spot.tolerations[0];
        expect(spotTaint, "the fake cluster taints spot nodes").to.exist;
        expect(values.tolerations).to.not.deep.include(spotTaint);
        expect(plan.outputs).to.deep.equal({ namespace: KEDA_NAMESPACE });
    });
});
