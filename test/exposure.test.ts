/**
 * Exposure, pure parts: the URLs Airflow and Grafana are told, the config errors, and the routing objects each cloud's
 * driver renders (ALB IngressGroup on EKS, Gateway API on GKE, the cluster's class elsewhere).
 */
import { expect } from "chai";
import { ALB_INGRESS_CLASS, ROOT_GROUP_ORDER, albIngresses } from "../components/cluster/ingress/alb";
import { AWS_LBC_IAM_POLICY_V2_14_0 } from "../components/cluster/ingress/aws-lbc-iam-policy";
import { AWS_LBC_RELEASES, albTerminatesTls, awsLoadBalancerControllerValues } from "../components/cluster/ingress/eks";
import { createExistingIngressDriver } from "../components/cluster/ingress/existing";
import { INTERNAL_GATEWAY_CLASS, PUBLIC_GATEWAY_CLASS, gatewayManifests } from "../components/cluster/ingress/gateway";
import { gatewayTls } from "../components/cluster/ingress/gke";
import { classIngresses } from "../components/cluster/ingress/ingress-class";
import type { IngressManifest } from "../components/cluster/ingress/routes";
import type { IngressDriver, IngressRequest } from "../components/cluster/types";
import { exposedUrls, exposureRoutes, withExposureDefaults } from "../components/exposure";
import { ExposureWiring, exposureArgs, exposureUrlsOf } from "../stacks/args/exposure";
import { albLoadBalancerArgs, gatewayLoadBalancerArgs } from "../stacks/args/ingress";
import { StackConfig, parseStackConfig } from "../stacks/config";
import { configError } from "./harness";
import { readStackFile } from "../tools/offline/runtime";

function parse(stack: string, changes: Record<string, unknown> = {}): StackConfig {
    const file = readStackFile(stack);
    return parseStackConfig(stack, { ...file.config, ...changes }, file.secrets);
}

function exposureOf(
    stack: string,
    exposure: Record<string, unknown>,
    extra: Record<string, unknown> = {},
): StackConfig {
    const file = readStackFile(stack);
    return parse(stack, { exposure: { ...((file.config.exposure as object) ?? {}), ...exposure }, ...extra });
}

const HOST = "airflow.acme-data.example.com";

/** The URLs as stacks/ computes them for the components: the scheme follows whether the EKS or GKE driver terminates TLS. */
function urlsOf(stack: StackConfig) {
    const tls =
        stack.cloud === "eks"
            ? albTerminatesTls(albLoadBalancerArgs(stack))
            : gatewayTls(gatewayLoadBalancerArgs(stack)).terminates;
    return exposureUrlsOf(stack, tls);
}

/** A driver that is never asked to route: the mapping only needs one to exist. */
const UNUSED_DRIVER: IngressDriver = {
    className: "unused",
    tls: false,
    dependencies: [],
    route: () => {
        throw new Error("not routed in these tests");
    },
};

/** A stack's exposure Args, through the same config → Args mapping as stacks/platform.ts. */
function argsOf(stack: StackConfig, airflow: ExposureWiring["airflow"], grafana?: ExposureWiring["grafana"]) {
    return withExposureDefaults(exposureArgs(stack, { ingress: UNUSED_DRIVER, airflow, grafana, dependsOn: [] }));
}

const routesOf = (...args: Parameters<typeof argsOf>) => exposureRoutes(argsOf(...args));

/** The three backends as the components expose them, in their own namespaces. */
function request(stack: StackConfig): IngressRequest {
    const args = argsOf(
        stack,
        {
            namespace: "airflow",
            uiServiceName: "airflow-api-server",
            uiServicePort: 8080,
            flowerServiceName: "airflow-flower",
            flowerServicePort: 5555,
        },
        { namespace: "monitoring", grafanaServiceName: "monitoring-grafana", grafanaServicePort: 80 },
    );
    return {
        host: args.host,
        namespace: "airflow",
        labels: { "app.kubernetes.io/component": "exposure" },
        routes: exposureRoutes(args),
    };
}

