/**
 * Spot that never strands the work: diverse spot capacity per cloud, an on-demand fallback with its own taint that only
 * the workers tolerate, and the order spot first, fallback second, enforced by each cloud's autoscaler
 * (GKE: the workers' ComputeClass; EKS: the cluster autoscaler's priority expander).
 */
import { expect } from "chai";
import { AUTOSCALER_PRIORITIES, eksOnDemandGroupSpecs } from "../components/cluster/eks/specs";
import { groupByShape, instanceShape, isArm64 } from "../components/cluster/eks/instance-types";
import {
    CAPACITY_LABEL,
    FALLBACK_TAINT,
    managedPlacements,
    poolLabels,
    poolTaints,
} from "../components/cluster/placement";
import type { Placement, Toleration } from "../components/cluster/types";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import * as harness from "./harness";
import { Plan, configError, helmValues, planOf } from "./harness";

type Obj = Record<string, any>;
const { ofType, the } = harness.loose;
const importEsm = new Function("s", "return import(s)") as (
    s: string,
) => Promise<Record<string, new (o: unknown) => { validate(): void }>>;

/**
 * Whether the scheduler may bind a pod with this placement to a node with these labels and taints: every nodeSelector
 * label, one required affinity term, every NoSchedule taint tolerated (the Kubernetes scheduling rules for node
 * selectors, node affinity and taints; preferences do not filter).
 */
function fits(p: Placement, node: { labels: Record<string, string>; taints: Toleration[] }): boolean {
    if (!Object.entries(p.nodeSelector).every(([k, v]) => node.labels[k] === v)) return false;
    const terms = p.affinity?.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (
        terms &&
        !terms.some((t) =>
            t.matchExpressions.every((e) => e.operator === "In" && e.values!.includes(node.labels[e.key])),
        )
    )
        return false;
    const tolerates = (taint: Toleration) =>
        p.tolerations.some(
            (t) =>
                t.key === taint.key &&
                t.effect === taint.effect &&
                (t.operator === "Exists" || t.value === taint.value),
        );
    return node.taints.every(tolerates);
}

/** A pool's nodes as the cloud makes them: the pool's labels and taints. */
const node = (cloud: "gke" | "eks", pool: "onDemand" | "spot" | "fallback") => ({
    labels: poolLabels(cloud, pool),
    taints: poolTaints(cloud, pool),
});

describe("spot with an on-demand fallback: placement", () => {
    for (const cloud of ["gke", "eks"] as const) {
        const placements = managedPlacements(cloud);
        it(`${cloud}: workers fit spot and fallback nodes, never the control plane's; nothing else fits spot or fallback`, () => {
            expect(fits(placements.workers!, node(cloud, "spot"))).to.equal(true);
            expect(fits(placements.workers!, node(cloud, "fallback"))).to.equal(true);
            expect(fits(placements.workers!, node(cloud, "onDemand"))).to.equal(false);
            for (const pool of ["spot", "fallback"] as const)
                expect(fits(placements.onDemand, node(cloud, pool)), pool).to.equal(false);
            expect(fits(placements.onDemand, node(cloud, "onDemand"))).to.equal(true);
        });

        it(`${cloud}: among nodes that exist the scheduler prefers spot (the only preference), so the fallback drains`, () => {
            expect(
                placements.workers!.affinity!.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution,
            ).to.deep.equal([
                {
                    weight: 100,
                    preference: { matchExpressions: [{ key: CAPACITY_LABEL, operator: "In", values: ["spot"] }] },
                },
            ]);
        });

        it(`${cloud}: the fallback carries its own taint, distinct from the spot taint`, () => {
            expect(poolTaints(cloud, "fallback")).to.deep.include(FALLBACK_TAINT);
            expect(poolTaints(cloud, "spot")).to.not.deep.include(FALLBACK_TAINT);
            expect(poolLabels(cloud, "fallback")[CAPACITY_LABEL]).to.equal("fallback");
        });
    }
});

