import { expect } from "chai";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { gatewayManifests } from "../components/cluster/ingress/gateway";
import {
    CHECKS,
    StackResource,
    checkGatewayRoutesOnlyRedirectPlainHttp,
    checkNoPlaintextSecrets,
    checkNoPublicLoadBalancerWithoutTls,
    UNKNOWN,
    checkPinnedVersions,
    checkResourceRequests,
    checkSpotTolerations,
    imagePinProblem,
    isExternalGatewayClass,
    isSecretKeyName,
    isSpotToleration,
} from "../policy/checks";
import { buildPolicies, plainProps } from "../policy/policies";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const GKE_SPOT = { key: "cloud.google.com/gke-spot", operator: "Equal", value: "true", effect: "NoSchedule" };
const EKS_SPOT = { key: "airflow-platform/capacity", operator: "Equal", value: "spot", effect: "NoSchedule" };

function deployment(
    container: Record<string, unknown>,
    extra: { labels?: Record<string, string>; tolerations?: unknown[] } = {},
) {
    return {
        metadata: { name: "app", namespace: "airflow" },
        spec: {
            template: {
                metadata: { labels: extra.labels ?? { component: "scheduler" } },
                spec: { containers: [{ name: "main", ...container }], tolerations: extra.tolerations ?? [] },
            },
        },
    };
}
const requests = { requests: { cpu: "100m", memory: "128Mi" } };

describe("policy pack: pinned-versions", () => {
    it("rejects images with no tag or the latest tag, in workloads and in Helm values", () => {
        expect(checkPinnedVersions(DEPLOYMENT, deployment({ image: "nginx", resources: requests }))).to.have.length(1);
        expect(
            checkPinnedVersions(DEPLOYMENT, deployment({ image: "apache/airflow:latest", resources: requests }))[0],
        ).to.match(/latest/);
        expect(
            checkPinnedVersions(RELEASE, {
                chart: "airflow",
                version: "1.20.0",
                values: { images: { airflow: { tag: "latest" } } },
            }),
        ).to.deep.equal(['values.images.airflow.tag: the image tag "latest" is not a pinned version']);
        expect(
            checkPinnedVersions(RELEASE, { chart: "x", version: "1.0.0", values: { sidecar: { image: "busybox" } } }),
        ).to.have.length(1);
    });

    it("accepts tags, digests and registry ports; leaves chart versions to the program (a preview shows the provider's resolved one)", () => {
        expect(imagePinProblem("registry.k8s.io:5000/git-sync/git-sync:v4.4.2")).to.equal(undefined);
        expect(imagePinProblem(`busybox@sha256:${"a".repeat(64)}`)).to.equal(undefined);
        expect(imagePinProblem("localhost:5000/busybox")).to.match(/no tag/);
        expect(
            checkPinnedVersions(DEPLOYMENT, deployment({ image: "apache/airflow:3.1.8", resources: requests })),
        ).to.deep.equal([]);
        expect(
            checkPinnedVersions(RELEASE, {
                chart: "airflow",
                version: "1.20.0",
                values: { images: { airflow: { tag: "3.1.8" } } },
            }),
        ).to.deep.equal([]);
        expect(checkPinnedVersions(RELEASE, { chart: "./charts/local", values: {} })).to.deep.equal([]);
        // What the analyzer sees after the provider's Check: the claim would be a no-op, so the policy makes none.
        expect(checkPinnedVersions(RELEASE, { chart: "airflow", version: "^1.20.0", values: {} })).to.deep.equal([]);
        expect(checkPinnedVersions(DEPLOYMENT, deployment({ image: UNKNOWN, resources: requests }))).to.deep.equal([]);
    });
});

