/**
 * Each component's defaults are written once (`<NAME>_DEFAULTS` in its args.ts): a stack that sets nothing gets what
 * a program writing the component's Args by hand gets, and the `@default` tags on the Args say what the constant holds.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { AIRFLOW_DEFAULTS, withAirflowDefaults } from "../components/airflow/args";
import { INGRESS_DEFAULTS, withAlbDefaults, withGatewayDefaults } from "../components/cluster/ingress/args";
import { DEVSPACE_FRAME_DEFAULTS, DevspaceFrameArgs, withDevspaceFrameDefaults } from "../components/devspace/args";
import { EXPOSURE_DEFAULTS, withExposureSiteDefaults } from "../components/exposure/args";
import { KEDA_DEFAULTS } from "../components/keda/args";
import { OBSERVABILITY_DEFAULTS, withObservabilityDefaults } from "../components/observability/args";
import { airflowSettings } from "../stacks/args/airflow";
import { exposureSite } from "../stacks/args/exposure";
import { albLoadBalancerArgs, gatewayLoadBalancerArgs } from "../stacks/args/ingress";
import { observabilitySettings } from "../stacks/args/observability";
import { parseStackConfig, stackConfigSchema } from "../stacks/config";
import { REPO_ROOT } from "../tools/offline/runtime";

const DAGS = { repo: "https://github.com/acme/dags.git" };
const HOST = "airflow.example.com";
const ENTRY = { name: "alice", owner: { gcp: "alice@acme.com" }, expires: "2099-01-01" };

/**
 * A stack that sets only what has no default, and turns on the parts that would otherwise not be mapped at all
 * (Flower, exposure, one devspace); every value the tests compare is left to its default.
 */
function bareStack() {
    return parseStackConfig("defaults", {
        cloud: "gke",
        gcp: { project: "acme", region: "europe-west1" },
        airflow: { dags: DAGS, flower: { enabled: true } },
        exposure: { enabled: true, host: HOST },
        devspaces: [ENTRY],
    });
}

