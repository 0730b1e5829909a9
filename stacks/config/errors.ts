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
    const keys = allowedKeysAt(path);
    return keys ? keys.join(", ") : "(see docs/config.md)";
}

/** The keys the schema allows in the object at a path, or undefined when no object schema is there. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] | undefined {
    const schema = schemaAt(path);
    const shape = schema && ((unwrap(schema) as z.ZodObject)._zod.def.shape as Record<string, unknown> | undefined);
    return shape ? Object.keys(shape) : undefined;
}

/** The schema of the value at a config path (array indexes as numbers), or undefined when the schema has no such key. */
export function schemaAt(path: readonly PropertyKey[]): z.core.$ZodType | undefined {
    let schema: z.core.$ZodType = stackConfigSchema;
    for (const part of path) {
        schema = unwrap(schema);
        const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
        if (typeof part === "number") {
            if (def.type !== "array" || !def.element) return undefined;
            schema = def.element;
        } else if (def.shape && def.shape[String(part)]) schema = def.shape[String(part)];
        else return undefined;
    }
    return schema;
}

export function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
        const def = current._zod.def as { innerType?: z.core.$ZodType; type: string };
        if (def.innerType && ["optional", "default", "prefault", "nullable"].includes(def.type)) current = def.innerType;
        else return current;
    }
}