describe("policy pack: resource-requests", () => {
    it("rejects a container without requests, limits-only resources in values, and an Airflow release without component requests", () => {
        const d = deployment({ image: "a:1", resources: { limits: { cpu: "1", memory: "1Gi" } } });
        expect(checkResourceRequests(DEPLOYMENT, d)).to.deep.equal([
            'container "main" has no resource requests (cpu and memory)',
        ]);
        const job = {
            spec: { template: { spec: { initContainers: [{ name: "init", image: "a:1" }], containers: [] } } },
        };
        expect(checkResourceRequests("kubernetes:batch/v1:Job", job)[0]).to.match(/initContainer "init"/);
        expect(checkResourceRequests(RELEASE, { chart: "x", values: { server: { resources: {} } } })[0]).to.match(
            /values.server.resources sets no requests/,
        );
        const airflow = checkResourceRequests(RELEASE, {
            chart: "airflow",
            values: { scheduler: {}, statsd: { enabled: false } },
        });
        expect(airflow).to.deep.equal([
            "values.scheduler.resources is missing: every Airflow component needs requests",
            "values.triggerer.resources is missing: every Airflow component needs requests",
        ]);
    });

    it("reports nothing it cannot know yet: a release's values unknown before the cluster exists, unknown sections and resources", () => {
        // The first preview of a new stack: the Airflow release's values depend on the cluster (computed).
        expect(checkResourceRequests(RELEASE, { chart: "airflow", version: "1.20.0", values: UNKNOWN })).to.deep.equal(
            [],
        );
        expect(
            checkResourceRequests(RELEASE, {
                chart: "airflow",
                values: { scheduler: UNKNOWN, triggerer: { resources: UNKNOWN }, statsd: { resources: requests } },
            }),
        ).to.deep.equal([]);
        expect(
            checkResourceRequests(DEPLOYMENT, deployment({ image: "a:1", resources: { requests: UNKNOWN } })),
        ).to.deep.equal([]);
        const pod = { spec: { containers: [UNKNOWN] } };
        expect(checkResourceRequests("kubernetes:core/v1:Pod", pod)).to.deep.equal([]);
    });

    it("accepts containers and values that set cpu and memory requests", () => {
        expect(checkResourceRequests(DEPLOYMENT, deployment({ image: "a:1", resources: requests }))).to.deep.equal([]);
        const values = {
            scheduler: { resources: requests },
            triggerer: { resources: requests },
            statsd: { resources: requests },
        };
        expect(checkResourceRequests(RELEASE, { chart: "airflow", values })).to.deep.equal([]);
        // A volume claim template's resources ask for storage, not cpu and memory.
        const pvc = {
            prometheus: {
                prometheusSpec: {
                    storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } },
                },
            },
        };
        expect(checkResourceRequests(RELEASE, { chart: "kube-prometheus-stack", values: pvc })).to.deep.equal([]);
    });
});

