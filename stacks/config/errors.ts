/** Config errors that name the full key, the value given and what is allowed. */
import { closest, distance } from "fastest-levenshtein";
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
        super(`Invalid config for stack "${stack}":\n` + issues.map((i) => describeIssue(i)).join("\n"));
        this.name = "ConfigError";
    }
}

/** One issue as a line: the key, the value given, what is wrong, and a hint when the value looks like a YAML number. */
export function describeIssue(i: ConfigIssue, refused = true): string {
    const hint = refused ? truncatedNumberHint(i.value) : undefined;
    return `  - ${i.key}${i.value === undefined ? "" : ` = ${JSON.stringify(i.value)}`}: ${i.message}${hint && !i.message.includes("YAML") ? ` (${hint})` : ""}`;
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
        return issue.keys.map((k) => {
            const allowed = allowedKeysAt(issue.path) ?? [];
            const suggestion = didYouMean(k, allowed);
            return {
                key: fullKey([...issue.path, k]),
                message: `unknown key${suggestion ? ` (did you mean ${suggestion}?)` : ""}; allowed here: ${allowed.join(", ") || "(see docs/config.md)"}`,
            };
        });
    }
    const value = issue.input;
    let message = issue.message;
    const schema = schemaAt(issue.path);
    const range = schema ? numberRange(schema) : undefined;
    if (
        range &&
        (issue.code === "too_small" ||
            issue.code === "too_big" ||
            issue.code === "invalid_type" ||
            issue.code === "not_multiple_of")
    )
        message = `must be ${range} (${issue.message})`;
    if (typeof value === "number" && schema && expectsText(schema)) message += `: ${yamlNumberHint(value)}`;
    return [{ key: fullKey(issue.path), message, value: value === undefined ? undefined : value }];
}

/** The allowed range of a number schema, e.g. "an integer from 1 to 1000"; undefined for other schemas. */
export function numberRange(schema: z.core.$ZodType): string | undefined {
    const inner = unwrap(schema) as unknown as {
        _zod: { def: { type: string } };
        minValue: number | null;
        maxValue: number | null;
        isInt: boolean;
    };
    if (inner._zod.def.type !== "number") return undefined;
    const what = inner.isInt ? "an integer" : "a number";
    const min = inner.minValue !== null && Number.isFinite(inner.minValue) ? inner.minValue : undefined;
    const max = inner.maxValue !== null && Number.isFinite(inner.maxValue) ? inner.maxValue : undefined;
    if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
    if (min !== undefined) return `${what} of at least ${min}`;
    if (max !== undefined) return `${what} of at most ${max}`;
    return what;
}

/** Whether a schema takes text only: a string, or an enum of strings. */
function expectsText(schema: z.core.$ZodType): boolean {
    const def = unwrap(schema)._zod.def as { type: string; entries?: Record<string, unknown> };
    if (def.type === "string") return true;
    return def.type === "enum" && Object.values(def.entries ?? {}).every((v) => typeof v === "string");
}

/** YAML reads an unquoted 1.30 as the number 1.3: a string key given a number was almost always meant as text. */
export function yamlNumberHint(value: number): string {
    return `YAML read an unquoted value as the number ${value} (1.30 becomes 1.3); quote it, e.g. "${value}"`;
}

/**
 * Pulumi hands top-level values to the program as text, so an unquoted `1.30` arrives as "1.3". When a value like that
 * is refused, say how it may have happened.
 */
export function truncatedNumberHint(value: unknown): string | undefined {
    // "1.3" or "3.1": one digit after the point is what an unquoted 1.30 or 3.10 turns into.
    if (typeof value !== "string" || !/^\d+\.[1-9]$/.test(value)) return undefined;
    return `if the stack file says ${value}0 without quotes, YAML read it as the number ${value}: write "${value}0"`;
}

/** The closest allowed name, when one is near enough to be a typo (case differences, or an edit or two). */
export function didYouMean(given: string, allowed: readonly string[]): string | undefined {
    const lower = given.toLowerCase();
    const sameCase = allowed.find((a) => a.toLowerCase() === lower);
    if (sameCase) return sameCase;
    if (allowed.length === 0) return undefined;
    const best = closest(given, [...allowed]);
    return distance(given, best) <= Math.min(3, Math.max(2, Math.floor(best.length / 3))) ? best : undefined;
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
        const def = schema._zod.def as {
            type: string;
            shape?: Record<string, z.core.$ZodType>;
            element?: z.core.$ZodType;
        };
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
        if (def.innerType && ["optional", "default", "prefault", "nullable"].includes(def.type))
            current = def.innerType;
        else return current;
    }
}