describe("spot with an on-demand fallback: planned GKE stack (prod-gke)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planOf("prod-gke");
    });
    const pools = () => ofType(plan, "gcp:container/nodePool:NodePool");

    it("runs spot in several machine families, one pool each, and an on-demand fallback pool from 0", () => {
        const spot = pools().filter((p) => p.inputs.nodeConfig.spot);
        expect(spot.map((p) => p.inputs.nodeConfig.machineType)).to.deep.equal([
            "n2-standard-8",
            "n2d-standard-8",
            "e2-standard-8",
        ]);
        const fallback = pools().find((p) => p.inputs.namePrefix === "fallback-")!.inputs;
        expect(fallback.nodeConfig).to.include({ spot: false, machineType: "n2-standard-8" });
        expect(fallback.autoscaling).to.include({ totalMinNodeCount: 0, totalMaxNodeCount: 30, locationPolicy: "ANY" });
        expect(fallback.nodeConfig.taints).to.deep.include({
            key: CAPACITY_LABEL,
            value: "fallback",
            effect: "NO_SCHEDULE",
        });
    });

    it("orders the workers' pools in a ComputeClass: each spot pool, then the fallback; back to spot when it can", () => {
        const computeClass = the(plan, "kubernetes:cloud.google.com/v1:ComputeClass");
        const spot = pools().filter((p) => p.inputs.nodeConfig.spot);
        const fallback = pools().find((p) => p.inputs.namePrefix === "fallback-")!;
        expect(computeClass.inputs.metadata.name).to.equal("airflow-workers");
        const priorities = computeClass.inputs.spec.priorities as { nodepools: string[] }[];
        expect(priorities).to.have.length(spot.length + 1);
        // The pool names are the pools' outputs: the class waits for every pool, the fallback last in its list.
        for (const p of [...spot, fallback]) expect(computeClass.dependencies).to.include(p.urn);
        expect(computeClass.inputs.spec).to.deep.include({
            activeMigration: { optimizeRulePriority: true },
            nodePoolAutoCreation: { enabled: false },
            whenUnsatisfiable: "DoNotScaleUp",
        });
        // Every workers' pool joins the class by its label and taint; the control plane's pool does not.
        for (const p of pools()) {
            const inClass = p.inputs.nodeConfig.labels["cloud.google.com/compute-class"] === "airflow-workers";
            expect(inClass, p.inputs.namePrefix).to.equal(p.inputs.namePrefix !== "on-demand-");
            expect(
                p.inputs.nodeConfig.taints.some((t: Obj) => t.key === "cloud.google.com/compute-class"),
                p.inputs.namePrefix,
            ).to.equal(inClass);
        }
    });

    it("gives the Airflow workers the cluster's worker placement: the class, spot preferred, both taints tolerated", () => {
        const workers = (helmValues(plan, "airflow-release").workers ?? {}) as Obj;
        const placement = managedPlacements("gke").workers!;
        expect(workers.nodeSelector).to.deep.equal({ "cloud.google.com/compute-class": "airflow-workers" });
        expect(workers.affinity.nodeAffinity).to.deep.equal(placement.affinity!.nodeAffinity);
        expect(workers.tolerations).to.deep.equal(placement.tolerations);
        expect(workers.tolerations.map((t: Obj) => `${t.key}=${t.value}`).sort()).to.deep.equal([
            "airflow-platform/capacity=fallback",
            "cloud.google.com/compute-class=airflow-workers",
            "cloud.google.com/gke-spot=true",
        ]);
    });
});

