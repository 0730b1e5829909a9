/** Which config values a stack leaves to their defaults, for the plan summary: the key and the value applied. */
import { schemaAt, unwrap } from "./errors";
import type { StackConfig } from "./resolved";

export interface AppliedDefault {
    /** The key as it would be set, e.g. `airflow.workers.replicas`. */
    key: string;
    value: unknown;
}

/**
 * Every leaf of the resolved config that the raw config (as read from the stack file) does not set, limited to keys
 * the schema has (derived fields such as `production` are left out). Objects that are maps (labels, extraConfig) and
 * arrays count as one value.
 */
export function appliedDefaults(raw: Record<string, unknown>, resolved: StackConfig): AppliedDefault[] {
    const found: AppliedDefault[] = [];
    const walk = (value: unknown, given: unknown, path: string[]) => {
        const schema = path.length > 0 ? schemaAt(path) : undefined;
        if (path.length > 0 && !schema) return;
        const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
        const isRecord = schema !== undefined && unwrap(schema)._zod.def.type === "record";
        if (isObject && !isRecord && Object.keys(value as object).length > 0) {
            const givenObject = given !== null && typeof given === "object" ? (given as Record<string, unknown>) : {};
            for (const [k, v] of Object.entries(value as Record<string, unknown>))
                walk(v, givenObject[k], [...path, k]);
            return;
        }
        if (given === undefined && value !== undefined) found.push({ key: path.join("."), value });
    };
    const { secrets: _secrets, ...config } = resolved;
    walk(config, raw, []);
    return found;
}