/**
 * Which backend an ALB sends a request path to: rules are evaluated by ascending `group.order` (ties by
 * namespace/name), and a `Prefix` path `/p` matches `/p` and `/p/…` (`/` matches everything).
 */
function albBackend(ingresses: IngressManifest[], requestPath: string): string | undefined {
    const ordered = [...ingresses].sort(
        (a, b) =>
            Number(a.metadata.annotations["alb.ingress.kubernetes.io/group.order"]) -
                Number(b.metadata.annotations["alb.ingress.kubernetes.io/group.order"]) ||
            `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
    for (const ingress of ordered)
        for (const p of ingress.spec.rules[0].http.paths)
            if (p.path === "/" || requestPath === p.path || requestPath.startsWith(`${p.path}/`))
                return String(p.backend.service.name);
    return undefined;
}

describe("exposure: URLs and config", () => {
    it("gives Airflow an absolute https base_url and Grafana a root_url ending in its sub-path on EKS with a certificate", () => {
        const stack = parse("prod-eks");
        expect(urlsOf(stack)).to.deep.equal({
            airflowBaseUrl: `https://${HOST}`,
            grafanaRootUrl: `https://${HOST}/grafana/`,
        });
    });

    it("follows a changed Grafana path and adds Flower only when Flower runs", () => {
        const file = readStackFile("prod-eks");
        const airflow = { ...(file.config.airflow as object), flower: { enabled: true } };
        const stack = exposureOf("prod-eks", { grafanaPath: "/dashboards", flowerPath: "/celery" }, { airflow });
        const urls = urlsOf(stack);
        expect(urls?.grafanaRootUrl).to.equal(`https://${HOST}/dashboards/`);
        expect(urls?.flowerUrl).to.equal(`https://${HOST}/celery/`);
    });

    it("uses http where the load balancer has no certificate: GKE internal without a TLS Secret and EKS without an ARN", () => {
        expect(urlsOf(exposureOf("prod-gke", { tls: {} }))).to.deep.equal({
            airflowBaseUrl: `http://${HOST}`,
            grafanaRootUrl: `http://${HOST}/grafana/`,
        });
        expect(urlsOf(exposureOf("prod-eks", { tls: {} }))?.airflowBaseUrl).to.equal(`http://${HOST}`);
        expect(urlsOf(exposureOf("prod-gke", { public: true, tls: {} }))?.airflowBaseUrl).to.equal(`https://${HOST}`);
    });

    it("uses https on GKE's internal load balancer when given a TLS Secret, which only the internal one accepts", () => {
        // The reference prod-gke stack is internal with the Secret `airflow-tls`: HTTPS end to end.
        const reference = parse("prod-gke");
        expect(reference.exposure).to.deep.include({ public: false });
        expect(reference.exposure.tls.secretName).to.equal("airflow-tls");
        expect(urlsOf(reference)).to.deep.equal({
            airflowBaseUrl: `https://${HOST}`,
            grafanaRootUrl: `https://${HOST}/grafana/`,
        });
        const err = configError(() => exposureOf("prod-gke", { public: true, tls: { secretName: "airflow-tls" } }));
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:exposure.tls.secretName"]);
        expect(
            configError(() => exposureOf("prod-eks", { tls: { secretName: "airflow-tls" } })).issues[0].key,
        ).to.equal("airflow-platform:exposure.tls.secretName");
    });

    it("has no URLs when exposure is off", () => {
        expect(urlsOf(parse("dev"))).to.equal(undefined);
    });

    it("computes the URLs once in stacks/ from the site: Airflow's base_url, Grafana's root_url, Flower's prefix", () => {
        const file = readStackFile("prod-eks");
        const airflow = { ...(file.config.airflow as object), flower: { enabled: true } };
        const stack = exposureOf("prod-eks", { grafanaPath: "/dashboards", flowerPath: "/celery" }, { airflow });
        expect(exposureUrlsOf(stack, true)).to.deep.equal({
            airflowBaseUrl: `https://${HOST}`,
            grafanaRootUrl: `https://${HOST}/dashboards/`,
            flowerUrl: `https://${HOST}/celery/`,
            flowerUrlPrefix: "/celery",
        });
        // Without monitoring there is no Grafana to point at; without Flower no prefix.
        expect(exposedUrls({ host: HOST }, false)).to.deep.equal({ airflowBaseUrl: `http://${HOST}` });
        expect(exposedUrls({ host: HOST, grafana: {}, flower: {} }, false)).to.deep.include({
            grafanaRootUrl: `http://${HOST}/grafana/`,
            flowerUrlPrefix: "/flower",
        });
    });

    it("keeps the load balancer internal unless exposure.public is set", () => {
        for (const stack of ["prod-eks", "prod-gke"]) expect(parse(stack).exposure.public).to.equal(false);
    });

    it("requires exposure.host when exposure is enabled, naming the key", () => {
        const err = configError(() => parse("dev", { exposure: { enabled: true } }));
        expect(err.issues.map((i) => i.key)).to.include("airflow-platform:exposure.host");
        expect(err.message).to.contain("base_url");
    });

    it("refuses exposure on a devspace, which has no load balancer of its own", () => {
        const err = configError(() =>
            parse("devspace-demo", { exposure: { enabled: true, host: "demo.example.com" } }),
        );
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:exposure.enabled"]);
    });

    it("refuses a public ALB without a certificate, naming airflow-platform:exposure.tls.certificateArn", () => {
        const err = configError(() => exposureOf("prod-eks", { public: true, tls: {} }));
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:exposure.tls.certificateArn"]);
        expect(err.message).to.match(/public load balancer needs TLS/);
    });

    it("refuses a public GKE load balancer without the managed certificate, naming the key", () => {
        const err = configError(() => exposureOf("prod-gke", { public: true, tls: { managedCertificate: false } }));
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:exposure.tls.managedCertificate"]);
    });

    it("refuses a certificate from another region than the ALB's", () => {
        const err = configError(() =>
            exposureOf("prod-eks", { tls: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" } }),
        );
        expect(err.issues[0].key).to.equal("airflow-platform:exposure.tls.certificateArn");
        expect(err.message).to.contain("eu-west-1");
    });

    it("reports the Exposure component's refusal of one path for two UIs under exposure.flowerPath, before any resource", () => {
        const file = readStackFile("prod-eks");
        const airflow = { ...(file.config.airflow as object), flower: { enabled: true } };
        const err = configError(() => exposureOf("prod-eks", { flowerPath: "/grafana" }, { airflow }));
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:exposure.flowerPath"]);
        expect(err.message).to.contain("Grafana's path too");
        // Without Flower running, its path is not served and not refused.
        expect(exposureOf("prod-eks", { flowerPath: "/grafana" }).exposure.flowerPath).to.equal("/grafana");
    });

    it("refuses a load balancer controller chart whose IAM policy is not vendored", () => {
        const err = configError(() => exposureOf("prod-eks", { awsLoadBalancerControllerVersion: "1.13.0" }));
        expect(err.issues[0].key).to.equal("airflow-platform:exposure.awsLoadBalancerControllerVersion");
    });

    it("routes / to the Airflow UI, checking Airflow 3's and 2's own health endpoints", () => {
        const ui = { namespace: "airflow", uiServiceName: "ui", uiServicePort: 8080 };
        const v3 = routesOf(parse("prod-eks"), ui);
        expect(v3).to.deep.equal([
            {
                name: "airflow",
                path: "/",
                serviceName: "ui",
                servicePort: 8080,
                namespace: "airflow",
                healthCheckPath: "/api/v2/monitor/health",
            },
        ]);
        const file = readStackFile("prod-eks");
        const v2 = parse("prod-eks", { airflow: { ...(file.config.airflow as object), version: "2.11.0" } });
        expect(routesOf(v2, ui)[0].healthCheckPath).to.equal("/health");
    });
});