describe("policy pack: spot-tolerations-only-on-workers", () => {
    it("recognises the GKE and EKS spot taints of the cluster layer", () => {
        expect(isSpotToleration(GKE_SPOT)).to.equal(true);
        expect(isSpotToleration(EKS_SPOT)).to.equal(true);
        expect(isSpotToleration({ key: "eks.amazonaws.com/capacityType", operator: "Exists" })).to.equal(true);
        expect(isSpotToleration({ operator: "Exists" })).to.equal(true);
        expect(
            isSpotToleration({ key: "dedicated", operator: "Equal", value: "airflow", effect: "NoSchedule" }),
        ).to.equal(false);
        // Exists on a capacity key tolerates the spot taint whatever its value: EKS's airflow-platform/capacity=spot.
        expect(isSpotToleration({ key: "airflow-platform/capacity", operator: "Exists" })).to.equal(true);
        expect(
            isSpotToleration({ key: "airflow-platform/capacity", operator: "Exists", effect: "NoSchedule" }),
        ).to.equal(true);
        expect(isSpotToleration({ key: "cloud.google.com/gke-spot", operator: "Exists" })).to.equal(true);
        expect(isSpotToleration({ key: "karpenter.sh/capacity-type", operator: "Equal", value: "spot" })).to.equal(
            true,
        );
        expect(isSpotToleration({ key: "airflow-platform/capacity", operator: "Equal", value: "on-demand" })).to.equal(
            false,
        );
    });

    it("rejects a scheduler tolerating spot, and spot tolerations in non-worker Helm values", () => {
        const scheduler = deployment({ image: "a:1", resources: requests }, { tolerations: [GKE_SPOT] });
        expect(checkSpotTolerations(DEPLOYMENT, scheduler)).to.have.length(1);
        const values = {
            tolerations: [EKS_SPOT],
            scheduler: { tolerations: [GKE_SPOT] },
            workers: { tolerations: [GKE_SPOT] },
        };
        expect(checkSpotTolerations(RELEASE, { chart: "airflow", values })).to.deep.equal([
            "values.tolerations tolerates the spot taint outside the workers' section",
            "values.scheduler.tolerations tolerates the spot taint outside the workers' section",
        ]);
    });

    it("lets no label vouch for a worker: a `component: worker` Deployment tolerating spot is rejected", () => {
        const worker = deployment(
            { image: "a:1", resources: requests },
            { labels: { component: "worker" }, tolerations: [GKE_SPOT] },
        );
        expect(checkSpotTolerations(DEPLOYMENT, worker)).to.have.length(1);
        const exists = deployment(
            { image: "a:1", resources: requests },
            {
                labels: { "airflow-platform/workload": "task" },
                tolerations: [{ key: "airflow-platform/capacity", operator: "Exists" }],
            },
        );
        expect(checkSpotTolerations(DEPLOYMENT, exists)).to.have.length(1);
    });

    it("accepts spot tolerations in the workers' values and on node agents; an unknown toleration list is not judged", () => {
        const values = {
            workers: { tolerations: [EKS_SPOT], kubernetes: { tolerations: [EKS_SPOT] } },
            scheduler: { tolerations: [] },
        };
        expect(checkSpotTolerations(RELEASE, { chart: "airflow", values })).to.deep.equal([]);
        // Node agents run on every node, spot nodes included.
        const kps = { "prometheus-node-exporter": { tolerations: [{ operator: "Exists" }] } };
        expect(checkSpotTolerations(RELEASE, { chart: "kube-prometheus-stack", values: kps })).to.deep.equal([]);
        const agent = deployment({ image: "a:1", resources: requests }, { tolerations: [GKE_SPOT] });
        expect(checkSpotTolerations("kubernetes:apps/v1:DaemonSet", agent)).to.deep.equal([]);
        const unknown = deployment({ image: "a:1", resources: requests });
        (unknown.spec.template.spec as Record<string, unknown>).tolerations = UNKNOWN;
        expect(checkSpotTolerations(DEPLOYMENT, unknown)).to.deep.equal([]);
    });
});

describe("policy pack: no-plaintext-secrets", () => {
    it("tells secret key names from references to Secrets", () => {
        for (const key of [
            "password",
            "adminPassword",
            "fernetKey",
            "webserverSecretKey",
            "AIRFLOW__CORE__FERNET_KEY",
            "jwtSecret",
            "apiToken",
            "pass",
        ])
            expect(isSecretKeyName(key), key).to.equal(true);
        for (const key of [
            "existingSecret",
            "fernetKeySecretName",
            "passwordKey",
            "sshKeySecret",
            "credentialsSecret",
            "secretKeyRef",
            "tokenTtl",
            "secretName",
        ])
            expect(isSecretKeyName(key), key).to.equal(false);
    });

    it("rejects a password in a ConfigMap, a private key under any name, and secrets in Helm values", () => {
        const cm = {
            data: {
                "db.password": "hunter2",
                "id_rsa.txt": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
            },
        };
        expect(checkNoPlaintextSecrets("kubernetes:core/v1:ConfigMap", cm)).to.have.length(2);
        const values = {
            webserverSecretKey: "s3cr3t",
            data: { metadataConnection: { user: "airflow", pass: "postgres" } },
            env: [{ name: "AIRFLOW__SMTP__SMTP_PASSWORD", value: "mail-pass" }],
            alertmanager: {
                config: {
                    receivers: [{ slack_configs: [{ api_url: "https://hooks.slack.com/services/T000/B000/XXXX" }] }],
                },
            },
            sql: { conn: "postgresql://airflow:pa55@db:5432/airflow" },
        };
        const problems = checkNoPlaintextSecrets(RELEASE, { chart: "airflow", version: "1.20.0", values });
        expect(problems.map((p) => p.split(" ")[0])).to.deep.equal([
            "values.webserverSecretKey",
            "values.data.metadataConnection.pass",
            "values.env.0.value",
            "values.alertmanager.config.receivers.0.slack_configs.0.api_url",
            "values.sql.conn",
        ]);
        const env = deployment({ image: "a:1", env: [{ name: "API_TOKEN", value: "abc123" }] });
        expect(checkNoPlaintextSecrets(DEPLOYMENT, env)).to.have.length(1);
    });

    it("accepts Secret references, booleans, env references and ordinary config", () => {
        const cm = {
            data: {
                "airflow.cfg": "[core]\nexecutor = KubernetesExecutor\n",
                password_file: "/secrets/db",
                token: "$(TOKEN)",
            },
        };
        expect(checkNoPlaintextSecrets("kubernetes:core/v1:ConfigMap", cm)).to.deep.equal([]);
        const values = {
            webserverSecretKeySecretName: "airflow-webserver-secret",
            data: { metadataSecretName: "airflow-metadata" },
            dags: {
                gitSync: {
                    repo: "https://github.com/acme/dags.git",
                    credentialsSecret: "git-credentials",
                    sshKeySecret: "git-ssh",
                },
            },
            grafana: { admin: { existingSecret: "grafana-admin", passwordKey: "admin-password" } },
            env: [{ name: "AIRFLOW__CORE__FERNET_KEY", valueFrom: { secretKeyRef: { name: "fernet", key: "key" } } }],
            scheduler: { serviceAccount: { automountServiceAccountToken: true } },
            masked: { password: "[secret]" },
        };
        expect(checkNoPlaintextSecrets(RELEASE, { chart: "airflow", version: "1.20.0", values })).to.deep.equal([]);
        expect(
            checkNoPlaintextSecrets(
                DEPLOYMENT,
                deployment({ image: "a:1", env: [{ name: "TOKEN_PATH", value: "/var/run/token" }] }),
            ),
        ).to.deep.equal([]);
    });
});

