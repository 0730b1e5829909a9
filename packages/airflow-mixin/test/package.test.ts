/**
 * The mixin is a package of its own: its files import only each other, Node's built-ins and the dependencies its
 * package.json declares (never the platform's components/, stacks/ or tools/).
 */
import { expect } from "chai";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";

const PACKAGE_DIR = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === "node_modules" ? [] : tsFiles(full);
        return entry.name.endsWith(".ts") ? [full] : [];
    });
}

/** Every module specifier a file imports, requires or re-exports. */
function specifiers(source: string): string[] {
    return [...source.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map(
        (m) => m[1],
    );
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageName = (spec: string) =>
    spec
        .split("/")
        .slice(0, spec.startsWith("@") ? 2 : 1)
        .join("/");

describe("airflow-mixin: a self-contained package", () => {
    it("imports only its own files, Node's built-ins and the packages its package.json declares", () => {
        const builtins = new Set(builtinModules);
        const offenders: string[] = [];
        const files = tsFiles(PACKAGE_DIR);
        expect(files.length).to.be.greaterThan(10);
        for (const file of files) {
            const src = file.startsWith(path.join(PACKAGE_DIR, "src") + path.sep);
            // The library may use only its dependencies; its tests also their devDependencies.
            const declared = new Set(
                Object.keys({ ...manifest.dependencies, ...(src ? {} : manifest.devDependencies) }),
            );
            for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
                const where = `${path.relative(PACKAGE_DIR, file)}: ${spec}`;
                if (spec.startsWith(".")) {
                    const target = path.resolve(path.dirname(file), spec);
                    if (!target.startsWith(PACKAGE_DIR + path.sep)) offenders.push(`${where} (outside the package)`);
                } else if (!builtins.has(spec.replace(/^node:/, "")) && !declared.has(packageName(spec)))
                    offenders.push(`${where} (not declared in package.json)`);
            }
        }
        expect(offenders).to.deep.equal([]);
    });
});
