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

describe("architecture: no component imports a sibling; stacks/ wires what one needs of another", () => {
    const componentsDir = path.join(REPO_ROOT, "components");
    /**
     * Where a file under components/ may import from: its own component's folder, the cluster layer (the ground floor,
     * components/cluster/**) and the shared modules components/*.ts; packages and node built-ins are not components.
     * Type-only imports count too: a sibling's type is still a sibling's module (declare the shape you read instead).
     */
    const forbiddenImports = (file: string, source: string): string[] => {
        const [own] = path.relative(componentsDir, file).split(path.sep);
        return specifiers(source).filter((s) => {
            if (!s.startsWith(".")) return false;
            const target = path.relative(componentsDir, path.resolve(path.dirname(file), s));
            const parts = target.split(path.sep);
            if (target.startsWith("..") || path.isAbsolute(target)) return false; // outside components/: the stacks/ test's
            // components/<shared>.ts, unless the name is a component's folder (its index.ts): `../keda` is KEDA's.
            const isComponent = fs.existsSync(path.join(componentsDir, parts[0], "index.ts"));
            if (parts.length === 1 && !isComponent) return false;
            return parts[0] !== own && parts[0] !== "cluster";
        });
    };

    it("the scan tells a sibling from the component's own folder, the cluster layer and the shared modules", () => {
        const file = path.join(componentsDir, "devspace", "frame.ts");
        const forbidden = (line: string) => forbiddenImports(file, line).length > 0;
        for (const line of [
            'import { AIRFLOW_PORTS } from "../airflow/values";',
            'import type { StatsdService } from "../airflow/statsd-service";',
            'import { KEDA_OPERATOR_POD_LABELS } from "../keda";',
            'export { Keda } from "../keda/index";',
            'const k = require("../keda");',
        ])
            expect(forbidden(line), line).to.equal(true);
        for (const line of [
            'import { devspaceNamespace } from "./namespace";',
            'import type { PoolPlacements } from "../cluster/types";',
            'import { refuseArgs } from "../validation";',
            'import * as k8s from "@pulumi/kubernetes";',
        ])
            expect(forbidden(line), line).to.equal(false);
        // The cluster layer is the ground floor: it may import the shared modules, never a component above it.
        const eks = path.join(componentsDir, "cluster", "eks", "control-plane.ts");
        expect(forbiddenImports(eks, 'import { devspaceGroup } from "../../devspace/namespace";')).to.have.length(1);
        expect(forbiddenImports(eks, 'import { refuseArgs } from "../../validation";')).to.deep.equal([]);
    });

    it("a file under components/<a>/ imports only components/<a>/, components/cluster/** and components/*.ts", () => {
        const files = sourceFiles(componentsDir);
        expect(files.length).to.be.greaterThan(40);
        const offenders = files.flatMap((file) =>
            forbiddenImports(file, fs.readFileSync(file, "utf8")).map((s) => `${path.relative(REPO_ROOT, file)}: ${s}`),
        );
        expect(offenders, "component files importing a sibling component").to.deep.equal([]);
    });
});
