/**
 * The Airflow UI, Flower and Grafana behind one load balancer, one host, a path each. Cloud-agnostic: the cluster's
 * `IngressDriver` (components/cluster/ingress/) turns the routes into an ALB IngressGroup (EKS), a Gateway (GKE) or
 * Ingresses of the cluster's class (existing clusters).
 */
import * as pulumi from "@pulumi/pulumi";
import type { IngressRoute } from "../cluster/types";
import { refuseArgs } from "../validation";
import { ExposureArgs, checkExposureArgs, withExposureDefaults } from "./args";
import { exposureRoutes } from "./routes";
import { exposedUrls } from "./urls";

export * from "./args";
export * from "./routes";
export * from "./urls";

/** The component's type token; `airflow-platform:index:Exposure` before issue 14 (aliased). */
export const EXPOSURE_TYPE = "airflow-platform:exposure:Exposure";

/** The Airflow UI, Flower and Grafana behind one load balancer. */
export class Exposure extends pulumi.ComponentResource {
    /** `airflow`, `grafana`, `flower` → URL (the stack output `urls`). */
    readonly urls: pulumi.Output<Record<string, string>>;
    /** The load balancer's DNS name or IP: point the host at it. */
    readonly address: pulumi.Output<string | undefined>;
    /** The paths served (the driver orders them so that `/` matches last). */
    readonly routes: IngressRoute[];

    constructor(name: string, args: ExposureArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(): a refused Exposure registers nothing.
        refuseArgs("Exposure", checkExposureArgs(args));
        super(
            EXPOSURE_TYPE,
            name,
            {},
            {
                ...opts,
                aliases: [...(opts?.aliases ?? []), { type: "airflow-platform:index:Exposure" }],
            },
        );
        const resolved = withExposureDefaults(args);
        this.routes = exposureRoutes(resolved);
        const result = resolved.ingress.route(
            {
                host: resolved.host,
                routes: this.routes,
                namespace: resolved.namespace,
                labels: { "app.kubernetes.io/part-of": "airflow-platform", "app.kubernetes.io/component": "exposure" },
            },
            { parent: this, dependsOn: resolved.dependsOn },
        );
        this.address = result.address;

        const urls = exposedUrls(resolved, resolved.ingress.tls);
        const byName: Record<string, string> = { airflow: urls.airflowBaseUrl };
        if (urls.grafanaRootUrl) byName.grafana = urls.grafanaRootUrl;
        if (urls.flowerUrl) byName.flower = urls.flowerUrl;
        this.urls = pulumi.output(byName);
        this.registerOutputs({ urls: this.urls, address: this.address });
    }
}
