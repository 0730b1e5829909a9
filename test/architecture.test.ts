import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../tools/offline/runtime";

const SKIP = new Set(["node_modules", ".git", "out", "bin", ".scratch", ".scratch-cluster"]);
/** An import or require of a cloud SDK (and its subpaths), but not @pulumi/gcp-like names such as @pulumi/awsx. */
const CLOUD_IMPORT = /(?:from\s+|require\(\s*|import\(\s*|import\s+)["']@pulumi\/(gcp|aws)(?:\/[^"']*)?["']/;

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        if (SKIP.has(entry.name)) return [];
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(full);
        return /\.(ts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

describe("cluster layer: the cloud SDKs stay inside components/cluster/", () => {
    it("the scan recognises the ways a file can import a cloud SDK", () => {
        for (const line of [
            'import * as gcp from "@pulumi/gcp";',
            "import aws = require('@pulumi/aws');",
            'const x = require("@pulumi/aws/eks");',
            'import type { Region } from "@pulumi/aws";',
        ])
            expect(CLOUD_IMPORT.test(line), line).to.equal(true);
        expect(CLOUD_IMPORT.test('import * as awsx from "@pulumi/awsx";')).to.equal(false);
    });

    it("no file outside components/cluster/ imports @pulumi/gcp or @pulumi/aws", () => {
        const clusterDir = path.join(REPO_ROOT, "components", "cluster") + path.sep;
        const files = sourceFiles(REPO_ROOT);
        expect(files.length).to.be.greaterThan(10);
        const offenders = files
            // This file holds import lines as examples for the scan itself.
            .filter((file) => !file.startsWith(clusterDir) && path.resolve(file) !== path.resolve(__filename))
            .filter((file) => CLOUD_IMPORT.test(fs.readFileSync(file, "utf8")))
            .map((file) => path.relative(REPO_ROOT, file));
        expect(offenders).to.deep.equal([]);
        const inside = files.filter(
            (file) => file.startsWith(clusterDir) && CLOUD_IMPORT.test(fs.readFileSync(file, "utf8")),
        );
        expect(inside.length, "the cluster layer itself does use them").to.be.greaterThan(0);
    });
});

/** Every module specifier a file imports, requires or re-exports. */
function specifiers(source: string): string[] {
    return [...source.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map(
        (m) => m[1],
    );
}

describe("architecture: components declare their own Args and never import stacks/", () => {
    const componentsDir = path.join(REPO_ROOT, "components");
    const stacksDir = path.join(REPO_ROOT, "stacks") + path.sep;
    const importsStacks = (file: string) =>
        specifiers(fs.readFileSync(file, "utf8")).some(
            (s) => s.startsWith(".") && (path.resolve(path.dirname(file), s) + path.sep).startsWith(stacksDir),
        );

    it("the scan finds an import of the stack config however it is written", () => {
        const file = path.join(componentsDir, "airflow", "example.ts");
        const found = (source: string) =>
            specifiers(source).some((s) => (path.resolve(path.dirname(file), s) + path.sep).startsWith(stacksDir));
        expect(found('import type { StackConfig } from "../../stacks/config";')).to.equal(true);
        expect(found('export * from "../../stacks/config/schema";')).to.equal(true);
        expect(found('const c = require("../../stacks");')).to.equal(true);
        expect(found('import { Cluster } from "../cluster";')).to.equal(false);
    });

    it("no file under components/ imports stacks/: stacks/ maps config to each component's Args, never the reverse", () => {
        const files = sourceFiles(componentsDir);
        expect(files.length).to.be.greaterThan(40);
        const offenders = files.filter(importsStacks).map((file) => path.relative(REPO_ROOT, file));
        expect(offenders, "files under components/ importing stacks/").to.deep.equal([]);
    });
});
