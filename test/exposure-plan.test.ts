/**
 * Exposure in the planned stacks: the objects each cloud really registers, the AWS Load Balancer Controller and its
 * role, and the agreement between the routes and what Airflow (base_url) and Grafana (root_url, sub-path) are told.
 */
import { expect } from "chai";
import { AWS_LBC_IAM_POLICY_V2_14_0 } from "../components/cluster/ingress/aws-lbc-iam-policy";
import { readStackFile } from "../tools/offline/runtime";
import { COMPUTED, Plan, PlannedResource, SECRET, kubeObjects, ofType, planOf, the } from "./harness";

const HOST = "airflow.acme-data.example.com";
const RELEASE = "kubernetes:helm.sh/v3:Release";

function releaseOfChart(plan: Plan, chart: string): PlannedResource {
    const found = ofType(plan, RELEASE).filter((r) => r.inputs.chart === chart);
    expect(found, `one ${chart} release`).to.have.length(1);
    return found[0];
}

function exposureOfStack(stack: string): Record<string, unknown> {
    return (readStackFile(stack).config.exposure as Record<string, unknown>) ?? {};
}

type Annotations = Record<string, string>;
const annotations = (r: PlannedResource) => (r.inputs.metadata as { annotations: Annotations }).annotations;
const meta = (r: PlannedResource) => r.inputs.metadata as { name: string; namespace: string };
const spec = (r: PlannedResource) => r.inputs.spec as Record<string, unknown>;
const ingressPath = (r: PlannedResource) =>
    (
        spec(r).rules as {
            http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] };
        }[]
    )[0].http.paths[0];