describe("component defaults: a stack that sets nothing gets the component's own defaults", () => {
    let gke: ReturnType<typeof bareStack>;
    before(() => {
        gke = bareStack();
    });

    it("Airflow: the schema's defaults of airflow.* and monitoring.statsd* are AIRFLOW_DEFAULTS", () => {
        const fromConfig = withAirflowDefaults(airflowSettings(gke));
        const byHand = withAirflowDefaults({ dags: DAGS, flower: { enabled: true } });
        expect(fromConfig).to.deep.equal(byHand);
        expect(fromConfig.version).to.equal(AIRFLOW_DEFAULTS.version);
    });

    it("Observability: the schema's defaults of monitoring.* are OBSERVABILITY_DEFAULTS", () => {
        const settings = observabilitySettings(gke);
        // What the config layer decides by cloud and environment (stacks/args/observability.ts) is given by hand too.
        const { resources, clusterDns, managedControlPlane, unpagedNamespacePrefixes } = settings;
        expect(withObservabilityDefaults(settings)).to.deep.equal(
            withObservabilityDefaults({ resources, clusterDns, managedControlPlane, unpagedNamespacePrefixes }),
        );
        expect(settings.prometheus?.retention).to.equal(OBSERVABILITY_DEFAULTS.prometheus.retention);
    });

    it("Exposure: the schema's exposure.grafanaPath and flowerPath are EXPOSURE_DEFAULTS", () => {
        const site = exposureSite(gke);
        expect(site).to.not.equal(undefined);
        expect(withExposureSiteDefaults(site!)).to.deep.equal(
            withExposureSiteDefaults({ host: HOST, grafana: {}, flower: {} }),
        );
        expect(site!.grafana?.path).to.equal(EXPOSURE_DEFAULTS.grafana.path);
    });

    it("ingress drivers: the schema's awsLoadBalancerControllerVersion and gkeProxyOnlySubnetCidr are INGRESS_DEFAULTS", () => {
        // The ALB's Args come from the exposure section alone, whatever the stack's cloud.
        const alb = albLoadBalancerArgs(gke);
        expect(alb).to.not.equal(undefined);
        expect(withAlbDefaults(alb!)).to.deep.equal(withAlbDefaults({ visibility: "internal", tls: { mode: "none" } }));
        const gateway = gatewayLoadBalancerArgs(gke);
        expect(gateway).to.not.equal(undefined);
        expect(withGatewayDefaults(gateway!)).to.deep.equal(
            withGatewayDefaults({ visibility: "internal", host: HOST, tls: { mode: "none" } }),
        );
        expect(alb!.controllerChartVersion).to.equal(INGRESS_DEFAULTS.alb.controllerChartVersion);
    });

    it("DevspaceFrame: the schema's devspaces[].quota is DEVSPACE_FRAME_DEFAULTS", () => {
        const frame = (entry: DevspaceFrameArgs["entry"]) =>
            withDevspaceFrameDefaults({
                entry,
                provider: undefined as never,
                cluster: undefined as never,
                airflowPods: undefined as never,
            }).entry;
        expect(frame(gke.devspaces[0])).to.deep.equal(frame(ENTRY));
        expect(gke.devspaces[0].quota).to.deep.equal(DEVSPACE_FRAME_DEFAULTS.entry.quota);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// The @default tags of the Args, read with the TypeScript compiler, against the constants
// ---------------------------------------------------------------------------------------------------------------

/** A value that is not a literal (an identifier, a call, prose): the tag is not compared. */
const NOT_LITERAL = Symbol("not a literal");

/** The value of a `@default` tag when it is a literal (a string, number, boolean, array or object of them). */
function literalOf(text: string): unknown {
    const file = ts.createSourceFile("tag.ts", `(${text});`, ts.ScriptTarget.Latest, true);
    const diagnostics = (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics;
    if (diagnostics.length > 0 || file.statements.length !== 1) return NOT_LITERAL;
    const statement = file.statements[0];
    if (!ts.isExpressionStatement(statement)) return NOT_LITERAL;
    const value = (node: ts.Expression): unknown => {
        if (ts.isParenthesizedExpression(node)) return value(node.expression);
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
        if (ts.isNumericLiteral(node)) return Number(node.text);
        if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
        if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
        if (ts.isArrayLiteralExpression(node)) return node.elements.map(value);
        if (ts.isObjectLiteralExpression(node)) {
            const object: Record<string, unknown> = {};
            for (const p of node.properties) {
                if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))
                    return NOT_LITERAL;
                object[p.name.text] = value(p.initializer);
            }
            return object;
        }
        return NOT_LITERAL;
    };
    return value(statement.expression);
}

/** One documented default: where the tag is, the Args path it documents and its value. */
interface DocumentedDefault {
    where: string;
    path: string[];
    value: unknown;
}

/** Every literal `@default` tag reachable from `root` (interfaces, type aliases, unions, intersections of one file). */
function documentedDefaults(file: string, roots: [typeName: string, prefix: string[]][]): DocumentedDefault[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const declarations = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>();
    for (const statement of source.statements)
        if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))
            declarations.set(statement.name.text, statement);
    const found: DocumentedDefault[] = [];
    const members = (node: ts.TypeNode | ts.InterfaceDeclaration, at: string[], seen: Set<string>): void => {
        if (ts.isInterfaceDeclaration(node)) {
            for (const heritage of node.heritageClauses ?? [])
                for (const type of heritage.types)
                    if (ts.isIdentifier(type.expression)) named(type.expression.text, at, seen);
            properties(node.members, at, seen);
        } else if (ts.isTypeLiteralNode(node)) properties(node.members, at, seen);
        else if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node))
            for (const type of node.types) members(type, at, seen);
        else if (ts.isParenthesizedTypeNode(node)) members(node.type, at, seen);
        else if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) named(node.typeName.text, at, seen);
    };
    const named = (name: string, at: string[], seen: Set<string>) => {
        const declaration = declarations.get(name);
        if (!declaration || seen.has(name)) return;
        const next = new Set([...seen, name]);
        members(ts.isInterfaceDeclaration(declaration) ? declaration : declaration.type, at, next);
    };
    const properties = (list: ts.NodeArray<ts.TypeElement>, at: string[], seen: Set<string>) => {
        for (const member of list) {
            if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
            const here = [...at, member.name.text];
            for (const tag of ts.getJSDocTags(member))
                if (tag.tagName.text === "default" && typeof tag.comment === "string") {
                    const value = literalOf(tag.comment);
                    if (value !== NOT_LITERAL) {
                        const { line } = source.getLineAndCharacterOfPosition(member.getStart());
                        found.push({ where: `${path.basename(file)}:${line + 1}`, path: here, value });
                    }
                }
            if (member.type) members(member.type, here, seen);
        }
    };
    for (const [name, prefix] of roots) named(name, prefix, new Set());
    return found;
}

