import { expect } from "chai";
import { CHECKS } from "../policy/checks";
import { planOf } from "./harness";

// What CI's `pulumi preview --policy-pack policy` enforces, checked offline on every reference stack's plan. The
// checks see revealed inputs: @pulumi/policy hands policies secret values unwrapped, so a secret inlined into Helm
// values is a violation even when Pulumi encrypts it in state.
describe("policy pack on the reference stacks' plans", () => {
    for (const stack of ["dev", "prod-gke", "prod-eks", "devspace-demo"]) {
        it(`${stack} passes every mandatory policy`, async () => {
            const plan = await planOf(stack);
            const violations = plan.resources.flatMap((r) =>
                CHECKS.flatMap((c) => c.check(r.type, r.revealedInputs).map((m) => `[${c.name}] ${r.type} ${r.name}: ${m}`)),
            );
            expect(violations).to.deep.equal([]);
            expect(plan.resources.length).to.be.greaterThan(5);
        });
    }
});
