/**
 * The policies of the pack, wired from the pure checks. Kept apart from index.ts because `new PolicyPack` starts a
 * gRPC server: the tests import this module, never index.ts.
 */
import type {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidation,
    StackValidationArgs,
} from "@pulumi/policy";
import { CHECKS, Props, UNKNOWN } from "./checks";

/** The sentinels @pulumi/policy uses for values unknown during preview (proxy.js), all mapped to UNKNOWN. */
const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** @pulumi/policy's proxy throws on every unknown it meets; the checks want plain data with unknowns marked. */
export function plainProps(props: Record<string, unknown>): Props {
    const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"] ?? props;
    const plain = (value: unknown): unknown => {
        if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) return UNKNOWN;
        if (Array.isArray(value)) return value.map(plain);
        if (value && typeof value === "object")
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
        return value;
    };
    return plain(target) as Props;
}

/** A policy of the pack: every one validates resources; those whose check relates resources also validate the stack. */
export type PackPolicy = ResourceValidationPolicy & { validateStack?: StackValidation };

export function buildPolicies(enforcementLevel: EnforcementLevel = "mandatory"): PackPolicy[] {
    return CHECKS.map((c) => {
        const checkStack = c.checkStack;
        return {
            name: c.name,
            description: c.description,
            enforcementLevel,
            validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
                for (const message of c.check(args.type, plainProps(args.props)))
                    reportViolation(`${args.name}: ${message}`);
            },
            // @pulumi/policy runs validateStack once per preview/update with every resource (their outputs).
            ...(checkStack && {
                validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                    const resources = args.resources.map((r) => ({
                        type: r.type,
                        name: r.name,
                        urn: r.urn,
                        props: plainProps(r.props),
                    }));
                    for (const v of checkStack(resources))
                        reportViolation(`${v.resource.name}: ${v.message}`, v.resource.urn);
                },
            }),
        };
    });
}
