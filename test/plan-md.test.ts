import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JSDOM } from "jsdom";
import type { Token, Tokens } from "marked";
import { writePlan } from "../tools/plan";
import { Plan, planOf } from "./harness";

/** marked (a CommonMark/GFM parser) is ESM-only: load it with a real dynamic import, not a transpiled require. */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

interface MermaidDiagram {
    db: {
        getVertices(): Map<string, { id: string; text?: string }>;
        getSubGraphs(): { id: string; title: string; nodes: string[] }[];
        getEdges(): { start: string; end: string }[];
    };
}

/** Mermaid's own parser (the one GitHub renders with) needs a DOM for its sanitizer: jsdom provides one. */
async function parseMermaid(text: string): Promise<MermaidDiagram> {
    const g = globalThis as Record<string, unknown>;
    if (!g.window) {
        const dom = new JSDOM("");
        g.window = dom.window;
        g.document = dom.window.document;
    }
    const mermaid = (await importEsm("mermaid")).default;
    await mermaid.parse(text);
    return (await mermaid.mermaidAPI.getDiagramFromText(text)) as MermaidDiagram;
}

function tableUnder(tokens: Token[], heading: string): Tokens.Table | undefined {
    const at = tokens.findIndex((t) => t.type === "heading" && (t as Tokens.Heading).text === heading);
    expect(at, `plan.md has a "${heading}" section`).to.be.greaterThan(-1);
    for (const t of tokens.slice(at + 1)) {
        if (t.type === "heading") return undefined;
        if (t.type === "table") return t as Tokens.Table;
    }
    return undefined;
}

const rowsOf = (table: Tokens.Table | undefined) => (table?.rows ?? []).map((r) => r.map((c) => c.text));
/** The text of a label as Mermaid stores it, without the markup. */
const labelName = (label: string) => label.split(/<br\/?>/)[0];

