/**
 * What the Observability component reads: plain types, the defaults (one pure function) and the refusals that belong
 * to the component. No Pulumi resources here, and nothing from stacks/: the stack layer maps its config onto these.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster/types";
import { type DefaultsOf, frozen } from "../defaults";
import { parseCpu, parseMemory, Resources } from "../quantities";
import type { ArgsIssue } from "../validation";

/** kube-prometheus-stack versions whose values the tests check against the chart's values.yaml and templates. */
export const KUBE_PROMETHEUS_STACK_VERSIONS = ["88.5.3"] as const;
export type KubePrometheusStackVersion = (typeof KUBE_PROMETHEUS_STACK_VERSIONS)[number];
/** prometheus-operator-crds versions: the CRDs of the operator that kube-prometheus-stack runs (bumped with it). */
export const PROMETHEUS_OPERATOR_CRDS_VERSIONS = ["31.0.1"] as const;
export type PrometheusOperatorCrdsVersion = (typeof PROMETHEUS_OPERATOR_CRDS_VERSIONS)[number];

/** Where Alertmanager sends alerts. Secret: URLs and passwords are credentials. */
export interface AlertmanagerReceivers {
    /** A Slack incoming webhook. @default no Slack receiver */
    readonly slack?: { readonly apiUrl: string; readonly channel: string };
    /** A generic webhook (Alertmanager's webhook_config). @default no webhook receiver */
    readonly webhook?: { readonly url: string };
    /** Mail through an SMTP smarthost (`host:port`), always with TLS. @default no email receiver */
    readonly email?: {
        readonly to: string;
        readonly from: string;
        readonly smarthost: string;
        /** @default no SMTP authentication */
        readonly username?: string;
        /** @default no SMTP authentication */
        readonly password?: string;
    };
}

/** Prometheus' time series database. */
export interface PrometheusArgs {
    /** How long samples are kept (a Prometheus duration). @default "15d" */
    readonly retention?: string;
    /** Size of each replica's volume; size-based retention keeps 85% of it. @default "50Gi" */
    readonly storageSize?: string;
    /** Replicas scrape independently (each its own volume); Grafana sticks to one. @default 1 */
    readonly replicas?: number;
}

/** Alertmanager: replicas and where alerts go. */
export interface AlertmanagerArgs {
    /** @default 1 */
    readonly replicas?: number;
    /** Receivers; the whole Alertmanager configuration is written to a Secret. @default none: alerts go nowhere */
    readonly receivers?: pulumi.Input<AlertmanagerReceivers | undefined>;
}

/** Grafana. */
export interface GrafanaArgs {
    /** Keep Grafana's database (users, UI edits) on a ReadWriteOnce volume; upgrades then recreate the pod. @default false */
    readonly persistence?: boolean;
    /**
     * Grafana's public URL when a load balancer serves it on a sub-path (`server.root_url`, ending in `/`; Grafana then
     * serves from that sub-path). @default unset: Grafana is reached by port-forward
     */
    readonly rootUrl?: pulumi.Input<string | undefined>;
}

/** The containers the component sizes: cpu and memory requests, the memory request also the limit. */
export type ObservabilityWorkload =
    | "operator"
    | "configReloader"
    | "webhookJob"
    | "prometheus"
    | "alertmanager"
    | "grafana"
    | "grafanaSidecar"
    | "grafanaInit"
    | "kubeStateMetrics"
    | "nodeExporter";
export type ObservabilityResources = Record<ObservabilityWorkload, Resources>;

/** Two sizes of the monitoring stack: `small` (dev) and `production` (a few hundred DAGs, long retention). */
export const OBSERVABILITY_RESOURCES: Record<"small" | "production", ObservabilityResources> = {
    small: {
        operator: { cpu: "50m", memory: "128Mi" },
        configReloader: { cpu: "10m", memory: "32Mi" },
        webhookJob: { cpu: "10m", memory: "32Mi" },
        prometheus: { cpu: "200m", memory: "1Gi" },
        alertmanager: { cpu: "20m", memory: "64Mi" },
        grafana: { cpu: "100m", memory: "256Mi" },
        grafanaSidecar: { cpu: "20m", memory: "96Mi" },
        grafanaInit: { cpu: "10m", memory: "32Mi" },
        kubeStateMetrics: { cpu: "20m", memory: "96Mi" },
        nodeExporter: { cpu: "20m", memory: "48Mi" },
    },
    production: {
        operator: { cpu: "100m", memory: "256Mi" },
        configReloader: { cpu: "20m", memory: "48Mi" },
        webhookJob: { cpu: "10m", memory: "32Mi" },
        prometheus: { cpu: "1", memory: "4Gi" },
        alertmanager: { cpu: "50m", memory: "128Mi" },
        grafana: { cpu: "200m", memory: "512Mi" },
        grafanaSidecar: { cpu: "50m", memory: "128Mi" },
        grafanaInit: { cpu: "10m", memory: "32Mi" },
        kubeStateMetrics: { cpu: "100m", memory: "256Mi" },
        nodeExporter: { cpu: "50m", memory: "64Mi" },
    },
};

