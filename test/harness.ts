/**
 * Test harness: plans stacks once (the offline runtime is the real program under Pulumi's mocks) and offers small
 * finders, so that tests read like specifications.
 */
import "./fixed-date";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../stacks/config";
import { Plan, PlanOptions, PlannedResource, planStack } from "../tools/offline/runtime";

export { COMPUTED, SECRET } from "../tools/offline/runtime";
export type { Plan, PlannedResource };

const cache = new Map<string, Promise<Plan>>();

/** The plan of a stack, shared by every test that asks for the same stack and options. */
export function planOf(stack: string, options: PlanOptions = {}): Promise<Plan> {
    const key = `${stack} ${JSON.stringify(options)}`;
    if (!cache.has(key)) cache.set(key, planStack(stack, options));
    return cache.get(key)!;
}

/** Every planned resource of a Pulumi type token (e.g. `gcp:container/nodePool:NodePool`). */
export function ofType(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The one planned resource of a type (and name, if given); fails loudly when there is none or several. */
export function the(plan: Plan, type: string, name?: string): PlannedResource {
    const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1)
        throw new Error(
            `expected one ${type}${name ? ` named ${name}` : ""} in plan ${plan.stack}, found ${found.length}: ` +
                ofType(plan, type)
                    .map((r) => r.name)
                    .join(", "),
        );
    return found[0];
}

/** Kubernetes objects of a kind, by the Pulumi type token's kind (e.g. "ConfigMap", "Ingress"). */
export function kubeObjects(plan: Plan, kind: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
}

/** The values of a Helm release, by the release resource's name. */
export function helmValues(plan: Plan, releaseName: string): Record<string, unknown> {
    return (the(plan, "kubernetes:helm.sh/v3:Release", releaseName).inputs.values ?? {}) as Record<string, unknown>;
}

/** Every string anywhere inside a value (for "no secret in plain text" scans). */
export function allStrings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(allStrings);
    if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
    return [];
}

/** The ConfigError a call throws; fails the test when it throws nothing or something else. */
export function configError(fn: () => unknown): ConfigError {
    try {
        fn();
    } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
    }
    throw new Error("expected a ConfigError");
}

/** The pinned Airflow chart's values.schema.json (vendored in test/fixtures/airflow-chart/, see its README). */
export function chartValuesSchema(): Record<string, unknown> & { properties: Record<string, unknown> } {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "airflow-chart", "values.schema.json"), "utf8"));
}

/** A planned resource whose inputs a test reads deep into (plan JSON is untyped). */
export type Planned = Omit<PlannedResource, "inputs"> & { inputs: Record<string, any> };

/** `ofType` and `the`, returning `Planned`. */
export const loose = {
    ofType: (plan: Plan, type: string) => ofType(plan, type) as Planned[],
    the: (plan: Plan, type: string, name?: string) => the(plan, type, name) as Planned,
};