describe("exposure on EKS: ALB IngressGroup", () => {
    const stack = parse("prod-eks");
    const options = {
        groupName: "airflow-prod-eks-exposure",
        public: false,
        certificateArn: stack.exposure.tls.certificateArn,
    };
    const ingresses = albIngresses(request(stack), options);
    const byName = (suffix: string) => ingresses.find((i) => i.metadata.name.endsWith(suffix))!;

    it("puts Airflow and Grafana in one group, each Ingress in its backend's namespace", () => {
        expect(ingresses.map((i) => [i.metadata.name, i.metadata.namespace])).to.have.deep.members([
            ["airflow-prod-eks-exposure-airflow", "airflow"],
            ["airflow-prod-eks-exposure-grafana", "monitoring"],
        ]);
        for (const i of ingresses) {
            expect(i.spec.ingressClassName).to.equal(ALB_INGRESS_CLASS);
            expect(i.metadata.annotations["alb.ingress.kubernetes.io/group.name"]).to.equal(
                "airflow-prod-eks-exposure",
            );
            expect(i.spec.rules[0].host).to.equal(HOST);
        }
    });

    it("orders / last, so it cannot swallow /grafana or /flower", () => {
        const withFlower = albIngresses(
            request(
                parse("prod-eks", {
                    airflow: { ...(readStackFile("prod-eks").config.airflow as object), flower: { enabled: true } },
                }),
            ),
            options,
        );
        const orders = withFlower.map((i) => Number(i.metadata.annotations["alb.ingress.kubernetes.io/group.order"]));
        const root = withFlower.find((i) => i.spec.rules[0].http.paths[0].path === "/")!;
        expect(Number(root.metadata.annotations["alb.ingress.kubernetes.io/group.order"])).to.equal(ROOT_GROUP_ORDER);
        expect(Math.max(...orders)).to.equal(ROOT_GROUP_ORDER);
        expect(new Set(orders).size).to.equal(orders.length);
        expect(albBackend(withFlower, "/grafana/d/airflow-overview")).to.equal("monitoring-grafana");
        expect(albBackend(withFlower, "/grafana")).to.equal("monitoring-grafana");
        expect(albBackend(withFlower, "/flower/workers")).to.equal("airflow-flower");
        expect(albBackend(withFlower, "/dags/example/grid")).to.equal("airflow-api-server");
        expect(albBackend(withFlower, "/grafanafoo")).to.equal("airflow-api-server");
    });

    it("is internal, targets pod IPs and health-checks each backend's own endpoint", () => {
        for (const i of ingresses) {
            expect(i.metadata.annotations["alb.ingress.kubernetes.io/scheme"]).to.equal("internal");
            expect(i.metadata.annotations["alb.ingress.kubernetes.io/target-type"]).to.equal("ip");
        }
        expect(byName("airflow").metadata.annotations["alb.ingress.kubernetes.io/healthcheck-path"]).to.equal(
            "/api/v2/monitor/health",
        );
        expect(byName("grafana").metadata.annotations["alb.ingress.kubernetes.io/healthcheck-path"]).to.equal(
            "/grafana/api/health",
        );
    });

    it("terminates TLS with the ACM certificate and redirects HTTP to HTTPS", () => {
        for (const i of ingresses) {
            const a = i.metadata.annotations;
            expect(a["alb.ingress.kubernetes.io/certificate-arn"]).to.equal(stack.exposure.tls.certificateArn);
            expect(JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"])).to.deep.equal([
                { HTTP: 80 },
                { HTTPS: 443 },
            ]);
            expect(a["alb.ingress.kubernetes.io/ssl-redirect"]).to.equal("443");
        }
    });

    it("listens on HTTP only, without a redirect, when there is no certificate", () => {
        for (const i of albIngresses(request(stack), { ...options, certificateArn: undefined })) {
            const a = i.metadata.annotations;
            expect(JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"])).to.deep.equal([{ HTTP: 80 }]);
            expect(a).not.to.have.property("alb.ingress.kubernetes.io/ssl-redirect");
            expect(a).not.to.have.property("alb.ingress.kubernetes.io/certificate-arn");
        }
    });

    it("is internet-facing only when asked", () => {
        for (const i of albIngresses(request(stack), { ...options, public: true }))
            expect(i.metadata.annotations["alb.ingress.kubernetes.io/scheme"]).to.equal("internet-facing");
    });

    it("gives every Ingress of the group the same ALB-wide (exclusive) settings", () => {
        const exclusive = [
            "scheme",
            "ssl-redirect",
            "ssl-policy",
            "load-balancer-attributes",
            "listen-ports",
            "certificate-arn",
        ].map((k) => `alb.ingress.kubernetes.io/${k}`);
        for (const key of exclusive)
            expect(new Set(ingresses.map((i) => i.metadata.annotations[key])).size, key).to.equal(1);
    });
});