describe("plan.md", () => {
    const stacks = ["dev", "prod-gke", "prod-eks", "devspace-demo"];
    const plans: Record<string, Plan> = {};
    const pages: Record<string, string> = {};
    const tokens: Record<string, Token[]> = {};

    before(async () => {
        const { marked } = await importEsm("marked");
        for (const stack of stacks) {
            plans[stack] = await planOf(stack);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), `plan-md-${stack}-`));
            writePlan(plans[stack], dir);
            pages[stack] = fs.readFileSync(path.join(dir, "plan.md"), "utf8");
            tokens[stack] = marked.lexer(pages[stack]) as Token[];
        }
    });

    for (const stack of stacks)
        it(`${stack}: has exactly one Mermaid block whose nodes are the planned components`, async () => {
            const blocks = tokens[stack].filter(
                (t) => t.type === "code" && (t as Tokens.Code).lang === "mermaid",
            ) as Tokens.Code[];
            expect(blocks).to.have.length(1);
            const diagram = await parseMermaid(blocks[0].text);
            const subgraphIds = new Set(diagram.db.getSubGraphs().map((s) => s.id));
            // An edge to a box makes Mermaid list the box's id among the vertices too.
            const vertices = [...diagram.db.getVertices().values()]
                .filter((v) => !subgraphIds.has(v.id))
                .map((v) => labelName(v.text ?? v.id));
            const subgraphs = diagram.db.getSubGraphs().map((s) => labelName(s.title));
            const components = plans[stack].resources.filter((r) => !r.custom).map((r) => r.name);
            expect(components.length).to.be.greaterThan(0);
            expect([...vertices, ...subgraphs].sort()).to.deep.equal([...components].sort());
        });

    it("draws what waits for what from the recorded dependencies: Airflow and monitoring wait for the cluster", async () => {
        const block = tokens.dev.find((t) => t.type === "code" && (t as Tokens.Code).lang === "mermaid") as Tokens.Code;
        const diagram = await parseMermaid(block.text);
        const nameOf = new Map<string, string>();
        for (const v of diagram.db.getVertices().values()) nameOf.set(v.id, labelName(v.text ?? v.id));
        for (const s of diagram.db.getSubGraphs()) nameOf.set(s.id, labelName(s.title));
        const edges = diagram.db.getEdges().map((e) => `${nameOf.get(e.start)} -> ${nameOf.get(e.end)}`);
        expect(edges).to.include.members(["airflow -> cluster", "observability -> cluster"]);
        expect(edges).not.to.include("cluster -> airflow");
    });

    it("lists every node pool with machine type, capacity, bounds and the spot taint", () => {
        const rows = rowsOf(tableUnder(tokens["prod-gke"], "Node pools"));
        const pools = plans["prod-gke"].resources
            .filter((r) => r.type === "gcp:container/nodePool:NodePool")
            .map((r) => r.name);
        expect(rows.map((r) => r[0]).sort()).to.deep.equal(pools.sort());
        const spot = rows.find((r) => r[2] === "spot")!;
        expect(spot[5]).to.contain("cloud.google.com/gke-spot=true");
        expect(rows.find((r) => r[2] === "on-demand")![5].trim()).to.equal("");
    });

    it("lists every Helm release with its pinned chart version and the images its values set", () => {
        const rows = rowsOf(tableUnder(tokens["prod-eks"], "Helm releases"));
        const releases = plans["prod-eks"].resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(rows).to.have.length(releases.length);
        for (const r of releases) {
            const row = rows.find((x) => x[0] === r.name)!;
            expect(row[1]).to.equal(r.inputs.chart);
            expect(row[2])
                .to.equal(r.inputs.version)
                .and.to.match(/^\d+\.\d+\.\d+$/);
        }
        expect(rows.find((r) => r[1] === "airflow")![4]).to.contain("apache/airflow:3.1.8");
    });

    it("lists the protected resources: prod's cluster and database, none in dev", () => {
        const prod = rowsOf(tableUnder(tokens["prod-gke"], "Protected resources"));
        const protectedTypes = prod.filter((r) => r[2] === "yes").map((r) => r[0]);
        expect(protectedTypes).to.include.members([
            "gcp:container/cluster:Cluster",
            "gcp:sql/databaseInstance:DatabaseInstance",
        ]);
        const dev = rowsOf(tableUnder(tokens.dev, "Protected resources"));
        expect(dev.filter((r) => r[2] === "yes")).to.deep.equal([]);
    });

    it("lists the changes Pulumi ignores, such as the autoscaled size of EKS node groups", () => {
        const rows = rowsOf(tableUnder(tokens["prod-eks"], "Changes Pulumi ignores"));
        const ignoring = plans["prod-eks"].resources.filter((r) => r.ignoreChanges.length > 0);
        expect(rows.map((r) => r[1]).sort()).to.deep.equal(ignoring.map((r) => r.name).sort());
        expect(rows.find((r) => r[0] === "aws:eks/nodeGroup:NodeGroup")?.[2]).to.contain("scalingConfig");
    });

    it("matches the excerpt the README shows for the dev stack", () => {
        const readme = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");
        const excerpt = /<!-- plan\.md excerpt: dev -->\n([\s\S]*?)<!-- end of excerpt -->/.exec(readme)?.[1];
        expect(excerpt, "README.md has the plan.md excerpt").to.be.a("string");
        const lines = excerpt!
            .split("\n")
            .filter((l) => l.trim() !== "" && !l.startsWith("…") && !l.startsWith("````"));
        expect(lines.length).to.be.greaterThan(10);
        const page = pages.dev.split("\n");
        for (const line of lines) expect(page, `README line "${line}" is in today's plan.md`).to.include(line);
    });

    it("says what the controllers will create: a Filestore instance for the log claim, disks for the charts, the load balancers", () => {
        const gke = rowsOf(tableUnder(tokens["prod-gke"], "What controllers will create"));
        expect(gke.find((r) => r[0].startsWith("volume airflow-logs"))![2]).to.contain("Filestore instance");
        expect(gke.find((r) => r[0].includes("prometheus.prometheusSpec.storageSpec"))![2]).to.contain(
            "persistent disk",
        );
        expect(gke.some((r) => r[0].startsWith("load balancer for Gateway"))).to.equal(true);
        const eks = rowsOf(tableUnder(tokens["prod-eks"], "What controllers will create"));
        expect(eks.find((r) => r[0].startsWith("volume airflow-logs"))![2]).to.contain("EFS access point");
        expect(eks.some((r) => r[2].includes("Application Load Balancer"))).to.equal(true);
    });

    it("lists every planned alert with its severity and summary", () => {
        const rows = rowsOf(tableUnder(tokens.dev, "Alerts"));
        const alerts = plans.dev.resources
            .filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
            .flatMap((r) => (r.inputs.spec as { groups: { rules: { alert?: string }[] }[] }).groups)
            .flatMap((g) => g.rules)
            .filter((r) => r.alert);
        expect(alerts.length).to.be.greaterThan(5);
        expect(rows.map((r) => r[0])).to.deep.equal(alerts.map((a) => a.alert));
        for (const r of rows) {
            expect(r[1]).to.match(/^(critical|warning|info)$/);
            expect(r[2].length).to.be.greaterThan(10);
        }
    });

    it("lists every dashboard with its panels, and none imported from grafana.com", () => {
        const rows = rowsOf(tableUnder(tokens.dev, "Dashboards"));
        const titles = plans.dev.resources
            .filter(
                (r) =>
                    r.type === "kubernetes:core/v1:ConfigMap" &&
                    (r.inputs.metadata as { labels?: Record<string, string> }).labels?.grafana_dashboard !== undefined,
            )
            .flatMap((r) =>
                Object.values(r.inputs.data as Record<string, string>).map(
                    (d) => (JSON.parse(d) as { title: string }).title,
                ),
            );
        expect(titles.length).to.be.greaterThan(0);
        for (const t of titles) expect(rows.find((r) => r[0] === t)?.[1], t).to.match(/\w+, \w+/);
        // Node dashboards come from kube-prometheus-stack's own ConfigMaps (docs/observability.md), never from grafana.com.
        expect(rows.filter((r) => /grafana\.com/.test(r.join(" ")))).to.deep.equal([]);
    });

    it("prints a devspace's requests, and only for a devspace", () => {
        expect(pages["devspace-demo"]).to.match(/## Devspace requests\n\n.*\d+m/);
        expect(pages.dev).not.to.contain("## Devspace requests");
    });
});