function at(value: unknown, keys: string[]): unknown {
    return keys.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as never)[k] : undefined), value);
}

/** The dotted paths of a constant's leaves (scalars and empty arrays or objects). */
function leaves(value: unknown, prefix: string[] = []): string[] {
    if (value === null || typeof value !== "object" || Object.keys(value).length === 0) return [prefix.join(".")];
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

/** The literal parts of a documented value (object keys whose value is not a literal are left out). */
function literalParts(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(literalParts);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== NOT_LITERAL)
                .map(([k, v]) => [k, literalParts(v)]),
        );
    return value;
}

/** The part of `actual` with the keys of `documented` (an object tag may name some keys of the constant's object). */
function sameKeysAs(documented: unknown, actual: unknown): unknown {
    if (documented === null || typeof documented !== "object" || Array.isArray(documented)) return actual;
    if (actual === null || typeof actual !== "object") return actual;
    return Object.fromEntries(
        Object.keys(documented).map((k) => [k, sameKeysAs((documented as never)[k], at(actual, [k]))]),
    );
}

const COMPONENTS: { name: string; file: string; roots: [string, string[]][]; defaults: unknown }[] = [
    { name: "AIRFLOW_DEFAULTS", file: "airflow/args.ts", roots: [["AirflowArgs", []]], defaults: AIRFLOW_DEFAULTS },
    {
        name: "OBSERVABILITY_DEFAULTS",
        file: "observability/args.ts",
        roots: [["ObservabilityArgs", []]],
        defaults: OBSERVABILITY_DEFAULTS,
    },
    { name: "EXPOSURE_DEFAULTS", file: "exposure/args.ts", roots: [["ExposureArgs", []]], defaults: EXPOSURE_DEFAULTS },
    {
        name: "INGRESS_DEFAULTS",
        file: "cluster/ingress/args.ts",
        roots: [
            ["AlbLoadBalancerArgs", ["alb"]],
            ["GatewayLoadBalancerArgs", ["gateway"]],
        ],
        defaults: INGRESS_DEFAULTS,
    },
    {
        name: "DEVSPACE_FRAME_DEFAULTS",
        file: "devspace/args.ts",
        // The entry's quota is `Partial<DevspaceQuota>` inside an intersection: its tags are read from DevspaceQuota.
        roots: [
            ["DevspaceFrameArgs", []],
            ["DevspaceQuota", ["entry", "quota"]],
        ],
        defaults: DEVSPACE_FRAME_DEFAULTS,
    },
    { name: "KEDA_DEFAULTS", file: "keda/args.ts", roots: [["KedaArgs", []]], defaults: KEDA_DEFAULTS },
];

describe("component defaults: the @default tags of the Args agree with the constant", () => {
    it("the tag reader finds literal tags and leaves prose alone", () => {
        expect(literalOf('"15d"')).to.equal("15d");
        expect(literalOf('{ kind: "shared-volume", size: "50Gi" }')).to.deep.equal({
            kind: "shared-volume",
            size: "50Gi",
        });
        expect(literalOf("[]")).to.deep.equal([]);
        expect(literalOf("2 with `production`, else 1")).to.equal(NOT_LITERAL);
        expect(literalOf("undefined (straight from Docker Hub)")).to.equal(NOT_LITERAL);
        expect(literalOf("OBSERVABILITY_RESOURCES.small")).to.equal(NOT_LITERAL);
    });

    for (const component of COMPONENTS)
        it(`${component.name}: every literal @default of ${component.file} is the constant's value, and every value is documented`, () => {
            const documented = documentedDefaults(path.join(REPO_ROOT, "components", component.file), component.roots);
            expect(documented.length, "tags found").to.be.greaterThan(0);
            for (const tag of documented) {
                const value = literalParts(tag.value);
                const actual = at(component.defaults, tag.path);
                expect(
                    actual,
                    `${tag.where} @default of ${tag.path.join(".")} is not in ${component.name}`,
                ).to.not.equal(undefined);
                expect(sameKeysAs(value, actual), `${tag.where} @default of ${tag.path.join(".")}`).to.deep.equal(
                    value,
                );
            }
            // Every value of the constant is stated by a tag at its path or at an enclosing one.
            const covered = documented.flatMap((tag) => leaves(literalParts(tag.value), tag.path));
            for (const leaf of leaves(component.defaults))
                expect(
                    covered.some((c) => c === leaf || leaf.startsWith(`${c}.`) || c.startsWith(`${leaf}.`)),
                    `${component.name}.${leaf} has no @default tag in ${component.file}`,
                ).to.equal(true);
        });
});

