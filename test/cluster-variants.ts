/** Plan variants shared by the cluster test files (identical options share one plan), and the warnings recorder. */

/**
 * Warnings the program prints (pulumi.log.warn goes to console.warn under the mocks), recorded from the moment mocha
 * loads the first cluster test file, before any plan of the suite runs: shared plans may be made by either file.
 */
export const warnings: string[] = [];
const consoleWarn = console.warn;
console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
    consoleWarn(...args);
};

/** The options of the IRSA variant of prod-eks; cluster-block-storage.test.ts uses the same, so the plan is shared. */
export const IRSA_VARIANT = {
    config: {
        aws: {
            region: "eu-west-1",
            workloadIdentity: "irsa",
            // The billed policy, so that the IRSA plan also covers EXTENDED.
            extendedSupport: true,
            vpc: { existingVpcId: "vpc-0abc", privateSubnetIds: ["subnet-a", "subnet-b"] },
        },
        exposure: { enabled: false },
    },
    // Also the one prod plan whose API endpoint is left open: it must warn.
    unset: ["controlPlane"],
};