describe("spot with an on-demand fallback: planned EKS stack (prod-eks)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planOf("prod-eks");
    });
    const groups = () => ofType(plan, "aws:eks/nodeGroup:NodeGroup");
    const autoscaler = () =>
        ofType(plan, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "cluster-autoscaler")!;

    it("runs one SPOT group per instance shape, each of several generations and vendors, and an ON_DEMAND fallback from 0", () => {
        const spot = groups().filter((g) => g.inputs.capacityType === "SPOT");
        expect(spot.map((g) => [g.inputs.nodeGroupNamePrefix, g.inputs.instanceTypes]).sort()).to.deep.equal([
            ["spot-m-2xlarge-", ["m6i.2xlarge", "m6a.2xlarge", "m5.2xlarge", "m7i.2xlarge"]],
            ["spot-r-2xlarge-", ["r6i.2xlarge", "r6a.2xlarge", "r5.2xlarge"]],
        ]);
        for (const g of spot) expect(new Set(g.inputs.instanceTypes.map(instanceShape)).size, g.name).to.equal(1);
        const fallback = groups().find((g) => g.inputs.nodeGroupNamePrefix === "fallback-")!.inputs;
        expect(fallback).to.include({ capacityType: "ON_DEMAND" });
        expect(fallback.instanceTypes).to.deep.equal(["m6i.2xlarge", "m6a.2xlarge", "m5.2xlarge", "m7i.2xlarge"]);
        expect(fallback.scalingConfig).to.include({ minSize: 0, maxSize: 30 });
        expect(fallback.taints).to.deep.equal([{ key: CAPACITY_LABEL, value: "fallback", effect: "NO_SCHEDULE" }]);
    });

    it("tells the cluster autoscaler: spot groups first, the fallback only when no spot group can grow", () => {
        const values = autoscaler().inputs.values;
        expect(values.extraArgs.expander).to.equal("priority,least-waste");
        expect(values.expanderPriorities).to.deep.equal(AUTOSCALER_PRIORITIES);
        // What the expander matches: the ASG names EKS gives managed node groups, eks-<node group name>-<uuid>.
        const asgName = (prefix: string) =>
            `eks-${prefix}20261201083000000000000001-4ec6a5e2-1b2c-3d4e-5f60-718293a4b5c6`;
        const priorityOf = (id: string) =>
            Math.max(
                ...Object.entries(values.expanderPriorities as Record<string, string[]>)
                    .filter(([, res]) => res.some((re) => new RegExp(re).test(id)))
                    .map(([p]) => Number(p)),
            );
        const byPrefix = Object.fromEntries(
            groups().map((g) => [g.inputs.nodeGroupNamePrefix, priorityOf(asgName(g.inputs.nodeGroupNamePrefix))]),
        );
        expect(byPrefix).to.deep.equal({
            "on-demand-1-": 10,
            "on-demand-2-": 10,
            "on-demand-3-": 10,
            "spot-m-2xlarge-": 50,
            "spot-r-2xlarge-": 50,
            "fallback-": 20,
        });
    });

    it("runs the control plane in one ON_DEMAND group per AZ, so a pod with a zonal EBS volume gets a node in its zone", () => {
        const onDemand = groups().filter((g) => g.inputs.nodeGroupNamePrefix.startsWith("on-demand-"));
        expect(onDemand.map((g) => g.inputs.subnetIds).sort()).to.deep.equal([
            ["subnet-private-0"],
            ["subnet-private-1"],
            ["subnet-private-2"],
        ]);
        // minNodes 2 and maxNodes 6 of prod-eks, shared out over three zones.
        expect(onDemand.map((g) => g.inputs.scalingConfig.minSize).reduce((a: number, b: number) => a + b, 0)).to.equal(
            2,
        );
        for (const g of onDemand) expect(g.inputs.scalingConfig.maxSize, g.name).to.equal(2);
        expect(autoscaler().inputs.values.extraArgs["balance-similar-node-groups"]).to.equal(true);
        expect(
            eksOnDemandGroupSpecs({ machineTypes: ["m6i.xlarge"], minNodes: 4, maxNodes: 5, diskSizeGb: 50 }, 3).map(
                (g) => [g.scalingConfig.minSize, g.scalingConfig.maxSize],
            ),
        ).to.deep.equal([
            [2, 2],
            [1, 2],
            [1, 2],
        ]);
    });

    it("lets the fallback scale from 0: its Auto Scaling group carries its label and taint for the autoscaler", () => {
        const fallback = groups().find((g) => g.inputs.nodeGroupNamePrefix === "fallback-")!;
        const tags = ofType(plan, "aws:autoscaling/tag:Tag")
            .filter((t) => t.dependencies.includes(fallback.urn))
            .map((t) => t.inputs.tag);
        expect(tags).to.deep.include({
            key: "k8s.io/cluster-autoscaler/node-template/taint/airflow-platform/capacity",
            value: "fallback:NoSchedule",
            propagateAtLaunch: false,
        });
        expect(tags).to.deep.include({
            key: "k8s.io/cluster-autoscaler/node-template/label/airflow-platform/capacity",
            value: "fallback",
            propagateAtLaunch: false,
        });
    });

    it("gives the Airflow workers spot-or-fallback affinity, a selector the chart keeps, and valid pod fields", async () => {
        const workers = (helmValues(plan, "airflow-release").workers ?? {}) as Obj;
        const placement = managedPlacements("eks").workers!;
        // Empty, the chart would fall back to the global (on-demand) nodeSelector: a selector every node matches instead.
        expect(workers.nodeSelector).to.deep.equal({ "kubernetes.io/os": "linux" });
        expect(workers.affinity.nodeAffinity).to.deep.equal(placement.affinity!.nodeAffinity);
        expect(workers.affinity.podAntiAffinity).to.not.equal(undefined);
        expect(workers.tolerations).to.deep.equal(placement.tolerations);
        const core = await importEsm("kubernetes-models/v1");
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "worker" },
            spec: {
                containers: [{ name: "worker", image: "apache/airflow:3.1.8" }],
                nodeSelector: workers.nodeSelector,
                affinity: workers.affinity,
                tolerations: workers.tolerations,
            },
        };
        expect(() => new core.Pod(pod).validate()).to.not.throw();
    });

    it("makes fallback use visible: the rules type fallback nodes by the cluster's fallback label, and alert on workers there", () => {
        const rule = the(plan, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        const rules = (rule.inputs.spec.groups as { rules: Obj[] }[]).flatMap((g) => g.rules);
        const capacity = rules.find((r) => r.record === "node:capacity_type:info")!;
        const fallback = managedPlacements("eks").fallback!.nodeSelector;
        expect(Object.keys(fallback)).to.deep.equal([CAPACITY_LABEL]);
        expect(capacity.expr).to.contain(`label_airflow_platform_capacity="fallback"}, "capacity_type", "fallback"`);
        expect(rules.find((r) => r.alert === "AirflowWorkersOnFallbackCapacity")?.for).to.equal("30m");
    });

    it("tolerates the spot and fallback taints only in the workers' values, in every chart the stack installs", () => {
        const tolerating: string[] = [];
        const walk = (value: unknown, path: string) => {
            if (Array.isArray(value)) {
                if (path.endsWith("tolerations") && value.some((t: Obj) => t?.key === CAPACITY_LABEL))
                    tolerating.push(path);
                value.forEach((v, i) => walk(v, `${path}[${i}]`));
            } else if (value && typeof value === "object")
                for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
        };
        for (const release of ofType(plan, "kubernetes:helm.sh/v3:Release")) walk(release.inputs.values, release.name);
        expect(tolerating).to.deep.equal(["airflow-release.workers.tolerations"]);
    });
});