describe("exposure: planned EKS stack (prod-eks)", () => {
    let plan: Plan;
    let variant: Plan;
    before(async () => {
        plan = await planOf("prod-eks");
        // Flower on, and an internet-facing ALB (allowed: the stack has a certificate).
        const airflow = { ...(readStackFile("prod-eks").config.airflow as object), flower: { enabled: true } };
        variant = await planOf("prod-eks", {
            config: { airflow, exposure: { ...exposureOfStack("prod-eks"), public: true } },
        });
    });

    it("renders one internal ALB group: / to the Airflow API server last, /grafana to Grafana first", () => {
        const ingresses = kubeObjects(plan, "Ingress");
        const rows = ingresses.map((i) => [
            meta(i).namespace,
            ingressPath(i).path,
            ingressPath(i).backend.service.name,
            ingressPath(i).backend.service.port.number,
            annotations(i)["alb.ingress.kubernetes.io/group.order"],
        ]);
        expect(rows).to.have.deep.members([
            ["airflow", "/", "airflow-api-server", 8080, "1000"],
            ["monitoring", "/grafana", "grafana", 80, "10"],
        ]);
        for (const i of ingresses) {
            expect(annotations(i)["alb.ingress.kubernetes.io/group.name"]).to.equal("airflow-prod-eks-exposure");
            expect(annotations(i)["alb.ingress.kubernetes.io/scheme"]).to.equal("internal");
            expect(annotations(i)["alb.ingress.kubernetes.io/certificate-arn"]).to.match(/^arn:aws:acm:eu-west-1:/);
            expect(annotations(i)["alb.ingress.kubernetes.io/ssl-redirect"]).to.equal("443");
            expect(spec(i).ingressClassName).to.equal("alb");
        }
    });

    it("routes /flower to the chart's Flower service when Flower is on, before /, and goes internet-facing only on request", () => {
        const ingresses = kubeObjects(variant, "Ingress");
        const flower = ingresses.find((i) => ingressPath(i).path === "/flower")!;
        expect(ingressPath(flower).backend.service).to.deep.equal({ name: "airflow-flower", port: { number: 5555 } });
        expect(Number(annotations(flower)["alb.ingress.kubernetes.io/group.order"])).to.be.lessThan(1000);
        expect(annotations(flower)["alb.ingress.kubernetes.io/healthcheck-path"]).to.equal("/flower/healthcheck");
        for (const i of ingresses)
            expect(annotations(i)["alb.ingress.kubernetes.io/scheme"]).to.equal("internet-facing");
        for (const i of kubeObjects(plan, "Ingress"))
            expect(annotations(i)["alb.ingress.kubernetes.io/scheme"]).to.equal("internal");
    });

    it("protects Flower with basic auth from a generated Secret, and serves it under its path", () => {
        const values = releaseOfChart(variant, "airflow").inputs.values as {
            flower: { enabled: boolean; secretName?: string };
            config: { celery: Record<string, string> };
        };
        expect(values.flower.enabled).to.equal(true);
        const flowerSecret = kubeObjects(variant, "Secret").find(
            (s) => (s.inputs.metadata as { name: string }).name === values.flower.secretName,
        );
        expect(flowerSecret, `Secret ${values.flower.secretName}`).to.not.equal(undefined);
        // The credentials come from a generated password (unknown until deploy), never from plain values.
        expect([SECRET, COMPUTED]).to.include(flowerSecret!.inputs.stringData);
        const generated = ofType(variant, "random:index/randomPassword:RandomPassword").map((r) => r.urn);
        expect(flowerSecret!.dependencies.some((urn) => generated.includes(urn))).to.equal(true);
        expect(values.flower).to.not.have.any.keys("username", "password");
        expect(values.config.celery.flower_url_prefix).to.equal("/flower");
        expect((variant.outputs.urls as Record<string, string>).flower).to.equal(`https://${HOST}/flower/`);
    });

    it("installs the pinned AWS Load Balancer Controller on on-demand nodes, with requests, for this cluster", () => {
        const release = releaseOfChart(plan, "aws-load-balancer-controller");
        expect(release.inputs).to.deep.include({
            version: "1.14.0",
            namespace: "kube-system",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
        });
        const values = release.inputs.values as Record<string, unknown>;
        expect(values).to.deep.include({ clusterName: "airflow-prod-eks", region: "eu-west-1" });
        expect(values.vpcId).to.be.a("string").and.not.equal("");
        const airflowScheduler = (
            releaseOfChart(plan, "airflow").inputs.values as { scheduler: { nodeSelector: unknown } }
        ).scheduler;
        expect(values.nodeSelector).to.deep.equal(airflowScheduler.nodeSelector);
        expect(values.resources).to.have.nested.property("requests.cpu");
    });

    it("gives the controller the vendored IAM policy through a Pod Identity association it waits for", () => {
        const policy = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("cluster-ingress"))!;
        expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal(AWS_LBC_IAM_POLICY_V2_14_0);
        const association = ofType(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find(
            (a) => a.inputs.serviceAccount === "aws-load-balancer-controller",
        )!;
        expect(association.inputs.namespace).to.equal("kube-system");
        const release = releaseOfChart(plan, "aws-load-balancer-controller");
        expect(release.dependencies).to.include(association.urn);
    });

    it("creates the Ingresses only after the controller (its webhook validates them) and the releases that make their Services", () => {
        const waitFor = ["aws-load-balancer-controller", "airflow", "kube-prometheus-stack"].map(
            (chart) => releaseOfChart(plan, chart).urn,
        );
        for (const i of kubeObjects(plan, "Ingress")) expect(i.dependencies, meta(i).name).to.include.members(waitFor);
    });

    it("tells Airflow and Grafana the URLs the load balancer serves", () => {
        const urls = plan.outputs.urls as Record<string, string>;
        expect(urls).to.deep.equal({ airflow: `https://${HOST}`, grafana: `https://${HOST}/grafana/` });
        const airflow = releaseOfChart(plan, "airflow").inputs.values as { config: { api: { base_url: string } } };
        expect(airflow.config.api.base_url).to.equal(urls.airflow);
        const grafana = (
            releaseOfChart(plan, "kube-prometheus-stack").inputs.values as {
                grafana: Record<string, Record<string, Record<string, unknown>>>;
            }
        ).grafana["grafana.ini"];
        expect(grafana.server.root_url).to.equal(urls.grafana);
        expect(grafana.server.serve_from_sub_path).to.equal(true);
        const grafanaRoute = kubeObjects(plan, "Ingress").find((i) => meta(i).namespace === "monitoring")!;
        expect(new URL(grafana.server.root_url as string).pathname).to.equal(`${ingressPath(grafanaRoute).path}/`);
        expect(grafana["auth.anonymous"].enabled).to.equal(false);
    });
});

