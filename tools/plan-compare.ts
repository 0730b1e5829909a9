/**
 * `npm run plan:compare -- <before-dir> <after-dir>`: are two plans the same, resource by resource?
 * Reads `<dir>/<stack>/resources.json` for every stack in both (as `npm run plan -- --out <dir>` writes them) and
 * matches resources by URN, or by an alias of the new resource naming the old URN (a rename with an alias keeps the
 * state). Prints every resource added, removed or changed (type, parent, protection, ignoreChanges, dependencies,
 * inputs) and exits 1 when anything differs. Use it around a refactor that must not change what `pulumi up` does.
 */
import * as fs from "fs";
import * as path from "path";

interface Entry {
    type: string;
    name: string;
    urn: string;
    parent: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependencies: string[];
    aliases?: string[];
    inputs: Record<string, unknown>;
}

/** One line per difference between the plans of one stack; empty when they are the same. */
export function compareResources(before: Entry[], after: Entry[]): { diffs: string[]; renamed: number } {
    const diffs: string[] = [];
    const old = new Map(before.map((r) => [r.urn, r]));
    const candidates = formerUrns(after);
    // A URN that moved (alias) maps old → new, so dependencies on it compare equal.
    const renamed = new Map<string, string>();
    const matched: [Entry, Entry][] = [];
    for (const r of after) {
        const previous =
            old.get(r.urn) ??
            candidates(r)
                .map((a) => old.get(a))
                .find((e) => e !== undefined);
        if (!previous) {
            diffs.push(`+ ${r.urn}`);
            continue;
        }
        old.delete(previous.urn);
        if (previous.urn !== r.urn) renamed.set(previous.urn, r.urn);
        matched.push([previous, r]);
    }
    for (const r of old.values()) diffs.push(`- ${r.urn}`);
    const canonical = (urn: string) => renamed.get(urn) ?? urn;
    for (const [a, b] of matched) {
        const fields: (keyof Entry)[] = ["type", "protect", "retainOnDelete"];
        for (const f of fields)
            if (a[f] !== b[f]) diffs.push(`~ ${b.urn}: ${f} ${JSON.stringify(a[f])} → ${JSON.stringify(b[f])}`);
        if (json([...a.ignoreChanges].sort()) !== json([...b.ignoreChanges].sort()))
            diffs.push(`~ ${b.urn}: ignoreChanges ${json(a.ignoreChanges)} → ${json(b.ignoreChanges)}`);
        const depsA = a.dependencies.map(canonical).sort();
        const depsB = [...b.dependencies].sort();
        const added = depsB.filter((d) => !depsA.includes(d)).map((d) => `+${nameOf(d)}`);
        const removed = depsA.filter((d) => !depsB.includes(d)).map((d) => `-${nameOf(d)}`);
        if (added.length + removed.length > 0)
            diffs.push(`~ ${b.urn}: dependencies ${[...added, ...removed].join(" ")}`);
        for (const key of changedKeys(a.inputs, b.inputs)) diffs.push(`~ ${b.urn}: inputs.${key}`);
    }
    return { diffs, renamed: renamed.size };
}

/**
 * The URNs a resource may have had: its own aliases, and those it inherits from its parent's (the engine gives a
 * child of an aliased component the matching alias, so a component's new type token moves its children with it).
 */
function formerUrns(resources: Entry[]): (r: Entry) => string[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const memo = new Map<string, string[]>();
    const parts = (urn: string) => {
        const [prefix, stackProject, chain, ...name] = urn.split("::");
        return { head: `${prefix}::${stackProject}`, chain, name: name.join("::") };
    };
    const of = (r: Entry): string[] => {
        const known = memo.get(r.urn);
        if (known) return known;
        const own = [...(r.aliases ?? [])];
        const { head, chain } = parts(r.urn);
        const parentChain = chain.includes("$") ? chain.slice(0, chain.lastIndexOf("$")) : "";
        const parent = r.parent && parentChain ? byUrn.get(`${head}::${parentChain}::${r.parent}`) : undefined;
        const inherited = parent ? of(parent).map((p) => `${head}::${parts(p).chain}$${r.type}::${r.name}`) : [];
        const all = [...new Set([...own, ...inherited])].filter((u) => u !== r.urn);
        memo.set(r.urn, all);
        return all;
    };
    return of;
}

/** A URN's last part, the resource's name. */
function nameOf(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** The dotted paths of the values that differ between two input trees (a whole subtree reported once). */
function changedKeys(a: unknown, b: unknown, prefix = ""): string[] {
    if (json(a) === json(b)) return [];
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        return [...keys].flatMap((k) =>
            changedKeys(
                (a as Record<string, unknown>)[k],
                (b as Record<string, unknown>)[k],
                prefix ? `${prefix}.${k}` : k,
            ),
        );
    }
    return [prefix || "(root)"];
}

/** JSON with object keys sorted, so key order never counts as a change. */
function json(value: unknown): string {
    return JSON.stringify(value, (_k, v: unknown) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
            : v,
    );
}

function stacksIn(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .filter((s) => fs.existsSync(path.join(dir, s, "resources.json")))
        .sort();
}

function main(argv: string[]): number {
    if (argv.length !== 2) {
        console.error(
            "usage: npm run plan:compare -- <before-dir> <after-dir>   (each holding <stack>/resources.json)",
        );
        return 2;
    }
    const [beforeDir, afterDir] = argv.map((d) => path.resolve(d));
    const stacks = [...new Set([...stacksIn(beforeDir), ...stacksIn(afterDir)])];
    let differs = false;
    for (const stack of stacks) {
        const read = (dir: string): Entry[] | undefined => {
            const file = path.join(dir, stack, "resources.json");
            return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Entry[]) : undefined;
        };
        const before = read(beforeDir);
        const after = read(afterDir);
        if (!before || !after) {
            console.log(`${stack}: only in ${before ? "before" : "after"}`);
            differs = true;
            continue;
        }
        const { diffs, renamed } = compareResources(before, after);
        const verdict = diffs.length === 0 ? "identical" : `${diffs.length} differences`;
        console.log(
            `${stack}: ${after.length} resources, ${verdict}${renamed ? ` (${renamed} matched by alias)` : ""}`,
        );
        for (const d of diffs) console.log(`  ${d}`);
        if (diffs.length > 0) differs = true;
    }
    return differs ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
