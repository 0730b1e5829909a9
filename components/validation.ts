/**
 * How a component refuses bad Args before it creates anything. A component exports `check<Name>Args(args)`, returning
 * issues by their path inside its Args; its constructor throws `ArgsError` when the list is not empty (a program
 * using the component alone gets the same refusal), and the stack layer runs the same check first and reports each
 * issue under the config key that set that path.
 */

/** One problem with a component's Args. */
export interface ArgsIssue {
    /** Dotted path inside the component's Args, e.g. "workers.maxReplicas". */
    path: string;
    /** What is wrong and what is allowed. */
    message: string;
}

/** A component's refusal of its Args, listing every issue. */
export class ArgsError extends Error {
    constructor(
        readonly component: string,
        readonly issues: ArgsIssue[],
    ) {
        super(`${component}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
        this.name = "ArgsError";
    }
}

/** Throws `ArgsError` when `issues` is not empty. */
export function refuseArgs(component: string, issues: ArgsIssue[]): void {
    if (issues.length > 0) throw new ArgsError(component, issues);
}
