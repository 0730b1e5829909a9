/**
 * The Airflow UI, Flower and Grafana behind one load balancer, one host, a path each. Cloud-agnostic: the cluster's
 * `IngressDriver` (components/cluster/ingress/) turns the routes into an ALB IngressGroup (EKS), a Gateway (GKE) or
 * Ingresses of the cluster's class (existing clusters).
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import type { Airflow } from "../airflow";
import { Cluster, IngressRoute } from "../cluster/types";
import type { Observability } from "../observability";
import { ExposedBackends, exposureRoutes } from "./routes";
import { exposureUrls } from "./urls";

export * from "./routes";
export * from "./args";
export * from "./urls";

export interface ExposureArgs {
    /** Its `ingress` driver renders the routes; it must have one. */
    cluster: Cluster;
    /** Reads `exposure`, `airflow.flower`, `airflow.majorVersion`. */
    stack: StackConfig;
    /** The UI (and Flower) Services come from here; the routes wait for its release. */
    airflow: Airflow;
    /** Grafana's Service comes from here; without it there is no `/grafana`. */
    observability?: Observability;
}

/** The Airflow UI, Flower and Grafana behind one load balancer. */
export class Exposure extends pulumi.ComponentResource {
    /** `airflow`, `grafana`, `flower` → URL (the stack output `urls`). */
    readonly urls: pulumi.Output<Record<string, string>>;
    /** The load balancer's DNS name or IP: point `exposure.host` at it. */
    readonly address: pulumi.Output<string | undefined>;
    /** The paths served (the driver orders them so that `/` matches last). */
    readonly routes: IngressRoute[];

    constructor(name: string, args: ExposureArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:index:Exposure", name, {}, opts);
        const { cluster, stack, airflow, observability } = args;
        const driver = cluster.ingress;
        if (!driver)
            throw new Error(
                `cloud ${stack.cloud}: the cluster offers no ingress driver, so exposure cannot be enabled`,
            );

        const backends: ExposedBackends = {
            airflowUi: {
                serviceName: airflow.uiServiceName,
                servicePort: airflow.uiServicePort,
                namespace: airflow.namespace,
            },
            flower:
                airflow.flowerServiceName && airflow.flowerServicePort
                    ? {
                          serviceName: airflow.flowerServiceName,
                          servicePort: airflow.flowerServicePort,
                          namespace: airflow.namespace,
                      }
                    : undefined,
            grafana: observability
                ? {
                      serviceName: observability.grafanaServiceName,
                      servicePort: observability.grafanaServicePort,
                      namespace: observability.namespace,
                  }
                : undefined,
        };
        this.routes = exposureRoutes(stack, backends);
        const result = driver.route(
            {
                host: stack.exposure.host!,
                routes: this.routes,
                namespace: airflow.namespace,
                labels: { "app.kubernetes.io/part-of": "airflow-platform", "app.kubernetes.io/component": "exposure" },
            },
            { parent: this, dependsOn: [airflow, ...(observability ? [observability] : [])] },
        );
        this.address = result.address;

        const urls = exposureUrls(stack, driver.tls);
        const byName: Record<string, string> = { airflow: urls.airflowBaseUrl! };
        if (backends.grafana && urls.grafanaRootUrl) byName.grafana = urls.grafanaRootUrl;
        if (urls.flowerUrl) byName.flower = urls.flowerUrl;
        this.urls = pulumi.output(byName);
        this.registerOutputs({ urls: this.urls, address: this.address });
    }
}
