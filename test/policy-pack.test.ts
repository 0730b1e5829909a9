import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
// The analyzer protocol the Pulumi engine speaks to a policy pack (the same stubs @pulumi/policy serves); ./policy-analyzer wraps it.
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { analyzeResource, analyzerInfo, connectToPack } from "./policy-analyzer";

const POLICY_DIR = path.resolve(__dirname, "..", "policy");

interface Diagnostic {
    policy: string;
    message: string;
    enforcementLevel: number;
}

/** The diagnostics of an analyze or analyzeStack answer, in a form tests can compare. */
function diagnostics(res: analyzerPb.AnalyzeResponse): Diagnostic[] {
    return res.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        message: d.getMessage(),
        enforcementLevel: d.getEnforcementlevel(),
    }));
}

// The pack as the engine runs it: a process in policy/ that loads index.ts, serves gRPC and prints its port.
describe("policy pack: served over the analyzer protocol, as `pulumi preview --policy-pack policy` runs it", () => {
    let pack: ChildProcess;
    let client: analyzerGrpc.AnalyzerClient;

    before(async () => {
        pack = spawn(
            process.execPath,
            [
                "-e",
                'require("ts-node").register({ transpileOnly: true, project: "tsconfig.json" }); require("./index.ts");',
            ],
            { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] },
        );
        client = await connectToPack(pack);
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    async function analyze(type: string, name: string, props: Record<string, unknown>): Promise<Diagnostic[]> {
        return diagnostics(await analyzeResource(client, type, name, props));
    }

    it("announces the five policies, all mandatory", async () => {
        const info = await analyzerInfo(client);
        expect(info.getName()).to.equal("airflow-platform-guardrails");
        const policies = info.getPoliciesList();
        expect(policies.map((p) => p.getName())).to.deep.equal([
            "pinned-versions",
            "resource-requests",
            "spot-tolerations-only-on-workers",
            "no-plaintext-secrets",
            "no-public-load-balancer-without-tls",
        ]);
        expect(new Set(policies.map((p) => p.getEnforcementlevel()))).to.deep.equal(
            new Set([analyzerPb.EnforcementLevel.MANDATORY]),
        );
    });

    it("reports a mandatory violation for an unpinned, request-less Deployment, and none for a compliant one", async () => {
        const deployment = (container: Record<string, unknown>) => ({
            metadata: { name: "web" },
            spec: {
                template: {
                    metadata: { labels: { component: "web" } },
                    spec: { containers: [{ name: "web", ...container }] },
                },
            },
        });
        const bad = await analyze("kubernetes:apps/v1:Deployment", "web", deployment({ image: "nginx" }));
        expect(bad.map((d) => d.policy).sort()).to.deep.equal(["pinned-versions", "resource-requests"]);
        expect(bad.every((d) => d.enforcementLevel === analyzerPb.EnforcementLevel.MANDATORY)).to.equal(true);
        expect(bad[0].message).to.contain("web:");
        const good = await analyze(
            "kubernetes:apps/v1:Deployment",
            "web",
            deployment({ image: "nginx:1.27.0", resources: { requests: { cpu: "100m", memory: "64Mi" } } }),
        );
        expect(good).to.deep.equal([]);
    });

    function analyzeStack(
        resources: { type: string; name: string; props: Record<string, unknown> }[],
    ): Promise<Diagnostic[]> {
        const req = new analyzerPb.AnalyzeStackRequest().setResourcesList(
            resources.map((r) =>
                new analyzerPb.AnalyzerResource()
                    .setType(r.type)
                    .setName(r.name)
                    .setUrn(`urn:pulumi:dev::airflow-platform::${r.type}::${r.name}`)
                    .setProperties(Struct.fromJavaScript(r.props as Record<string, never>))
                    .setOptions(new analyzerPb.AnalyzerResourceOptions()),
            ),
        );
        return new Promise((resolve, reject) =>
            client.analyzeStack(req, (err, res) => (err ? reject(err) : resolve(diagnostics(res!)))),
        );
    }

    it("checks at stack level that a public Gateway's HTTP listener only carries redirects to HTTPS", async () => {
        const unknownNamespace = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the Namespace's name, unknown during a preview
        const gateway = {
            type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
            name: "edge",
            props: {
                metadata: { name: "edge", namespace: unknownNamespace },
                spec: {
                    gatewayClassName: "gke-l7-global-external-managed",
                    listeners: [
                        { name: "http", protocol: "HTTP", port: 80 },
                        {
                            name: "https",
                            protocol: "HTTPS",
                            port: 443,
                            tls: { options: { "networking.gke.io/pre-shared-certs": "edge" } },
                        },
                    ],
                },
            },
        };
        const route = (name: string, sectionName: string, rule: Record<string, unknown>) => ({
            type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            name,
            props: {
                metadata: { name, namespace: "airflow" },
                spec: { parentRefs: [{ name: "edge", namespace: unknownNamespace, sectionName }], rules: [rule] },
            },
        });
        const serve = { backendRefs: [{ name: "airflow-api-server", port: 8080 }] };
        const redirect = {
            filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }],
        };
        const bad = await analyzeStack([gateway, route("app", "http", serve)]);
        expect(bad.map((d) => d.policy)).to.deep.equal(["no-public-load-balancer-without-tls"]);
        expect(bad[0].enforcementLevel).to.equal(analyzerPb.EnforcementLevel.MANDATORY);
        expect(bad[0].message).to.match(/app: HTTPRoute attached to the plain-HTTP listener "http"/);
        expect(
            await analyzeStack([gateway, route("app", "https", serve), route("redirect", "http", redirect)]),
        ).to.deep.equal([]);
    });

    it("skips values unknown during a preview instead of failing the resource", async () => {
        const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const values = {
            data: { metadataConnection: { pass: unknownString } },
            scheduler: { resources: { requests: { cpu: "1", memory: "1Gi" } } },
        };
        const diagnostics = await analyze("kubernetes:helm.sh/v3:Release", "airflow", {
            chart: "x",
            version: "1.0.0",
            values,
        });
        expect(diagnostics).to.deep.equal([]);
    });
});