// ---------------------------------------------------------------------------------------------------------------
// The hand-written "Key | Default" tables of the layer docs, against the schema's defaults
// ---------------------------------------------------------------------------------------------------------------

/** Each doc's config table and the config section its keys are relative to. */
const DOC_TABLES: { doc: string; section: string[] }[] = [
    { doc: "docs/airflow.md", section: ["airflow"] },
    { doc: "docs/observability.md", section: ["monitoring"] },
    { doc: "docs/exposure.md", section: [] },
];

/** A documented default: the full config key and the default cell's text (inside its backticks). */
interface DocumentedConfigDefault {
    row: string;
    key: string[];
    text: string;
}

/** Backticked text, or undefined when a cell item is prose ("derived", "1 in dev, 2 in prod"). */
const backticked = (item: string) => /^`([^`]+)`$/.exec(item.trim())?.[1];

/**
 * The `| Key | Default | Meaning |` table of a doc, row by row: a keys cell (`a`, `.b` relative to the one before,
 * separated by ", " or " / ") against a defaults cell with one value for all or one per key. Prose defaults are skipped.
 */
function docTableDefaults(doc: string, section: string[]): DocumentedConfigDefault[] {
    const lines = fs.readFileSync(path.join(REPO_ROOT, doc), "utf8").split("\n");
    const header = lines.findIndex((l) => /^\|\s*Key\s*\|\s*Default\s*\|/.test(l));
    expect(header, `${doc} has a "| Key | Default |" table`).to.be.greaterThan(-1);
    const found: DocumentedConfigDefault[] = [];
    for (const line of lines.slice(header + 2)) {
        if (!line.startsWith("|")) break;
        const [keysCell, defaultsCell] = line.split(/(?<!\\)\|/).slice(1, 3);
        const keyItems = keysCell
            .trim()
            .split(/, | \/ /)
            .map(backticked);
        if (keyItems.some((k) => k === undefined || /[<{]/.test(k))) continue;
        const keys: string[][] = [];
        for (const k of keyItems as string[]) {
            const previous = keys[keys.length - 1];
            keys.push(k.startsWith(".") && previous ? [...previous.slice(0, -1), k.slice(1)] : k.split("."));
        }
        // A defaults cell of prose only ("1 in dev, 2 in prod") documents what the schema cannot hold.
        if (!defaultsCell.includes("`")) continue;
        const values = defaultsCell.trim().split(/, | \/ /);
        const pairs =
            values.length === 1
                ? keys.map((k) => [k, values[0]] as const)
                : keys.map((k, i) => [k, values[i]] as const);
        expect(values.length === 1 || values.length === keys.length, `${doc}: a value per key in ${line}`).to.equal(
            true,
        );
        for (const [key, value] of pairs) {
            const text = backticked(value);
            if (text !== undefined) found.push({ row: line, key: [...section, ...key], text });
        }
    }
    return found;
}

describe("component defaults: the layer docs' config tables show the schema's defaults", () => {
    // The schema's defaults for a stack that sets only the DAG repository (exposure's defaults are there when it is off).
    const parsed = stackConfigSchema.parse({ airflow: { dags: DAGS } });
    const shown = (value: unknown) => (typeof value === "object" ? JSON.stringify(value) : String(value));

    for (const { doc, section } of DOC_TABLES)
        it(`${doc}: every backticked default is the schema's`, () => {
            const documented = docTableDefaults(doc, section);
            const compared = documented.filter((d) => at(parsed, d.key) !== undefined);
            // Keys whose default is derived (`image.tag` is `version`) have none in the schema; the rest are compared.
            expect(compared.length, `${doc}: defaults compared`).to.be.greaterThan(5);
            for (const d of compared) expect(d.text, `${doc}: ${d.key.join(".")}`).to.equal(shown(at(parsed, d.key)));
        });
});
