/**
 * The Exposure component planned alone: a fake cluster, no stack config. With the real EKS and existing-cluster drivers
 * (the EKS one with a fake IAM role factory) and with a fake driver that records what it is asked.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { createEksIngressDriver } from "../components/cluster/ingress/eks";
import { createExistingIngressDriver } from "../components/cluster/ingress/existing";
import type { IngressDriver, IngressRequest } from "../components/cluster/types";
import { ArgsError } from "../components/validation";
import { Exposure, ExposureArgs } from "../components/exposure";
import { fakeCluster, planComponent } from "./fake-cluster";
import { kubeObjects } from "./harness";

const HOST = "airflow.example.com";
const UI = { serviceName: "airflow-api-server", servicePort: 8080, namespace: "airflow" };
const GRAFANA = { serviceName: "monitoring-grafana", servicePort: 80, namespace: "monitoring" };
const FLOWER = { serviceName: "airflow-flower", servicePort: 5555, namespace: "airflow" };

/** Args for the three UIs behind `ingress`. */
function argsWith(ingress: IngressDriver, extra: Partial<ExposureArgs> = {}): ExposureArgs {
    return {
        ingress,
        host: HOST,
        namespace: "airflow",
        airflow: { service: UI, majorVersion: 3 },
        grafana: { service: GRAFANA },
        flower: { service: FLOWER },
        ...extra,
    };
}

/** A driver that creates nothing and remembers the request. */
function recordingDriver(tls: boolean): IngressDriver & { requests: IngressRequest[] } {
    const requests: IngressRequest[] = [];
    return {
        className: "fake",
        tls,
        dependencies: [],
        requests,
        route(request) {
            requests.push(request);
            return { resources: [], address: pulumi.output<string | undefined>("10.0.0.1") };
        },
    };
}

describe("Exposure component, planned alone", () => {
    it("on an ALB: / is the group's last rule, so it cannot swallow /grafana or /flower", async () => {
        const plan = await planComponent(() => {
            const cluster = fakeCluster({ placementsOf: "eks" });
            const ingress = createEksIngressDriver(
                "ingress",
                {
                    namePrefix: "alone",
                    loadBalancer: { visibility: "internal", tls: { mode: "none" } },
                    clusterName: "alone",
                    region: "eu-west-1",
                    vpcId: "vpc-0123",
                    placement: cluster.placement.onDemand,
                    provider: cluster.provider,
                    roleForServiceAccount: () => ({
                        role: { arn: pulumi.output("arn:aws:iam::123456789012:role/fake") },
                        annotations: pulumi.output<Record<string, string>>({}),
                        dependencies: [],
                    }),
                },
                {},
            );
            new Exposure("exposure", argsWith(ingress));
        });
        const order = (path: string) => {
            const ingress = kubeObjects(plan, "Ingress").find(
                (i) =>
                    (i.inputs as { spec: { rules: { http: { paths: { path: string }[] } }[] } }).spec.rules[0].http
                        .paths[0].path === path,
            );
            const annotations = (ingress?.inputs as { metadata: { annotations: Record<string, string> } }).metadata
                .annotations;
            return Number(annotations["alb.ingress.kubernetes.io/group.order"]);
        };
        expect(kubeObjects(plan, "Ingress")).to.have.length(3);
        expect(order("/")).to.be.greaterThan(order("/grafana"));
        expect(order("/")).to.be.greaterThan(order("/flower"));
        expect(order("/")).to.equal(1000);
    });

    it("tells the driver the host and one route per UI, each to its own namespace's Service with a health check", async () => {
        const driver = recordingDriver(true);
        const plan = await planComponent(() => {
            const exposure = new Exposure(
                "exposure",
                argsWith(driver, { grafana: { service: GRAFANA, path: "/dash" } }),
            );
            return { urls: exposure.urls };
        });
        expect(driver.requests).to.have.length(1);
        expect(driver.requests[0].host).to.equal(HOST);
        expect(driver.requests[0].routes.map((r) => [r.path, r.namespace, r.healthCheckPath])).to.deep.equal([
            ["/", "airflow", "/api/v2/monitor/health"],
            ["/flower", "airflow", "/flower/healthcheck"],
            ["/dash", "monitoring", "/dash/api/health"],
        ]);
        // The scheme follows the driver's TLS; Grafana and Flower end in / (their sub-path).
        expect(plan.outputs.urls).to.deep.equal({
            airflow: `https://${HOST}`,
            grafana: `https://${HOST}/dash/`,
            flower: `https://${HOST}/flower/`,
        });
        expect(plan.resources.map((r) => r.type)).to.deep.equal(["airflow-platform:exposure:Exposure"]);
    });

    it("serves only the UIs it is given: without Grafana and Flower, / alone over http", async () => {
        const driver = recordingDriver(false);
        const plan = await planComponent(() => {
            const cluster = fakeCluster();
            const ingress = createExistingIngressDriver({
                namePrefix: "alone",
                ingressClassName: "nginx",
                provider: cluster.provider,
            });
            const exposure = new Exposure("exposure", argsWith(ingress, { grafana: undefined, flower: undefined }));
            new Exposure("recorded", argsWith(driver, { grafana: undefined, flower: undefined }));
            return { urls: exposure.urls };
        });
        expect(kubeObjects(plan, "Ingress").map((i) => i.name)).to.deep.equal(["alone-exposure-airflow"]);
        expect(driver.requests[0].routes.map((r) => r.path)).to.deep.equal(["/"]);
        expect(plan.outputs.urls).to.deep.equal({ airflow: `http://${HOST}` });
    });

    it("refuses a host that is not a DNS name and two UIs on one path, before creating anything", async () => {
        const driver = recordingDriver(false);
        let refusal: unknown;
        const plan = await planComponent(() => {
            try {
                new Exposure(
                    "exposure",
                    argsWith(driver, { host: "Not A Host", flower: { service: FLOWER, path: "/grafana" } }),
                );
            } catch (e) {
                refusal = e;
            }
        });
        expect(refusal).to.be.instanceOf(ArgsError);
        expect((refusal as ArgsError).issues.map((i) => i.path)).to.deep.equal(["host", "flower.path"]);
        expect(driver.requests).to.deep.equal([]);
        expect(plan.resources).to.deep.equal([]);
    });
});