describe("policy pack: no-public-load-balancer-without-tls", () => {
    const service = (annotations: Record<string, string>) => ({
        metadata: { annotations },
        spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
    });
    const ingress = (annotations: Record<string, string>, spec: Record<string, unknown>) => ({
        metadata: { annotations },
        spec,
    });

    it("rejects a public LoadBalancer Service, an internet-facing ALB without a certificate, a GCE Ingress without TLS", () => {
        expect(checkNoPublicLoadBalancerWithoutTls("kubernetes:core/v1:Service", service({}))).to.have.length(1);
        const alb = ingress({ "alb.ingress.kubernetes.io/scheme": "internet-facing" }, { ingressClassName: "alb" });
        expect(checkNoPublicLoadBalancerWithoutTls("kubernetes:networking.k8s.io/v1:Ingress", alb)).to.have.length(1);
        const gce = ingress({}, { ingressClassName: "gce", rules: [] });
        expect(checkNoPublicLoadBalancerWithoutTls("kubernetes:networking.k8s.io/v1:Ingress", gce)).to.have.length(1);
        const values = { grafana: { service: { type: "LoadBalancer" } } };
        expect(checkNoPublicLoadBalancerWithoutTls(RELEASE, { chart: "kube-prometheus-stack", values })[0]).to.match(
            /values.grafana.service/,
        );
    });

    it("accepts internal load balancers, TLS-terminating ones, and Ingresses served by an in-cluster controller", () => {
        const svc = "kubernetes:core/v1:Service";
        expect(
            checkNoPublicLoadBalancerWithoutTls(svc, service({ "networking.gke.io/load-balancer-type": "Internal" })),
        ).to.deep.equal([]);
        expect(
            checkNoPublicLoadBalancerWithoutTls(
                svc,
                service({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }),
            ),
        ).to.deep.equal([]);
        expect(
            checkNoPublicLoadBalancerWithoutTls(
                svc,
                service({
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:eu-west-1:1:certificate/x",
                }),
            ),
        ).to.deep.equal([]);
        expect(checkNoPublicLoadBalancerWithoutTls(svc, { spec: { type: "ClusterIP" } })).to.deep.equal([]);
        const ing = "kubernetes:networking.k8s.io/v1:Ingress";
        const alb = {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:x",
        };
        expect(checkNoPublicLoadBalancerWithoutTls(ing, ingress(alb, { ingressClassName: "alb" }))).to.deep.equal([]);
        expect(checkNoPublicLoadBalancerWithoutTls(ing, ingress({}, { ingressClassName: "alb" }))).to.deep.equal([]); // internal by default
        expect(
            checkNoPublicLoadBalancerWithoutTls(
                ing,
                ingress({ "networking.gke.io/managed-certificates": "airflow" }, {}),
            ),
        ).to.deep.equal([]);
        expect(
            checkNoPublicLoadBalancerWithoutTls(ing, ingress({}, { ingressClassName: "gce-internal" })),
        ).to.deep.equal([]);
        expect(checkNoPublicLoadBalancerWithoutTls(ing, ingress({}, { ingressClassName: "nginx" }))).to.deep.equal([]);
    });
});