describe("exposure on EKS: AWS Load Balancer Controller", () => {
    const placement = {
        nodeSelector: { "airflow-platform/pool": "on-demand" },
        tolerations: [],
    };
    const values = awsLoadBalancerControllerValues({
        chartVersion: "1.14.0",
        clusterName: "airflow-prod-eks",
        region: "eu-west-1",
        vpcId: "vpc-123",
        placement,
        serviceAccountAnnotations: {},
    });

    it("pins the chart's own controller image, knows its cluster, region and VPC, and runs on on-demand nodes", () => {
        expect(AWS_LBC_RELEASES["1.14.0"].appVersion).to.equal("v2.14.0");
        expect(values).to.deep.include({
            clusterName: "airflow-prod-eks",
            region: "eu-west-1",
            vpcId: "vpc-123",
            image: { tag: "v2.14.0" },
        });
        expect(values.nodeSelector).to.deep.equal(placement.nodeSelector);
        expect(values.resources).to.have.nested.property("requests.cpu");
        expect(values.resources).to.have.nested.property("requests.memory");
    });

    it("does not take over every LoadBalancer Service (its fail-closed Service webhook is off)", () => {
        expect(values.enableServiceMutatorWebhook).to.equal(false);
        expect(values.ingressClassConfig).to.deep.equal({ default: false });
    });

    it("vendors an IAM policy that lets the controller build ALBs, target groups and security group rules", () => {
        const actions = AWS_LBC_IAM_POLICY_V2_14_0.Statement.flatMap((s) => [...s.Action]);
        for (const action of [
            "elasticloadbalancing:CreateLoadBalancer",
            "elasticloadbalancing:CreateTargetGroup",
            "elasticloadbalancing:CreateRule",
            "elasticloadbalancing:AddListenerCertificates",
            "ec2:AuthorizeSecurityGroupIngress",
            "acm:DescribeCertificate",
        ])
            expect(actions, action).to.include(action);
    });
});

