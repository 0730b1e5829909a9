/** Checks of names that point outside the config: cloud regions and the stack a devspace references. */
import { AWS_REGIONS, GCP_REGIONS } from "../../components/cluster/regions";
import { didYouMean } from "./errors";
import type { Problem } from "./checks";
import { PROJECT, type RawStackConfig } from "./schema";

/** A zone is its region plus a suffix: europe-west1-b (GCP), eu-west-1a (AWS). */
const GCP_ZONE = /^([a-z]+-[a-z]+\d+)-[a-z]$/;
const AWS_ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/;

/**
 * `gcp.region` and `aws.region` must be regions: a zone is refused with its region named; an unknown name close to a
 * region is refused as a typo; any other unknown name only warns, since the cloud may have opened a region since.
 */
export function checkRegions(c: RawStackConfig, problem: Problem, warn: Problem) {
    const check = (key: "gcp" | "aws", region: string | undefined, known: readonly string[], zone: RegExp) => {
        if (!region || known.includes(region)) return;
        const zoneOf = zone.exec(region)?.[1];
        if (zoneOf && known.includes(zoneOf))
            return problem(
                [key, "region"],
                `is a zone; the region is ${zoneOf} (the ${key === "gcp" ? "GKE cluster is regional" : "EKS cluster spans the region's zones"})`,
                region,
            );
        const suggestion = didYouMean(region, known);
        if (suggestion)
            return problem(
                [key, "region"],
                `is not a ${key === "gcp" ? "GCP" : "AWS"} region; did you mean ${suggestion}?`,
                region,
            );
        warn(
            [key, "region"],
            `is not a ${key === "gcp" ? "GCP" : "AWS"} region this version knows (${known.length} known); check the name`,
            region,
        );
    };
    check("gcp", c.gcp?.region, GCP_REGIONS, GCP_ZONE);
    check("aws", c.aws?.region, AWS_REGIONS, AWS_ZONE);
}

/**
 * A devspace reads the shared cluster's outputs from a stack of this project: `<stack>`, `<org>/<stack>` or
 * `<org>/<project>/<stack>` (Pulumi's stack reference names), where a project must be this one.
 */
export function checkBaseStack(c: RawStackConfig, problem: Problem) {
    const baseStack = c.devspace?.baseStack;
    if (!baseStack) return;
    const parts = baseStack.split("/");
    if (parts.length > 3 || parts.some((p) => p === ""))
        return problem(
            ["devspace", "baseStack"],
            "must be <stack>, <org>/<stack> or <org>/<project>/<stack>",
            baseStack,
        );
    if (parts.length === 3 && parts[1] !== PROJECT)
        problem(
            ["devspace", "baseStack"],
            `names project "${parts[1]}"; the shared cluster is a stack of ${PROJECT}, e.g. <org>/${PROJECT}/dev`,
            baseStack,
        );
}