describe("policy pack: no-public-load-balancer-without-tls on the Gateway API", () => {
    const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
    const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
    const HTTP = { name: "http", protocol: "HTTP", port: 80 };
    const httpsWith = (tls: Record<string, unknown>) => ({ name: "https", protocol: "HTTPS", port: 443, tls });
    const PRE_SHARED = httpsWith({
        mode: "Terminate",
        options: { "networking.gke.io/pre-shared-certs": "airflow-cert" },
    });
    const gateway = (gatewayClassName: string, listeners: unknown[], annotations: Record<string, string> = {}) => ({
        metadata: { name: "edge", namespace: "airflow", annotations },
        spec: { gatewayClassName, listeners },
    });
    const route = (
        name: string,
        parentRef: Record<string, unknown>,
        rules: unknown[],
        namespace = "airflow",
    ): StackResource => ({
        type: ROUTE,
        name,
        urn: `urn:pulumi:dev::airflow-platform::${ROUTE}::${name}`,
        props: { metadata: { name, namespace }, spec: { parentRefs: [parentRef], rules } },
    });
    const asResource = (props: Record<string, unknown>, name = "edge"): StackResource => ({
        type: GATEWAY,
        name,
        props,
    });
    const FORWARD = [
        {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ name: "airflow-api-server", port: 8080 }],
        },
    ];
    const REDIRECT = [
        { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
    ];

    it("classifies GKE's GatewayClasses, and fails closed on unknown ones unless they look internal", () => {
        for (const external of [
            "gke-l7-global-external-managed",
            "gke-l7-regional-external-managed",
            "gke-l7-gxlb",
            "gke-l7-global-external-managed-mc",
            "gke-l7-regional-external-managed-mc",
            "gke-l7-gxlb-mc",
        ])
            expect(isExternalGatewayClass(external), external).to.equal(true);
        for (const internal of ["gke-l7-rilb", "gke-l7-rilb-mc", "gke-l7-cross-regional-internal-managed-mc"])
            expect(isExternalGatewayClass(internal), internal).to.equal(false);
        // Unknown: internal only when the name says so; anything else (or no class, or an unknown value) is external.
        expect(isExternalGatewayClass("acme-l7-rilb")).to.equal(false);
        expect(isExternalGatewayClass("envoy-internal")).to.equal(false);
        for (const unknownClass of [
            "istio",
            "eg",
            "gke-l7-future-external",
            "",
            undefined,
            "[computed]",
            "internalish",
        ])
            expect(isExternalGatewayClass(unknownClass), String(unknownClass)).to.equal(true);
    });

    it("rejects an external Gateway with only HTTP, or an HTTPS listener without a certificate", () => {
        const httpOnly = checkNoPublicLoadBalancerWithoutTls(
            GATEWAY,
            gateway("gke-l7-global-external-managed", [HTTP]),
        );
        expect(httpOnly).to.have.length(1);
        expect(httpOnly[0]).to.match(
            /external Gateway \(class gke-l7-global-external-managed\) has no HTTPS listener terminating TLS/,
        );
        const noCertificate = checkNoPublicLoadBalancerWithoutTls(
            GATEWAY,
            gateway("gke-l7-regional-external-managed", [HTTP, httpsWith({ mode: "Terminate" })]),
        );
        expect(noCertificate).to.have.length(2);
        expect(noCertificate[0]).to.match(/listener "https" is HTTPS without a certificate/);
        const emptyOption = httpsWith({ options: { "networking.gke.io/pre-shared-certs": "" } });
        expect(checkNoPublicLoadBalancerWithoutTls(GATEWAY, gateway("gke-l7-gxlb", [emptyOption]))).to.have.length(2);
        // Fail closed: an unknown, not internal-looking class is treated as external.
        expect(checkNoPublicLoadBalancerWithoutTls(GATEWAY, gateway("acme-gateway", [HTTP]))).to.have.length(1);
        expect(
            checkNoPublicLoadBalancerWithoutTls(
                "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
                gateway("gke-l7-gxlb", [HTTP]),
            ),
        ).to.have.length(1);
    });

    it("accepts an external Gateway whose HTTPS listener has certificateRefs, a GKE certificate option or a certmap, and internal Gateways", () => {
        const ok = (g: Record<string, unknown>) =>
            expect(checkNoPublicLoadBalancerWithoutTls(GATEWAY, g)).to.deep.equal([]);
        ok(gateway("gke-l7-global-external-managed", [HTTP, PRE_SHARED]));
        ok(
            gateway("gke-l7-regional-external-managed", [
                httpsWith({ certificateRefs: [{ kind: "Secret", name: "airflow-tls" }] }),
            ]),
        );
        ok(
            gateway("gke-l7-global-external-managed", [
                httpsWith({ options: { "networking.gke.io/cert-manager-certs": "airflow" } }),
            ]),
        );
        ok(
            gateway("gke-l7-global-external-managed", [HTTP, httpsWith({})], {
                "networking.gke.io/certmap": "airflow-map",
            }),
        );
        ok(gateway("gke-l7-rilb", [HTTP]));
        ok(gateway("acme-internal", [HTTP]));
        // The value is only known after deployment (the certificate's name): present, so accepted.
        ok(
            gateway("gke-l7-global-external-managed", [
                httpsWith({ options: { "networking.gke.io/pre-shared-certs": "[computed]" } }),
            ]),
        );
    });

    it("rejects an HTTPRoute that serves backends, or redirects without https, on an external Gateway's HTTP listener", () => {
        const edge = asResource(gateway("gke-l7-global-external-managed", [HTTP, PRE_SHARED]));
        const bySection = route("app", { name: "edge", sectionName: "http" }, FORWARD);
        const violations = checkGatewayRoutesOnlyRedirectPlainHttp([edge, bySection]);
        expect(violations).to.have.length(1);
        expect(violations[0].resource).to.equal(bySection);
        expect(violations[0].message).to.match(
            /plain-HTTP listener "http" of external Gateway edge must only redirect to https, but rule 0 forwards to backends/,
        );
        // No sectionName: the route attaches to every listener, the HTTP one included (parent namespace from the route's).
        const wholeGateway = route("whole", { name: "edge" }, FORWARD);
        expect(checkGatewayRoutesOnlyRedirectPlainHttp([edge, wholeGateway])).to.have.length(1);
        // Selected by port 80 instead of by name.
        expect(
            checkGatewayRoutesOnlyRedirectPlainHttp([edge, route("port", { name: "edge", port: 80 }, FORWARD)]),
        ).to.have.length(1);
        // A redirect that keeps the scheme (http) is no upgrade; an empty rule list gets the default rule.
        const samescheme = route("samescheme", { name: "edge", sectionName: "http" }, [
            { filters: [{ type: "RequestRedirect", requestRedirect: { statusCode: 301 } }] },
        ]);
        expect(checkGatewayRoutesOnlyRedirectPlainHttp([edge, samescheme])[0].message).to.match(
            /rule 0 redirects with scheme unset/,
        );
        expect(
            checkGatewayRoutesOnlyRedirectPlainHttp([
                edge,
                route("norules", { name: "edge", sectionName: "http" }, []),
            ])[0].message,
        ).to.match(/has no rules/);
        // A redirect rule that also lists backends still serves them.
        const mixed = route("mixed", { name: "edge", sectionName: "http" }, [
            { ...REDIRECT[0], backendRefs: [{ name: "x", port: 80 }] },
        ]);
        expect(checkGatewayRoutesOnlyRedirectPlainHttp([edge, mixed])).to.have.length(1);
        // The route in another namespace, naming the Gateway's namespace explicitly.
        const grafana = route(
            "grafana",
            { name: "edge", namespace: "airflow", sectionName: "http" },
            FORWARD,
            "monitoring",
        );
        expect(checkGatewayRoutesOnlyRedirectPlainHttp([edge, grafana])).to.have.length(1);
    });

    it("accepts redirect-only routes on HTTP, any route on HTTPS, on internal Gateways, and routes to Gateways outside the stack", () => {
        const edge = asResource(gateway("gke-l7-global-external-managed", [HTTP, PRE_SHARED]));
        const internal = asResource(
            { ...gateway("gke-l7-rilb", [HTTP]), metadata: { name: "inside", namespace: "airflow" } },
            "inside",
        );
        const routes = [
            route("redirect", { name: "edge", sectionName: "http" }, REDIRECT),
            route("app", { name: "edge", sectionName: "https" }, FORWARD),
            route("app-by-port", { name: "edge", port: 443 }, FORWARD),
            route("internal", { name: "inside", sectionName: "http" }, FORWARD),
            route("elsewhere", { name: "someone-elses", sectionName: "http" }, FORWARD),
            // Same name, other namespace: not this Gateway.
            route("other-namespace", { name: "edge", sectionName: "http" }, FORWARD, "monitoring"),
            // A mesh parent (a Service), not a Gateway.
            route("mesh", { group: "", kind: "Service", name: "edge" }, FORWARD),
        ];
        expect(checkGatewayRoutesOnlyRedirectPlainHttp([edge, internal, ...routes])).to.deep.equal([]);
    });

    it("passes the exposure layer's public Gateway, and catches it if it lost its certificate", () => {
        const request = {
            host: "airflow.example.com",
            namespace: "airflow",
            labels: {},
            routes: [
                {
                    name: "airflow",
                    path: "/",
                    serviceName: "airflow-api-server",
                    servicePort: 8080,
                    namespace: "airflow",
                    healthCheckPath: "/api/v2/monitor/health",
                },
                {
                    name: "grafana",
                    path: "/grafana",
                    serviceName: "grafana",
                    servicePort: 80,
                    namespace: "monitoring",
                    healthCheckPath: "/grafana/api/health",
                },
            ],
        };
        const toStack = (m: ReturnType<typeof gatewayManifests>): StackResource[] =>
            [m.gateway, ...m.routes, ...(m.redirect ? [m.redirect] : [])].map((o) => ({
                type: `kubernetes:${o.apiVersion}:${o.kind}`,
                name: o.metadata.name,
                props: o as unknown as Record<string, unknown>,
            }));
        const withCertificate = gatewayManifests(request, {
            name: "edge",
            public: true,
            preSharedCertificate: "edge-cert",
        });
        expect(
            checkNoPublicLoadBalancerWithoutTls(GATEWAY, withCertificate.gateway as unknown as Record<string, unknown>),
        ).to.deep.equal([]);
        expect(checkGatewayRoutesOnlyRedirectPlainHttp(toStack(withCertificate))).to.deep.equal([]);
        // Without a certificate the backends' routes land on the HTTP listener of an internet-facing Gateway.
        const withoutCertificate = gatewayManifests(request, { name: "edge", public: true });
        expect(
            checkNoPublicLoadBalancerWithoutTls(
                GATEWAY,
                withoutCertificate.gateway as unknown as Record<string, unknown>,
            ),
        ).to.have.length(1);
        expect(
            checkGatewayRoutesOnlyRedirectPlainHttp(toStack(withoutCertificate)).map((v) => v.resource.name),
        ).to.deep.equal(["edge-grafana", "edge-airflow"]);
    });
});