/** The monitoring stack's settings: everything the component reads but the cluster. */
export interface ObservabilitySettings {
    /** The namespace the component creates for the stack, its Secrets, dashboards and rules. @default "monitoring" */
    readonly namespace?: string;
    /** @default "88.5.3" */
    readonly kubePrometheusStackVersion?: KubePrometheusStackVersion;
    /** @default "31.0.1" */
    readonly prometheusOperatorCrdsVersion?: PrometheusOperatorCrdsVersion;
    /** @default { retention: "15d", storageSize: "50Gi", replicas: 1 } */
    readonly prometheus?: PrometheusArgs;
    /** @default { replicas: 1 } and no receiver */
    readonly alertmanager?: AlertmanagerArgs;
    /** @default { persistence: false } and no root URL */
    readonly grafana?: GrafanaArgs;
    /** Per container; the ones not given take `OBSERVABILITY_RESOURCES.small`. @default OBSERVABILITY_RESOURCES.small */
    readonly resources?: Partial<ObservabilityResources>;
    /**
     * The cluster's DNS server, which kube-prometheus-stack scrapes: `kube-dns` (GKE's default, metrics on 10054/10055)
     * or CoreDNS (port 9153; where it does not run, its target has no endpoint and TargetDown fires). @default "coredns"
     */
    readonly clusterDns?: "coredns" | "kube-dns";
    /**
     * The control plane is managed (GKE, EKS): etcd, the scheduler, the controller manager and kube-proxy are not
     * scraped, since they cannot be reached. @default true
     */
    readonly managedControlPlane?: boolean;
    /**
     * Alerts from namespaces starting with one of these (developers' sandboxes) show in Alertmanager and Grafana but
     * never page a receiver. Lowercase letters, digits and `-`. @default []
     */
    readonly unpagedNamespacePrefixes?: readonly string[];
    /**
     * Registry prefix serving Docker Hub (a pull-through cache): Grafana's images (the server, its init-chown and
     * dashboard-download containers) are pulled through it. @default undefined (straight from Docker Hub)
     */
    readonly dockerHubMirror?: string;
}

/**
 * The statsd-exporter Service of the Airflow releases the mixin watches, declared here as the mixin reads it (the
 * Airflow component's `AIRFLOW_STATSD_SERVICE` has this shape; stacks/ passes it).
 */
export interface AirflowStatsdPorts {
    /** The port Prometheus scrapes, by its name (the exporter alerts' `endpoint` label) and number. */
    readonly scrapePort: { readonly name: string; readonly port: number };
    /** The port Airflow sends its statsd metrics to, and its protocol (`UDP` or `TCP`). */
    readonly ingestPort: { readonly port: number; readonly protocol: string };
}

/** What the Observability component needs: the cluster, the Airflow statsd-exporter's ports and the settings. */
export interface ObservabilityArgs extends ObservabilitySettings {
    /** Provider, placements (the stack runs on the on-demand pool), the block StorageClass, readiness. */
    readonly cluster: Cluster;
    /** The Airflow releases' statsd-exporter Service ports, for the mixin's mapping and exporter alerts. */
    readonly airflowStatsd: AirflowStatsdPorts;
}

/** Settings with every default applied. */
export interface ResolvedObservabilitySettings {
    readonly namespace: string;
    readonly kubePrometheusStackVersion: KubePrometheusStackVersion;
    readonly prometheusOperatorCrdsVersion: PrometheusOperatorCrdsVersion;
    readonly prometheus: Required<PrometheusArgs>;
    readonly alertmanager: { readonly replicas: number; readonly receivers?: AlertmanagerArgs["receivers"] };
    readonly grafana: { readonly persistence: boolean; readonly rootUrl?: GrafanaArgs["rootUrl"] };
    readonly resources: ObservabilityResources;
    readonly clusterDns: "coredns" | "kube-dns";
    readonly managedControlPlane: boolean;
    readonly unpagedNamespacePrefixes: readonly string[];
    /** Unset: straight from Docker Hub. */
    readonly dockerHubMirror?: string;
}

/**
 * Every default of the Observability component that is a value (resources: `OBSERVABILITY_RESOURCES.small`).
 * `withObservabilityDefaults` reads it, and so do the config schema's defaults (stacks/config/schema.ts).
 */
export const OBSERVABILITY_DEFAULTS = frozen({
    namespace: "monitoring",
    kubePrometheusStackVersion: KUBE_PROMETHEUS_STACK_VERSIONS[0],
    prometheusOperatorCrdsVersion: PROMETHEUS_OPERATOR_CRDS_VERSIONS[0],
    prometheus: { retention: "15d", storageSize: "50Gi", replicas: 1 },
    alertmanager: { replicas: 1 },
    grafana: { persistence: false },
    clusterDns: "coredns",
    managedControlPlane: true,
    unpagedNamespacePrefixes: [],
} as const satisfies DefaultsOf<ResolvedObservabilitySettings>);

