/** Config errors that name the full key, the value given and what is allowed. */
import { z } from "zod";
import { PROJECT, stackConfigSchema } from "./schema";

export interface ConfigIssue {
    /** Full key, e.g. `airflow-platform:nodePools.spot.maxNodes`. */
    key: string;
    message: string;
    /** The value given, when there was one. */
    value?: unknown;
}

/** A stack config that cannot be deployed. Thrown before any resource is registered. */
export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly issues: ConfigIssue[],
    ) {
        super(
            `Invalid config for stack "${stack}":\n` +
                issues
                    .map((i) => `  - ${i.key}${i.value === undefined ? "" : ` = ${JSON.stringify(i.value)}`}: ${i.message}`)
                    .join("\n"),
        );
        this.name = "ConfigError";
    }
}

export function fullKey(path: readonly PropertyKey[]): string {
    let key = `${PROJECT}:`;
    path.forEach((part, i) => {
        if (typeof part === "number") key += `[${part}]`;
        else key += `${i === 0 ? "" : "."}${String(part)}`;
    });
    return key;
}

export function describeZodIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => ({
            key: fullKey([...issue.path, k]),
            message: `unknown key; allowed here: ${describeAllowedKeys(issue.path)}`,
        }));
    }
    const value = issue.input;
    return [{ key: fullKey(issue.path), message: issue.message, value: value === undefined ? undefined : value }];
}

function describeAllowedKeys(path: readonly PropertyKey[]): string {
    let schema: z.core.$ZodType = stackConfigSchema;
    for (const part of path) {
        schema = unwrap(schema);
        const shape = (schema as z.ZodObject)._zod.def.shape as Record<string, z.core.$ZodType> | undefined;
        if (typeof part === "number") {
            const element = (schema as unknown as z.ZodArray)._zod.def.element;
            if (!element) return "(see the README)";
            schema = element;
        } else if (shape && shape[String(part)]) schema = shape[String(part)];
        else return "(see the README)";
    }
    const shape = (unwrap(schema) as z.ZodObject)._zod.def.shape as Record<string, unknown> | undefined;
    return shape ? Object.keys(shape).join(", ") : "(see the README)";
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
        const def = current._zod.def as { innerType?: z.core.$ZodType; type: string };
        if (def.innerType && ["optional", "default", "prefault", "nullable"].includes(def.type)) current = def.innerType;
        else return current;
    }
}
