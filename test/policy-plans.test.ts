import { expect } from "chai";
import { CHECKS, StackResource } from "../policy/checks";
import { Plan, planOf } from "./harness";

const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
// Same keys, in the same order, as test/exposure-plan.test.ts's prod-gke variants (the stack's exposure without its
// `tls`, then with `public: true`): the harness then plans each once.
const INTERNAL_HTTP_GKE = { exposure: { enabled: true, host: "airflow.acme-data.example.com" } };
const PUBLIC_GKE = { exposure: { enabled: true, host: "airflow.acme-data.example.com", public: true } };

/** The plan's resources as the stack-level checks see them. */
const stackOf = (plan: Plan): StackResource[] =>
    plan.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.revealedInputs }));

/** Every violation of the pack on a set of resources: each resource alone, then the stack as a whole. */
function violationsOf(resources: StackResource[]): string[] {
    return [
        ...resources.flatMap((r) =>
            CHECKS.flatMap((c) => c.check(r.type, r.props).map((m) => `[${c.name}] ${r.type} ${r.name}: ${m}`)),
        ),
        ...CHECKS.flatMap((c) =>
            (c.checkStack?.(resources) ?? []).map(
                (v) => `[${c.name}] ${v.resource.type} ${v.resource.name}: ${v.message}`,
            ),
        ),
    ];
}

// What CI's `pulumi preview --policy-pack policy` enforces, checked offline on every reference stack's plan. The
// checks see revealed inputs: @pulumi/policy hands policies secret values unwrapped, so a secret inlined into Helm
// values is a violation even when Pulumi encrypts it in state.
describe("policy pack on the reference stacks' plans", () => {
    for (const stack of ["dev", "prod-gke", "prod-eks", "devspace-demo"]) {
        it(`${stack} passes every mandatory policy`, async () => {
            const plan = await planOf(stack);
            expect(violationsOf(stackOf(plan))).to.deep.equal([]);
            expect(plan.resources.length).to.be.greaterThan(5);
        });
    }

    // The pack cannot see chart versions (a preview shows the provider's resolved one), so the program's plans are
    // where an unpinned chart is caught: every release asks for an exact version, as the program wrote it.
    it("every Helm release of every reference stack asks for an exact chart version", async () => {
        for (const stack of ["dev", "prod-gke", "prod-eks", "devspace-demo"]) {
            const releases = (await planOf(stack)).resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
            expect(releases.length, stack).to.be.greaterThan(0);
            for (const r of releases) expect(r.inputs.version, `${stack} ${r.name}`).to.match(/^\d+\.\d+\.\d+$/);
        }
    });

    it("prod-gke's default exposure is an internal Gateway, HTTPS from its TLS Secret and HTTP redirected, which passes", async () => {
        const plan = await planOf("prod-gke");
        const gateways = plan.resources.filter((r) => r.type === GATEWAY);
        expect(gateways.map((g) => (g.inputs.spec as { gatewayClassName: string }).gatewayClassName)).to.deep.equal([
            "gke-l7-rilb",
        ]);
        const listeners = (
            gateways[0].inputs.spec as { listeners: { name: string; protocol: string; tls?: unknown }[] }
        ).listeners;
        expect(listeners.map((l) => [l.name, l.protocol])).to.deep.equal([
            ["http", "HTTP"],
            ["https", "HTTPS"],
        ]);
        expect(listeners[1].tls).to.deep.equal({
            mode: "Terminate",
            certificateRefs: [{ kind: "Secret", name: "airflow-tls" }],
        });
        const onHttp = plan.resources.filter(
            (r) =>
                r.type === HTTP_ROUTE &&
                (r.inputs.spec as { parentRefs: { sectionName: string }[] }).parentRefs[0].sectionName === "http",
        );
        expect(onHttp.map((r) => (r.inputs.spec as { rules: unknown[] }).rules)).to.deep.equal([
            [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        ]);
        expect(violationsOf(stackOf(plan))).to.deep.equal([]);
    });

    it("prod-gke without exposure.tls.secretName is an internal Gateway over plain HTTP, which passes (it is not public)", async () => {
        const plan = await planOf("prod-gke", { config: INTERNAL_HTTP_GKE });
        const gateway = plan.resources.find((r) => r.type === GATEWAY)!;
        const spec = gateway.inputs.spec as { gatewayClassName: string; listeners: { protocol: string }[] };
        expect(spec.gatewayClassName).to.equal("gke-l7-rilb");
        expect(spec.listeners.map((l) => l.protocol)).to.deep.equal(["HTTP"]);
        expect(violationsOf(stackOf(plan))).to.deep.equal([]);
    });

    describe("prod-gke exposed publicly (exposure.public: true)", () => {
        let resources: StackResource[];
        before(async () => {
            resources = stackOf(await planOf("prod-gke", { config: PUBLIC_GKE }));
        });

        it("plans an external Gateway with a pre-shared certificate and an HTTP redirect, and passes every policy", () => {
            const gateway = resources.find((r) => r.type === GATEWAY)!;
            const spec = gateway.props.spec as {
                gatewayClassName: string;
                listeners: { protocol: string; tls?: unknown }[];
            };
            expect(spec.gatewayClassName).to.equal("gke-l7-global-external-managed");
            expect(spec.listeners.map((l) => l.protocol)).to.deep.equal(["HTTP", "HTTPS"]);
            expect(resources.filter((r) => r.type === HTTP_ROUTE)).to.have.length.greaterThan(1);
            expect(violationsOf(resources)).to.deep.equal([]);
        });

        it("fails if the Gateway lost its certificate, or a backend's route moved onto the HTTP listener", () => {
            const withoutCertificate = resources.map((r) => {
                if (r.type !== GATEWAY) return r;
                const spec = r.props.spec as { listeners: Record<string, unknown>[] };
                const listeners = spec.listeners.map((l) =>
                    l.protocol === "HTTPS" ? { ...l, tls: { mode: "Terminate" } } : l,
                );
                return { ...r, props: { ...r.props, spec: { ...spec, listeners } } };
            });
            expect(violationsOf(withoutCertificate).join("\n")).to.match(
                /no-public-load-balancer-without-tls.*Gateway.*HTTPS without a certificate/,
            );

            const onPlainHttp = resources.map((r) => {
                const spec = r.props.spec as {
                    parentRefs?: Record<string, unknown>[];
                    rules?: { backendRefs?: unknown[] }[];
                };
                if (r.type !== HTTP_ROUTE || !spec.rules?.some((rule) => rule.backendRefs)) return r;
                return {
                    ...r,
                    props: {
                        ...r.props,
                        spec: { ...spec, parentRefs: spec.parentRefs!.map((p) => ({ ...p, sectionName: "http" })) },
                    },
                };
            });
            const violations = violationsOf(onPlainHttp);
            expect(violations).to.have.length(resources.filter((r) => r.type === HTTP_ROUTE).length - 1); // all but the redirect
            for (const v of violations)
                expect(v).to.match(/HTTPRoute .* must only redirect to https, but rule 0 forwards to backends/);
        });
    });
});