/** The defaults of every optional setting, in one place. */
export function withObservabilityDefaults(settings: ObservabilitySettings): ResolvedObservabilitySettings {
    const D = OBSERVABILITY_DEFAULTS;
    return {
        namespace: settings.namespace ?? D.namespace,
        kubePrometheusStackVersion: settings.kubePrometheusStackVersion ?? D.kubePrometheusStackVersion,
        prometheusOperatorCrdsVersion: settings.prometheusOperatorCrdsVersion ?? D.prometheusOperatorCrdsVersion,
        prometheus: {
            retention: settings.prometheus?.retention ?? D.prometheus.retention,
            storageSize: settings.prometheus?.storageSize ?? D.prometheus.storageSize,
            replicas: settings.prometheus?.replicas ?? D.prometheus.replicas,
        },
        alertmanager: {
            replicas: settings.alertmanager?.replicas ?? D.alertmanager.replicas,
            ...(settings.alertmanager?.receivers !== undefined ? { receivers: settings.alertmanager.receivers } : {}),
        },
        grafana: {
            persistence: settings.grafana?.persistence ?? D.grafana.persistence,
            ...(settings.grafana?.rootUrl !== undefined ? { rootUrl: settings.grafana.rootUrl } : {}),
        },
        resources: { ...OBSERVABILITY_RESOURCES.small, ...settings.resources },
        clusterDns: settings.clusterDns ?? D.clusterDns,
        managedControlPlane: settings.managedControlPlane ?? D.managedControlPlane,
        unpagedNamespacePrefixes: settings.unpagedNamespacePrefixes ?? [...D.unpagedNamespacePrefixes],
        ...(settings.dockerHubMirror !== undefined ? { dockerHubMirror: settings.dockerHubMirror } : {}),
    };
}

/** A Prometheus duration (prometheus/common model.ParseDuration): units from years down to milliseconds, in order. */
const PROMETHEUS_DURATION = /^(?!$)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
/** An RFC 1123 label, as Kubernetes requires of a namespace name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function parses(parse: (q: unknown) => number, quantity: unknown): boolean {
    try {
        parse(quantity);
        return true;
    } catch {
        return false;
    }
}

/** The refusals that belong to the component, by their path in `ObservabilitySettings`; empty when all is well. */
export function checkObservabilityArgs(settings: ObservabilitySettings): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    const refuse = (path: string, message: string) => issues.push({ path, message });
    const s = withObservabilityDefaults(settings);
    if (!DNS_LABEL.test(s.namespace))
        refuse("namespace", `"${s.namespace}" is not a namespace name (lowercase letters, digits and -, at most 63)`);
    if (!(KUBE_PROMETHEUS_STACK_VERSIONS as readonly string[]).includes(s.kubePrometheusStackVersion))
        refuse(
            "kubePrometheusStackVersion",
            `${s.kubePrometheusStackVersion} is not a version whose values are checked; use one of ${KUBE_PROMETHEUS_STACK_VERSIONS.join(", ")}`,
        );
    if (!(PROMETHEUS_OPERATOR_CRDS_VERSIONS as readonly string[]).includes(s.prometheusOperatorCrdsVersion))
        refuse(
            "prometheusOperatorCrdsVersion",
            `${s.prometheusOperatorCrdsVersion} is not the CRDs version of the supported kube-prometheus-stack; use one of ${PROMETHEUS_OPERATOR_CRDS_VERSIONS.join(", ")}`,
        );
    if (!PROMETHEUS_DURATION.test(String(s.prometheus.retention)))
        refuse(
            "prometheus.retention",
            `"${s.prometheus.retention}" is not a Prometheus duration such as "15d" or "1w"`,
        );
    // Size-based retention is 85% of the volume in whole MiB: the volume needs at least 2Mi of it.
    if (!parses(parseMemory, s.prometheus.storageSize) || parseMemory(s.prometheus.storageSize) < 2 * 1024 ** 2)
        refuse("prometheus.storageSize", `"${s.prometheus.storageSize}" is not a volume size such as "50Gi"`);
    for (const [path, replicas] of [
        ["prometheus.replicas", s.prometheus.replicas],
        ["alertmanager.replicas", s.alertmanager.replicas],
    ] as const)
        if (!Number.isInteger(replicas) || replicas < 1)
            refuse(path, `${replicas} is not a whole number of at least 1`);
    for (const [workload, r] of Object.entries(s.resources)) {
        if (!parses(parseCpu, r?.cpu)) refuse(`resources.${workload}.cpu`, `"${r?.cpu}" is not a CPU quantity`);
        if (!parses(parseMemory, r?.memory))
            refuse(`resources.${workload}.memory`, `"${r?.memory}" is not a memory quantity`);
    }
    s.unpagedNamespacePrefixes.forEach((prefix, i) => {
        // Each prefix goes into an Alertmanager regex matcher as it is: no metacharacters.
        if (!/^[a-z0-9][-a-z0-9]*$/.test(prefix))
            refuse(
                `unpagedNamespacePrefixes[${i}]`,
                `"${prefix}" is not a namespace prefix (lowercase letters, digits and -)`,
            );
    });
    return issues;
}