describe("exposure: planned GKE stack (prod-gke)", () => {
    // The three GKE variants. The reference stack is internal HTTPS from its TLS Secret; the variants drop `tls` (HTTP
    // inside the VPC, or public with the managed certificate). The public variant has the same keys, in the same order,
    // as test/policy-plans.test.ts's (and the HTTP one as its internal one), so the harness plans each once.
    const { tls: referenceTls, ...withoutTls } = exposureOfStack("prod-gke") as { tls: { secretName: string } };
    let plan: Plan;
    let httpPlan: Plan;
    let publicPlan: Plan;
    before(async () => {
        [plan, httpPlan, publicPlan] = await Promise.all([
            planOf("prod-gke"),
            planOf("prod-gke", { config: { exposure: withoutTls } }),
            planOf("prod-gke", { config: { exposure: { ...withoutTls, public: true } } }),
        ]);
    });

    const gateway = (p: Plan) => the(p, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
    const listeners = (p: Plan) => spec(gateway(p)).listeners as Record<string, unknown>[];
    const routes = (p: Plan) => ofType(p, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    const isRedirect = (r: PlannedResource) => JSON.stringify(spec(r).rules).includes("RequestRedirect");
    const sectionOf = (r: PlannedResource) => (spec(r).parentRefs as { sectionName: string }[])[0].sectionName;
    const proxyOnlySubnets = (p: Plan) =>
        ofType(p, "gcp:compute/subnetwork:Subnetwork").filter((s) => s.inputs.purpose === "REGIONAL_MANAGED_PROXY");
    const backendRows = (p: Plan) =>
        routes(p)
            .filter((r) => !isRedirect(r))
            .map((r) => {
                const rule = (
                    spec(r).rules as {
                        matches: { path: { value: string } }[];
                        backendRefs: { name: string; port: number }[];
                    }[]
                )[0];
                return [
                    meta(r).namespace,
                    rule.matches[0].path.value,
                    rule.backendRefs[0].name,
                    rule.backendRefs[0].port,
                ];
            });

    it("is one internal Gateway with a proxy-only subnet, and an HTTPRoute in each backend's namespace", () => {
        expect(referenceTls.secretName).to.equal("airflow-tls");
        expect(spec(gateway(plan)).gatewayClassName).to.equal("gke-l7-rilb");
        const subnet = proxyOnlySubnets(plan)[0];
        expect(subnet?.inputs).to.deep.include({
            role: "ACTIVE",
            ipCidrRange: "10.10.16.0/23",
            region: "europe-west1",
        });
        expect(gateway(plan).dependencies).to.include(subnet!.urn);
        expect(backendRows(plan)).to.have.deep.members([
            ["airflow", "/", "airflow-api-server", 8080],
            ["monitoring", "/grafana", "grafana", 80],
        ]);
        expect(ofType(plan, "gcp:compute/managedSslCertificate:ManagedSslCertificate")).to.have.length(0);
    });

    it("serves HTTPS from the stack's kubernetes.io/tls Secret, and HTTP only redirects to HTTPS", () => {
        const https = listeners(plan).find((l) => l.protocol === "HTTPS")!;
        expect(https).to.deep.include({ name: "https", port: 443, hostname: HOST });
        expect(https.tls).to.deep.equal({
            mode: "Terminate",
            certificateRefs: [{ kind: "Secret", name: "airflow-tls" }],
        });
        // The Secret is looked up in the Gateway's namespace (no namespace in the ref): the Airflow namespace.
        expect(meta(gateway(plan)).namespace).to.equal("airflow");
        expect(listeners(plan).map((l) => [l.name, l.protocol])).to.deep.equal([
            ["http", "HTTP"],
            ["https", "HTTPS"],
        ]);
        for (const r of routes(plan).filter((x) => !isRedirect(x)))
            expect(sectionOf(r), meta(r).name).to.equal("https");
        const redirects = routes(plan).filter(isRedirect);
        expect(redirects).to.have.length(1);
        expect(sectionOf(redirects[0])).to.equal("http");
        expect(spec(redirects[0]).rules).to.deep.equal([
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ]);
        expect(listeners(plan).find((l) => l.name === "http")!.allowedRoutes).to.deep.equal({
            namespaces: { from: "Same" },
        });
        expect(plan.outputs.urls).to.deep.equal({ airflow: `https://${HOST}`, grafana: `https://${HOST}/grafana/` });
        const airflow = releaseOfChart(plan, "airflow").inputs.values as { config: { api: { base_url: string } } };
        expect(airflow.config.api.base_url).to.equal(`https://${HOST}`);
    });

    it("without exposure.tls.secretName: the same internal Gateway over plain HTTP, no redirect, http:// URLs", () => {
        expect(spec(gateway(httpPlan)).gatewayClassName).to.equal("gke-l7-rilb");
        expect(listeners(httpPlan).map((l) => [l.name, l.protocol])).to.deep.equal([["http", "HTTP"]]);
        expect(proxyOnlySubnets(httpPlan)).to.have.length(1);
        expect(routes(httpPlan).filter(isRedirect)).to.have.length(0);
        for (const r of routes(httpPlan)) expect(sectionOf(r), meta(r).name).to.equal("http");
        expect(backendRows(httpPlan)).to.have.deep.members(backendRows(plan));
        expect(httpPlan.outputs.urls).to.deep.equal({ airflow: `http://${HOST}`, grafana: `http://${HOST}/grafana/` });
        const airflow = releaseOfChart(httpPlan, "airflow").inputs.values as { config: { api: { base_url: string } } };
        expect(airflow.config.api.base_url).to.equal(`http://${HOST}`);
    });

    it("health-checks the API server and Grafana on endpoints that answer 200", () => {
        const checks = ofType(plan, "kubernetes:networking.gke.io/v1:HealthCheckPolicy").map((h) => [
            (spec(h).targetRef as { name: string }).name,
            (spec(h).default as { config: { httpHealthCheck: { requestPath: string } } }).config.httpHealthCheck
                .requestPath,
        ]);
        expect(checks).to.have.deep.members([
            ["airflow-api-server", "/api/v2/monitor/health"],
            ["grafana", "/grafana/api/health"],
        ]);
    });

    it("when public: a global external Gateway on a reserved address with a Google-managed certificate for the host", () => {
        expect(spec(gateway(publicPlan)).gatewayClassName).to.equal("gke-l7-global-external-managed");
        const certificate = the(publicPlan, "gcp:compute/managedSslCertificate:ManagedSslCertificate");
        expect(certificate.inputs.managed).to.deep.equal({ domains: [HOST] });
        const https = listeners(publicPlan).find((l) => l.protocol === "HTTPS")!;
        // The certificate is auto-named (a new host replaces it create-before-delete): the Gateway takes its name output.
        expect(https.tls).to.deep.equal({
            mode: "Terminate",
            options: { "networking.gke.io/pre-shared-certs": COMPUTED },
        });
        expect(gateway(publicPlan).dependencies).to.include(certificate.urn);
        const address = ofType(publicPlan, "gcp:compute/globalAddress:GlobalAddress").find((a) =>
            a.name.endsWith("ingress-address"),
        )!;
        expect(spec(gateway(publicPlan)).addresses).to.deep.equal([
            { type: "NamedAddress", value: address.inputs.name },
        ]);
        const redirect = routes(publicPlan).find(isRedirect)!;
        expect(sectionOf(redirect)).to.equal("http");
        expect(proxyOnlySubnets(publicPlan)).to.have.length(0);
        const urls = publicPlan.outputs.urls as Record<string, string>;
        expect(urls.airflow).to.equal(`https://${HOST}`);
        const airflow = releaseOfChart(publicPlan, "airflow").inputs.values as {
            config: { api: { base_url: string } };
        };
        expect(airflow.config.api.base_url).to.equal(urls.airflow);
    });
});

describe("exposure: planned existing cluster", () => {
    it("uses existing.ingressClassName, over plain HTTP, with the same routes", async () => {
        const plan = await planOf("dev", {
            unset: ["gcp"],
            config: {
                cloud: "existing",
                existing: {
                    context: "kind-airflow",
                    sharedStorageClassName: "nfs-rwx",
                    ingressClassName: "nginx-internal",
                },
                exposure: { enabled: true, host: "airflow.dev.internal" },
            },
        });
        const ingresses = kubeObjects(plan, "Ingress");
        expect(
            ingresses.map((i) => [spec(i).ingressClassName, meta(i).namespace, ingressPath(i).path]),
        ).to.have.deep.members([
            ["nginx-internal", "airflow", "/"],
            ["nginx-internal", "monitoring", "/grafana"],
        ]);
        expect(plan.outputs.urls).to.deep.equal({
            airflow: "http://airflow.dev.internal",
            grafana: "http://airflow.dev.internal/grafana/",
        });
    });
});