describe("policy pack: through @pulumi/policy's validateResource", () => {
    function fakeArgs(type: string, props: Record<string, unknown>): ResourceValidationArgs {
        return {
            type,
            props,
            urn: `urn:pulumi:dev::airflow-platform::${type}::thing`,
            name: "thing",
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            },
            stackTags: new Map(),
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => ({}) as T,
            notApplicable: (reason?: string): never => {
                throw new Error(reason);
            },
        };
    }

    async function violations(type: string, props: Record<string, unknown>): Promise<Record<string, string[]>> {
        const found: Record<string, string[]> = {};
        for (const policy of buildPolicies()) {
            const validate = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
            await validate(fakeArgs(type, props), (m) => (found[policy.name] ??= []).push(m));
        }
        return found;
    }

    it("has one mandatory policy per check", () => {
        const policies = buildPolicies();
        expect(policies.map((p) => p.name)).to.deep.equal(CHECKS.map((c) => c.name));
        expect(policies.every((p) => p.enforcementLevel === "mandatory")).to.equal(true);
    });

    it("reports each violation under its policy, with the resource name", async () => {
        const bad = deployment(
            { image: "nginx", env: [{ name: "DB_PASSWORD", value: "x1" }] },
            { tolerations: [GKE_SPOT] },
        );
        const found = await violations(DEPLOYMENT, bad);
        expect(Object.keys(found).sort()).to.deep.equal([
            "no-plaintext-secrets",
            "pinned-versions",
            "resource-requests",
            "spot-tolerations-only-on-workers",
        ]);
        expect(found["pinned-versions"][0]).to.match(/^thing: container "main" uses image "nginx" has no tag/);
        expect(await violations(DEPLOYMENT, deployment({ image: "nginx:1.27.0", resources: requests }))).to.deep.equal(
            {},
        );
    });

    it("relates HTTPRoutes to Gateways in validateStack, on the load balancer policy only, reporting the route's URN", async () => {
        const withStack = buildPolicies().filter((p) => p.validateStack);
        expect(withStack.map((p) => p.name)).to.deep.equal(["no-public-load-balancer-without-tls"]);
        const resource = (type: string, name: string, props: Record<string, unknown>) => ({
            ...fakeArgs(type, props),
            name,
            urn: `urn:pulumi:dev::airflow-platform::${type}::${name}`,
            dependencies: [],
            propertyDependencies: {},
        });
        const gateway = resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", "edge", {
            metadata: { name: "edge", namespace: "airflow" },
            spec: {
                gatewayClassName: "gke-l7-global-external-managed",
                listeners: [{ name: "http", protocol: "HTTP", port: 80 }],
            },
        });
        const route = resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "app", {
            metadata: { name: "app", namespace: "airflow" },
            spec: {
                parentRefs: [{ name: "edge", sectionName: "http" }],
                rules: [{ backendRefs: [{ name: "web", port: 80 }] }],
            },
        });
        const reported: { message: string; urn?: string }[] = [];
        const stackArgs = {
            resources: [gateway, route],
            stackTags: new Map(),
            getConfig: <T extends object>() => ({}) as T,
            notApplicable: (): never => {
                throw new Error();
            },
        };
        await withStack[0].validateStack!(stackArgs, (message, urn) => reported.push({ message, urn }));
        expect(reported).to.have.length(1);
        expect(reported[0].urn).to.equal(route.urn);
        expect(reported[0].message).to.match(
            /^app: HTTPRoute attached to the plain-HTTP listener "http" of external Gateway edge/,
        );
        reported.length = 0;
        const redirect = resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "app", {
            metadata: { name: "app", namespace: "airflow" },
            spec: {
                parentRefs: [{ name: "edge", sectionName: "http" }],
                rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] }],
            },
        });
        await withStack[0].validateStack!({ ...stackArgs, resources: [gateway, redirect] }, (message, urn) =>
            reported.push({ message, urn }),
        );
        expect(reported).to.deep.equal([]);
    });

    it("reads through the preview's unknown-checking proxy instead of failing on unknown values", () => {
        const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const raw = {
            chart: "airflow",
            version: "1.20.0",
            values: { data: { metadataConnection: { pass: unknownString } } },
        };
        const proxy = new Proxy(raw, {
            get: (target, prop) =>
                prop === "__getSpecialProxyTarget" ? target : (target as Record<string | symbol, unknown>)[prop],
        });
        const plain = plainProps(proxy);
        expect(
            (plain.values as { data: { metadataConnection: { pass: string } } }).data.metadataConnection.pass,
        ).to.equal("[computed]");
        expect(checkNoPlaintextSecrets(RELEASE, plain)).to.deep.equal([]);
    });
});
