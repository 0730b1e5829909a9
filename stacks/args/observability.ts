/** The stack config mapped onto the Observability component's Args: the one place that knows both. */
import { AIRFLOW_STATSD_SERVICE } from "../../components/airflow/statsd-service";
import type { Cluster } from "../../components/cluster/types";
import { DEVSPACE_NAMESPACE_PREFIX } from "../../components/devspace/namespace";
import type { ObservabilityArgs, ObservabilitySettings } from "../../components/observability/args";
import { OBSERVABILITY_RESOURCES, checkObservabilityArgs } from "../../components/observability/args";
import type { Problem } from "../config/checks";
import type { StackConfig } from "../config/resolved";

/** What the stack wires in from other components. */
export interface ObservabilityWiring {
    cluster: Cluster;
    /** Grafana's public URL, from the exposure (its `server.root_url`); unset when Grafana is not exposed. */
    grafanaRootUrl?: string;
}

/** What the settings are made of. */
type MonitoringSource = Pick<StackConfig, "monitoring" | "production" | "cloud" | "secrets" | "images">;

/** The component's settings from `monitoring`, `production`, `cloud` and the secret `alertmanagerReceivers`. */
export function observabilitySettings(config: MonitoringSource): ObservabilitySettings {
    const m = config.monitoring;
    return {
        namespace: m.namespace,
        kubePrometheusStackVersion: m.kubePrometheusStackVersion,
        prometheusOperatorCrdsVersion: m.prometheusOperatorCrdsVersion,
        prometheus: m.prometheus,
        alertmanager: {
            replicas: m.alertmanager.replicas,
            ...(config.secrets.alertmanagerReceivers ? { receivers: config.secrets.alertmanagerReceivers } : {}),
        },
        grafana: { persistence: m.grafana.persistence },
        resources: OBSERVABILITY_RESOURCES[config.production ? "production" : "small"],
        // GKE's default DNS is kube-dns (cloud.google.com/kubernetes-engine/docs/how-to/kube-dns); EKS runs CoreDNS.
        clusterDns: config.cloud === "gke" ? "kube-dns" : "coredns",
        managedControlPlane: config.cloud !== "existing",
        // The devspaces this cluster frames start and stop at will: their alerts never page.
        unpagedNamespacePrefixes: [DEVSPACE_NAMESPACE_PREFIX],
        ...(config.images.dockerHubMirror !== undefined ? { dockerHubMirror: config.images.dockerHubMirror } : {}),
    };
}

/** `new Observability(name, observabilityArgs(config, wiring))`. */
export function observabilityArgs(config: StackConfig, wiring: ObservabilityWiring): ObservabilityArgs {
    const settings = observabilitySettings(config);
    return {
        ...settings,
        cluster: wiring.cluster,
        // The mixin watches the Airflow chart's statsd-exporter, whose ports the Airflow component states.
        airflowStatsd: AIRFLOW_STATSD_SERVICE,
        grafana: { ...settings.grafana, ...(wiring.grafanaRootUrl ? { rootUrl: wiring.grafanaRootUrl } : {}) },
    };
}

/** The config key that sets each path of the component's settings (the longest matching path wins). */
const CONFIG_KEY_OF: [path: string, key: PropertyKey[]][] = [
    ["namespace", ["monitoring", "namespace"]],
    ["kubePrometheusStackVersion", ["monitoring", "kubePrometheusStackVersion"]],
    ["prometheusOperatorCrdsVersion", ["monitoring", "prometheusOperatorCrdsVersion"]],
    ["prometheus", ["monitoring", "prometheus"]],
    ["alertmanager.replicas", ["monitoring", "alertmanager", "replicas"]],
    ["alertmanager.receivers", ["alertmanagerReceivers"]],
    ["grafana", ["monitoring", "grafana"]],
    ["resources", ["environment"]],
    ["clusterDns", ["cloud"]],
    ["managedControlPlane", ["cloud"]],
    ["unpagedNamespacePrefixes", ["devspaces"]],
];

/** The config key an issue at `path` (e.g. "prometheus.replicas") belongs to. */
export function observabilityConfigKey(path: string): PropertyKey[] {
    const [prefix, key] = CONFIG_KEY_OF.filter(
        ([p]) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`),
    ).sort((a, b) => b[0].length - a[0].length)[0] ?? ["", ["monitoring"]];
    const rest = path
        .slice(prefix.length)
        .split(/[.[\]]/)
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    return key[0] === "monitoring" ? [...key, ...rest] : key;
}

/** The component's own refusals, run by the config layer before any resource, each under its config key. */
export function checkObservabilityConfig(config: MonitoringSource, problem: Problem): void {
    if (!config.monitoring.enabled) return;
    for (const issue of checkObservabilityArgs(observabilitySettings(config)))
        problem(observabilityConfigKey(issue.path), issue.message);
}
