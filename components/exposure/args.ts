/**
 * What the Exposure component reads: one host, a path per UI, the Services behind them and the cluster's ingress
 * driver. Plain types (no config schema): stacks/args/exposure.ts maps the stack config onto them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IngressDriver } from "../cluster/types";
import { type DefaultsOf, frozen } from "../defaults";
import type { ArgsIssue } from "../validation";

/** A Kubernetes Service a route points at. */
export interface ServiceEndpoint {
    serviceName: pulumi.Input<string>;
    servicePort: pulumi.Input<number>;
    namespace: pulumi.Input<string>;
}

/** Grafana served under its own path of the host (present: served; absent: not routed). */
export interface ExposedGrafanaPath {
    /** One path segment; Grafana is told the same path (`root_url`, `serve_from_sub_path`). @default "/grafana" */
    path?: string;
}

/** Flower served under its own path of the host (present: served; absent: not routed). */
export interface ExposedFlowerPath {
    /** One path segment; Flower is told the same path (`[celery] flower_url_prefix`). @default "/flower" */
    path?: string;
}

/**
 * Where the exposed UIs live: enough to compute their URLs before the load balancer (or the UIs) exist, which is what
 * Airflow (`base_url`) and Grafana (`root_url`) need. `ExposureArgs` is one.
 */
export interface ExposureSite {
    /** DNS name the UIs are served on (e.g. airflow.example.com); the Airflow UI is at `/`. */
    host: string;
    /** Grafana, when the stack runs monitoring; absent: no Grafana route or URL. @default not served */
    grafana?: ExposedGrafanaPath;
    /** Flower, when it runs (a Celery executor with Flower on); absent: no Flower route or URL. @default not served */
    flower?: ExposedFlowerPath;
}

/** The Airflow UI behind `/`. */
export interface ExposedAirflow {
    /** The API server's (3.x) or webserver's (2.x) Service. */
    service: ServiceEndpoint;
    /** Airflow's major version: its health endpoint moved in 3.x. */
    majorVersion: 2 | 3;
}

/** The Airflow UI, Flower and Grafana behind one load balancer. */
export interface ExposureArgs extends ExposureSite {
    /** The cluster's ingress driver (`Cluster.ingress`): it renders the routes for its cloud and says whether TLS ends at the load balancer. */
    ingress: IngressDriver;
    /** Namespace of the objects the routes share (a Gateway): Airflow's. */
    namespace: pulumi.Input<string>;
    airflow: ExposedAirflow;
    /** Flower's Service and path; absent: not routed. @default not served */
    flower?: ExposedFlowerPath & { service: ServiceEndpoint };
    /** Grafana's Service and path; absent: not routed. @default not served */
    grafana?: ExposedGrafanaPath & { service: ServiceEndpoint };
    /** What the routes wait for: the releases that create the backend Services. @default [] */
    dependsOn?: pulumi.Resource[];
}

/** An `ExposureSite` with every default applied. */
export interface ResolvedExposureSite {
    host: string;
    grafana?: { path: string };
    flower?: { path: string };
}

/** `ExposureArgs` with every default applied. */
export interface ResolvedExposureArgs extends ResolvedExposureSite {
    ingress: IngressDriver;
    namespace: pulumi.Input<string>;
    airflow: ExposedAirflow;
    flower?: { path: string; service: ServiceEndpoint };
    grafana?: { path: string; service: ServiceEndpoint };
    dependsOn: pulumi.Resource[];
}

/**
 * Every default of the Exposure component: the path of each UI it serves (when it serves it) and what the routes wait
 * for. `withExposureDefaults` reads it, and so do the config schema's defaults (stacks/config/schema.ts).
 */
export const EXPOSURE_DEFAULTS = frozen({
    grafana: { path: "/grafana" },
    flower: { path: "/flower" },
    dependsOn: [],
} as const satisfies DefaultsOf<ResolvedExposureArgs>);

/** Pure: the site with its defaults (Grafana at `/grafana`, Flower at `/flower`). */
export function withExposureSiteDefaults(site: ExposureSite): ResolvedExposureSite {
    return {
        host: site.host,
        ...(site.grafana ? { grafana: { path: site.grafana.path ?? EXPOSURE_DEFAULTS.grafana.path } } : {}),
        ...(site.flower ? { flower: { path: site.flower.path ?? EXPOSURE_DEFAULTS.flower.path } } : {}),
    };
}

/** Pure: `ExposureArgs` with every default applied. */
export function withExposureDefaults(args: ExposureArgs): ResolvedExposureArgs {
    const site = withExposureSiteDefaults(args);
    return {
        host: site.host,
        ingress: args.ingress,
        namespace: args.namespace,
        airflow: args.airflow,
        ...(args.flower && site.flower ? { flower: { ...site.flower, service: args.flower.service } } : {}),
        ...(args.grafana && site.grafana ? { grafana: { ...site.grafana, service: args.grafana.service } } : {}),
        dependsOn: args.dependsOn ?? [...EXPOSURE_DEFAULTS.dependsOn],
    };
}

/** A DNS name such as airflow.example.com (what a certificate and a Host header can carry). */
const DNS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/;
/** One path segment such as /grafana: the UIs are told it as their sub-path. */
const ONE_SEGMENT = /^\/[a-z0-9-]+$/;

/**
 * The Exposure component's refusals: a host that is not a DNS name, a UI path that is not one segment, or two UIs on
 * the same path (one of them would never be reached, and the drivers cannot order them).
 */
export function checkExposureArgs(args: ExposureSite): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    if (!DNS_NAME.test(args.host))
        issues.push({ path: "host", message: `"${args.host}" is not a DNS name such as airflow.example.com` });
    const site = withExposureSiteDefaults(args);
    for (const ui of ["grafana", "flower"] as const) {
        const path = site[ui]?.path;
        if (path !== undefined && !ONE_SEGMENT.test(path))
            issues.push({ path: `${ui}.path`, message: `"${path}" is not one path segment such as /${ui}` });
    }
    if (site.grafana && site.flower && site.grafana.path === site.flower.path)
        issues.push({
            path: "flower.path",
            message: `"${site.flower.path}" is Grafana's path too: give Flower and Grafana a path each`,
        });
    return issues;
}