describe("spot with an on-demand fallback: config", () => {
    const parse = (stack: string, changes: Record<string, unknown>) => {
        const file = readStackFile(stack);
        return parseStackConfig(stack, { ...file.config, ...changes }, file.secrets);
    };

    it("defaults the fallback to the first spot type (GKE) or the first spot group's types (EKS), 0 to the spot maximum", () => {
        expect(parse("dev", {}).nodePools.fallback).to.deep.equal({
            machineTypes: ["n2-standard-4"],
            minNodes: 0,
            maxNodes: 6,
            diskSizeGb: 100,
        });
        expect(parse("prod-eks", {}).nodePools.fallback.machineTypes).to.deep.equal([
            "m6i.2xlarge",
            "m6a.2xlarge",
            "m5.2xlarge",
            "m7i.2xlarge",
        ]);
        const unset = parse("prod-eks", { nodePools: { onDemand: { minNodes: 2, maxNodes: 6 } } }).nodePools;
        expect(groupByShape(unset.spot.machineTypes).map((g) => g.shape)).to.deep.equal(["m-xlarge", "r-xlarge"]);
    });

    it("refuses two GKE spot types of one family, Graviton types on EKS, and a fallback group of mixed shapes", () => {
        const gke = configError(() =>
            parse("dev", { nodePools: { spot: { machineTypes: ["n2-standard-4", "n2-standard-8"] } } }),
        );
        expect(gke.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:nodePools.spot.machineTypes"]);
        expect(gke.message).to.contain("one machine type per family");
        const arm = configError(() =>
            parse("prod-eks", { nodePools: { spot: { machineTypes: ["m7g.2xlarge", "m6i.2xlarge"] } } }),
        );
        expect(arm.message).to.contain("m7g.2xlarge is Graviton");
        expect(isArm64("c6gn.xlarge") && !isArm64("m6i.xlarge")).to.equal(true);
        const mixed = configError(() =>
            parse("prod-eks", { nodePools: { fallback: { machineTypes: ["m6i.2xlarge", "c6i.2xlarge"] } } }),
        );
        expect(mixed.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:nodePools.fallback.machineTypes"]);
    });
});