describe("exposure on GKE: one Gateway, HTTPRoutes per namespace", () => {
    const internal = parse("prod-gke");

    it("is a regional internal load balancer by default, HTTP only without a TLS Secret, routes attached from both namespaces", () => {
        const m = gatewayManifests(request(internal), { name: "airflow-prod-gke-exposure", public: false });
        expect(m.gateway.spec.gatewayClassName).to.equal(INTERNAL_GATEWAY_CLASS);
        const listeners = m.gateway.spec.listeners as { name: string; protocol: string; allowedRoutes: unknown }[];
        expect(listeners.map((l) => [l.name, l.protocol])).to.deep.equal([["http", "HTTP"]]);
        expect(JSON.stringify(listeners[0].allowedRoutes)).to.contain("monitoring");
        expect(m.redirect).to.equal(undefined);
        expect(
            m.routes.map((r) => [
                r.metadata.namespace,
                (r.spec.rules as { matches: { path: { value: string } }[] }[])[0].matches[0].path.value,
            ]),
        ).to.have.deep.members([
            ["airflow", "/"],
            ["monitoring", "/grafana"],
        ]);
        for (const r of m.routes)
            expect(r.spec.parentRefs).to.deep.equal([
                { name: "airflow-prod-gke-exposure", namespace: "airflow", sectionName: "http" },
            ]);
    });

    it("when public: a global external load balancer, the Google-managed certificate on HTTPS, and HTTP redirected", () => {
        const m = gatewayManifests(request(internal), {
            name: "airflow-prod-gke-exposure",
            public: true,
            preSharedCertificate: "airflow-prod-gke-exposure",
            addressName: "airflow-prod-gke-exposure",
        });
        expect(m.gateway.spec.gatewayClassName).to.equal(PUBLIC_GATEWAY_CLASS);
        expect(m.gateway.spec.addresses).to.deep.equal([{ type: "NamedAddress", value: "airflow-prod-gke-exposure" }]);
        const https = (m.gateway.spec.listeners as Record<string, unknown>[]).find((l) => l.name === "https")!;
        expect(https).to.deep.include({ protocol: "HTTPS", port: 443, hostname: HOST });
        expect(https.tls).to.deep.equal({
            mode: "Terminate",
            options: { "networking.gke.io/pre-shared-certs": "airflow-prod-gke-exposure" },
        });
        for (const r of m.routes)
            expect((r.spec.parentRefs as { sectionName: string }[])[0].sectionName).to.equal("https");
        expect(m.redirect!.spec.parentRefs).to.deep.equal([
            { name: "airflow-prod-gke-exposure", namespace: "airflow", sectionName: "http" },
        ]);
        expect(m.redirect!.spec.rules).to.deep.equal([
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ]);
    });

    it("internal with a TLS Secret (the reference stack's): HTTPS from the Secret, and HTTP only redirects", () => {
        const m = gatewayManifests(request(internal), {
            name: "gw",
            public: false,
            tlsSecretName: internal.exposure.tls.secretName,
        });
        expect(m.gateway.spec.gatewayClassName).to.equal(INTERNAL_GATEWAY_CLASS);
        const listeners = m.gateway.spec.listeners as Record<string, unknown>[];
        const https = listeners.find((l) => l.name === "https")!;
        expect(https.tls).to.deep.equal({
            mode: "Terminate",
            certificateRefs: [{ kind: "Secret", name: "airflow-tls" }],
        });
        expect(listeners.find((l) => l.name === "http")!.allowedRoutes).to.deep.equal({ namespaces: { from: "Same" } });
        expect(https).to.deep.include({ protocol: "HTTPS", port: 443, hostname: HOST });
        for (const r of m.routes)
            expect((r.spec.parentRefs as { sectionName: string }[])[0].sectionName).to.equal("https");
        expect(m.redirect!.spec.parentRefs).to.deep.equal([{ name: "gw", namespace: "airflow", sectionName: "http" }]);
        expect(m.redirect!.spec.rules).to.deep.equal([
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ]);
    });

    it("health-checks each backend Service on a path that answers 200", () => {
        const m = gatewayManifests(request(internal), { name: "gw", public: false });
        const checks = m.healthChecks.map((h) => [
            h.metadata.namespace,
            (h.spec.targetRef as { name: string }).name,
            (h.spec.default as { config: { httpHealthCheck: { requestPath: string } } }).config.httpHealthCheck
                .requestPath,
        ]);
        expect(checks).to.have.deep.members([
            ["airflow", "airflow-api-server", "/api/v2/monitor/health"],
            ["monitoring", "monitoring-grafana", "/grafana/api/health"],
        ]);
    });
});

describe("exposure on an existing cluster", () => {
    it("uses existing.ingressClassName, one Ingress per backend namespace, same host", () => {
        const stack = parse("prod-eks");
        const ingresses = classIngresses(request(stack), "traefik", "airflow-exposure");
        expect(ingresses.map((i) => i.spec.ingressClassName)).to.deep.equal(["traefik", "traefik"]);
        expect(ingresses.map((i) => i.metadata.namespace)).to.have.members(["airflow", "monitoring"]);
        expect(ingresses.every((i) => i.spec.rules[0].host === HOST)).to.equal(true);
        // The driver creates nothing until it routes, so no provider is needed to ask it.
        const driver = createExistingIngressDriver({
            namePrefix: stack.clusterName,
            ingressClassName: "traefik",
            provider: undefined!,
        });
        expect(driver.tls).to.equal(false);
    });
});
