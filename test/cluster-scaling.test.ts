/**
 * EKS node group bounds on a running cluster: the scaling script run by bash against a stand-in `aws` CLI that answers
 * `describe-nodegroup` with the group's current sizes and records every `update-nodegroup-config`.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NODEGROUP_SCALING_SCRIPT } from "../components/cluster/eks/scaling";
import * as harness from "./harness";
import { Plan, planOf } from "./harness";

type Obj = Record<string, any>;

/** Runs the script with the group at `current` (min, max, desired) and the new bounds; returns the update calls. */
function run(
    current: [number, number, number],
    bounds: { min: number; max: number },
): { calls: string[]; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nodegroup-scaling-"));
    try {
        const log = path.join(dir, "calls");
        fs.writeFileSync(
            path.join(dir, "aws"),
            `#!/bin/bash\ncase "$2" in\n  describe-nodegroup) printf '%s\\t%s\\t%s\\n' ${current.join(" ")};;\n  *) echo "$*" >> "${log}";;\nesac\n`,
            { mode: 0o755 },
        );
        const r = spawnSync("bash", ["-c", NODEGROUP_SCALING_SCRIPT], {
            encoding: "utf8",
            timeout: 10000,
            env: {
                PATH: `${dir}:${process.env.PATH}`,
                REGION: "eu-west-1",
                CLUSTER: "c",
                NODEGROUP: "on-demand-1-x",
                MIN_SIZE: String(bounds.min),
                MAX_SIZE: String(bounds.max),
            },
        });
        expect(r.status, r.stderr).to.equal(0);
        const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
        return { calls, output: r.stdout };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const update = (min: number, max: number, desired: number) =>
    `eks update-nodegroup-config --region eu-west-1 --cluster-name c --nodegroup-name on-demand-1-x --scaling-config minSize=${min},maxSize=${max},desiredSize=${desired}`;
const wait = "eks wait nodegroup-active --region eu-west-1 --cluster-name c --nodegroup-name on-demand-1-x";

describe("cluster layer: EKS node group bounds change on a running cluster", () => {
    it("raising minNodes above the current desired size raises the desired size with it", () => {
        expect(run([1, 3, 1], { min: 2, max: 3 }).calls).to.deep.equal([update(2, 3, 2), wait]);
    });

    it("lowering maxNodes below the current desired size lowers the desired size with it", () => {
        expect(run([0, 30, 12], { min: 0, max: 8 }).calls).to.deep.equal([update(0, 8, 8), wait]);
    });

    it("keeps the autoscaler's desired size when it is inside the new bounds", () => {
        expect(run([1, 3, 3], { min: 2, max: 6 }).calls).to.deep.equal([update(2, 6, 3), wait]);
    });

    it("sends nothing when the bounds already hold (EKS refuses an update without changes)", () => {
        const r = run([2, 6, 4], { min: 2, max: 6 });
        expect(r.calls).to.deep.equal([]);
        expect(r.output).to.contain("already");
    });

    describe("in the plan (prod-eks)", () => {
        let plan: Plan;
        before(async () => {
            plan = await planOf("prod-eks");
        });

        it("leaves every group's scaling config to the script after creation, one command per group with its bounds", () => {
            const groups = harness.ofType(plan, "aws:eks/nodeGroup:NodeGroup");
            const commands = harness.ofType(plan, "command:local:Command");
            expect(commands).to.have.length(groups.length);
            for (const group of groups) {
                expect(group.ignoreChanges, group.name).to.include("scalingConfig");
                const scaling = (group.inputs as Obj).scalingConfig;
                const command = commands.find((c) => c.dependencies.includes(group.urn))!;
                expect(command, group.name).to.not.equal(undefined);
                const env = (command.inputs as Obj).environment;
                expect(env).to.include({
                    REGION: "eu-west-1",
                    CLUSTER: "airflow-prod-eks",
                    MIN_SIZE: String(scaling.minSize),
                    MAX_SIZE: String(scaling.maxSize),
                });
                expect((command.inputs as Obj).update).to.equal(NODEGROUP_SCALING_SCRIPT);
            }
        });
    });
});
