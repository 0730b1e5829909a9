/**
 * Pure functions that turn the typed monitoring config into Helm values for kube-prometheus-stack and into the
 * Alertmanager configuration. No Pulumi here: tests call these directly.
 */
import type { Placement } from "../cluster/types";
import { containerResources, parseMemory } from "../quantities";
import { dockerHubMirrorParts } from "../images";
import { CLOUD_SPOT_LABELS, PROMETHEUS_DATASOURCE_UID, SERVICE_ENDPOINTS_JOB } from "@airflow-platform/airflow-mixin";
import type { AlertmanagerReceivers, ResolvedObservabilitySettings } from "./args";

export const KUBE_PROMETHEUS_STACK_CHART = {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
};
export const PROMETHEUS_OPERATOR_CRDS_CHART = {
    chart: "prometheus-operator-crds",
    repo: "https://prometheus-community.github.io/helm-charts",
};

/** Grafana's Service: the subchart's fullname is overridden so the name does not depend on the release name. */
export const GRAFANA_SERVICE = { name: "grafana", port: 80 } as const;

/** The ConfigMap annotation the Grafana sidecar reads to put a dashboard into a folder. */
export const GRAFANA_FOLDER_ANNOTATION = "grafana_folder";
/** The label (and value) the Grafana sidecar collects dashboard ConfigMaps by. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** Alertmanager's volume: silences and the notification log are a few KiB; 1Gi is the smallest size worth a disk. */
export const ALERTMANAGER_STORAGE = "1Gi";

/** Key of the Alertmanager configuration inside its Secret, as the operator expects. */
export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";

/** One Prometheus `relabel_configs` entry. */
interface RelabelConfig {
    source_labels: string[];
    action: string;
    regex?: string;
    replacement?: string;
    target_label?: string;
}

/** `prometheus.io/scheme` and `prometheus.io/path` of a pod's or a Service's annotations, read the same way by both jobs. */
function annotatedSchemeAndPath(role: "pod" | "service"): RelabelConfig[] {
    const annotation = (name: string) => `__meta_kubernetes_${role}_annotation_prometheus_io_${name}`;
    return [
        { source_labels: [annotation("scheme")], action: "replace", regex: "(https?)", target_label: "__scheme__" },
        { source_labels: [annotation("path")], action: "replace", regex: "(.+)", target_label: "__metrics_path__" },
    ];
}

/**
 * The classic annotation contract (`prometheus.io/scrape: "true"`, `prometheus.io/port`, `prometheus.io/path`,
 * `prometheus.io/scheme`) for pods, as Prometheus' own example Kubernetes config defines it.
 */
export function annotatedPodsScrapeConfig() {
    return {
        job_name: "kubernetes-pods",
        honor_labels: false,
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: <RelabelConfig[]>[
            { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
            {
                source_labels: ["__meta_kubernetes_pod_phase"],
                action: "drop",
                regex: "Pending|Succeeded|Failed|Unknown",
            },
            ...annotatedSchemeAndPath("pod"),
            {
                // IPv6 pod IPs need brackets around the address.
                source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
                action: "replace",
                regex: "(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})",
                replacement: "[$2]:$1",
                target_label: "__address__",
            },
            {
                source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
                action: "replace",
                regex: "(\\d+);((([0-9]+?)(\\.|$)){4})",
                replacement: "$2:$1",
                target_label: "__address__",
            },
            { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
            { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
            { source_labels: ["__meta_kubernetes_pod_node_name"], action: "replace", target_label: "node" },
            {
                source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
                action: "replace",
                target_label: "app",
            },
        ],
    };
}

/**
 * Scrape job for Services annotated `prometheus.io/scrape: "true"` (role `endpoints`, on the annotated port): the
 * Airflow chart annotates PgBouncer's metrics Service this way (chart/templates/pgbouncer/pgbouncer-service.yaml), and
 * the pod job never sees it because the PgBouncer pods carry no annotation. The statsd Service is annotated too but has
 * its ServiceMonitor: dropped here, so it is scraped once.
 */
export function annotatedServicesScrapeConfig() {
    return {
        job_name: SERVICE_ENDPOINTS_JOB,
        kubernetes_sd_configs: [{ role: "endpoints" }],
        relabel_configs: <RelabelConfig[]>[
            {
                source_labels: ["__meta_kubernetes_service_annotation_prometheus_io_scrape"],
                action: "keep",
                regex: "true",
            },
            { source_labels: ["__meta_kubernetes_service_label_component"], action: "drop", regex: "statsd" },
            ...annotatedSchemeAndPath("service"),
            {
                // Every endpoint port becomes the annotated port; the identical targets that leaves are deduplicated.
                source_labels: ["__address__", "__meta_kubernetes_service_annotation_prometheus_io_port"],
                action: "replace",
                regex: "(.+?)(?::\\d+)?;(\\d+)",
                replacement: "$1:$2",
                target_label: "__address__",
            },
            { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
            { source_labels: ["__meta_kubernetes_service_name"], action: "replace", target_label: "service" },
            { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
        ],
    };
}

/** Prometheus' size-based retention: 85% of the volume, so the disk never fills before time-based retention acts. */
export function retentionSizeFor(storageSize: string): string {
    const mib = parseMemory(storageSize) / 1024 ** 2;
    // Prometheus reads "MB" as 2^20 bytes (its units are base 2).
    return `${Math.floor(mib * 0.85)}MB`;
}

export interface KubePrometheusStackInput {
    /** The component's settings, defaults applied (the receivers and the root URL are not read here). */
    settings: ResolvedObservabilitySettings;
    /** Where the control-plane pieces run: the on-demand pool. */
    onDemand: Placement;
    /** How spot nodes are labelled (the spot pool's nodeSelector): kube-state-metrics must export these labels. */
    spotNodeSelector: Record<string, string>;
    /** Secret with `admin-user` and `admin-password` for Grafana. */
    grafanaAdminSecretName: string;
    /** Secret with `alertmanager.yaml`. */
    alertmanagerConfigSecretName: string;
    /** Grafana's public URL when it is served behind the load balancer on a sub-path (`settings.grafana.rootUrl`, resolved). */
    grafanaRootUrl?: string;
    /** The cluster's ReadWriteOnce StorageClass for Prometheus' and Grafana's volumes; empty or unset: the cluster's default. */
    blockStorageClassName?: string;
}

/** The grafana chart's Docker Hub images (values.yaml of grafana 12.11.1: `image`, `initChownData.image`, `downloadDashboardsImage`). */
export const GRAFANA_DOCKER_HUB_IMAGES = {
    grafana: "grafana/grafana",
    initChownData: "library/busybox",
    downloadDashboards: "curlimages/curl",
} as const;

/**
 * Helm values for prometheus-operator-crds: the CRDs stay when the release is removed (`helm.sh/resource-policy:
 * keep`, which the chart's `crds.annotations` puts on every CRD); deleting a CRD would delete every ServiceMonitor,
 * PodMonitor and PrometheusRule of every namespace with it.
 */
export function prometheusOperatorCrdsValues() {
    return { crds: { annotations: { "helm.sh/resource-policy": "keep" } } };
}

/** Helm values for kube-prometheus-stack. */
export function kubePrometheusStackValues(input: KubePrometheusStackInput) {
    const c = input.settings;
    const size = c.resources;
    const placement = { nodeSelector: input.onDemand.nodeSelector, tolerations: input.onDemand.tolerations };
    const nodeLabels = [
        ...new Set([
            ...Object.keys(CLOUD_SPOT_LABELS),
            ...Object.keys(input.spotNodeSelector),
            ...Object.keys(input.onDemand.nodeSelector),
        ]),
    ];
    const retentionSize = retentionSizeFor(c.prometheus.storageSize);
    // An unset storageClassName means the cluster's default class; an empty string would mean "no class" (no provisioning).
    const storageClassName = input.blockStorageClassName ? { storageClassName: input.blockStorageClassName } : {};
    // The grafana chart joins `registry` and `repository` (templates/_helpers.tpl, grafana.image); unset keeps docker.io.
    const grafanaImage = dockerHubMirrorParts(GRAFANA_DOCKER_HUB_IMAGES.grafana, c.dockerHubMirror);
    const initChownImage = dockerHubMirrorParts(GRAFANA_DOCKER_HUB_IMAGES.initChownData, c.dockerHubMirror);
    const downloadImage = dockerHubMirrorParts(GRAFANA_DOCKER_HUB_IMAGES.downloadDashboards, c.dockerHubMirror);
    const grafanaIni: Record<string, Record<string, unknown>> = {
        "auth.anonymous": { enabled: false },
        users: { allow_sign_up: false },
        analytics: { check_for_updates: false, reporting_enabled: false },
    };
    if (input.grafanaRootUrl) grafanaIni.server = { root_url: input.grafanaRootUrl, serve_from_sub_path: true };

    return {
        // The CRDs come from the prometheus-operator-crds release, installed first.
        crds: { enabled: false },
        // kube-prometheus-stack scrapes CoreDNS by default; kube-dns has its own exporter block (templates/exporters/kube-dns).
        ...(c.clusterDns === "kube-dns" ? { coreDns: { enabled: false }, kubeDns: { enabled: true } } : {}),
        ...(c.managedControlPlane
            ? {
                  kubeControllerManager: { enabled: false },
                  kubeScheduler: { enabled: false },
                  kubeEtcd: { enabled: false },
                  kubeProxy: { enabled: false },
              }
            : {}),
        prometheusOperator: {
            ...placement,
            resources: containerResources(size.operator),
            prometheusConfigReloader: { resources: containerResources(size.configReloader) },
            admissionWebhooks: {
                // Rules wait only for the CRDs, so on first install one may reach the webhook before the operator
                // answers; the chart then renders Ignore, and Fail on every later upgrade.
                failurePolicy: "IgnoreOnInstallOnly",
                // `admissionWebhooks.deployment` is read only with `deployment.enabled` (off): not set.
                patch: { ...placement, resources: containerResources(size.webhookJob) },
            },
        },
        prometheus: {
            // Replicas scrape independently and differ slightly: Grafana (one client IP) sticks to one of them, so a
            // dashboard never flickers between replicas (templates/prometheus/service.yaml, sessionAffinity).
            ...(c.prometheus.replicas > 1 ? { service: { sessionAffinity: "ClientIP" } } : {}),
            prometheusSpec: {
                ...placement,
                replicas: c.prometheus.replicas,
                retention: c.prometheus.retention,
                retentionSize,
                resources: containerResources(size.prometheus),
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: {
                            ...storageClassName,
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage: c.prometheus.storageSize } },
                        },
                    },
                },
                // Select every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and PrometheusRule in every namespace.
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                serviceMonitorSelector: {},
                serviceMonitorNamespaceSelector: {},
                podMonitorSelector: {},
                podMonitorNamespaceSelector: {},
                ruleSelector: {},
                ruleNamespaceSelector: {},
                // Rules and monitors outside the monitoring namespace (devspaces, Airflow) only see and alert on their own namespace.
                enforcedNamespaceLabel: "namespace",
                excludedFromEnforcement: namespaceEnforcementExclusions(c.namespace),
                additionalScrapeConfigs: [annotatedPodsScrapeConfig(), annotatedServicesScrapeConfig()],
            },
        },
        alertmanager: {
            alertmanagerSpec: {
                ...placement,
                replicas: c.alertmanager.replicas,
                resources: containerResources(size.alertmanager),
                // Silences and the notification log survive a restart or a node drain (an emptyDir loses them).
                storage: {
                    volumeClaimTemplate: {
                        spec: {
                            ...storageClassName,
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage: ALERTMANAGER_STORAGE } },
                        },
                    },
                },
                // The whole configuration lives in a Secret this program writes from the secret receivers.
                useExistingSecret: true,
                configSecret: input.alertmanagerConfigSecretName,
            },
        },
        grafana: {
            ...placement,
            // The chart's node-exporter-mixin dashboards ("Node Exporter / Nodes", "/ USE Method / Node" and "/ Cluster",
            // templates/grafana/dashboards-1.14/) ship as sidecar ConfigMaps: no download from grafana.com at start.
            defaultDashboardsEnabled: true,
            fullnameOverride: GRAFANA_SERVICE.name,
            ...(grafanaImage ? { image: grafanaImage } : {}),
            ...(downloadImage ? { downloadDashboardsImage: downloadImage } : {}),
            service: { port: GRAFANA_SERVICE.port },
            resources: containerResources(size.grafana),
            admin: {
                existingSecret: input.grafanaAdminSecretName,
                userKey: "admin-user",
                passwordKey: "admin-password",
            },
            "grafana.ini": grafanaIni,
            persistence: c.grafana.persistence
                ? { enabled: true, type: "pvc", size: "10Gi", accessModes: ["ReadWriteOnce"], ...storageClassName }
                : { enabled: false },
            // A rolling update's new pod cannot attach the old pod's ReadWriteOnce volume, so an upgrade would hang.
            ...(c.grafana.persistence ? { deploymentStrategy: { type: "Recreate" } } : {}),
            initChownData: {
                ...(initChownImage ? { image: initChownImage } : {}),
                resources: containerResources(size.grafanaInit),
            },
            testFramework: { enabled: false },
            sidecar: {
                resources: containerResources(size.grafanaSidecar),
                dashboards: {
                    enabled: true,
                    label: Object.keys(GRAFANA_DASHBOARD_LABEL)[0],
                    labelValue: Object.values(GRAFANA_DASHBOARD_LABEL)[0],
                    searchNamespace: "ALL",
                    folderAnnotation: GRAFANA_FOLDER_ANNOTATION,
                    provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
                },
                datasources: {
                    enabled: true,
                    defaultDatasourceEnabled: true,
                    isDefaultDatasource: true,
                    name: "Prometheus",
                    uid: PROMETHEUS_DATASOURCE_UID,
                },
            },
        },
        "kube-state-metrics": {
            ...placement,
            resources: containerResources(size.kubeStateMetrics),
            // The capacity-type recording rule and the worker dashboards read these labels.
            metricLabelsAllowlist: [
                `nodes=[${nodeLabels.join(",")}]`,
                "pods=[tier,component,release,kubernetes_executor,app.kubernetes.io/name]",
            ],
        },
        "prometheus-node-exporter": {
            // On every node, spot included: tolerate every taint.
            tolerations: [{ operator: "Exists" }],
            resources: containerResources(size.nodeExporter),
        },
    };
}

/** The receiver every alert goes to when receivers are configured. */
export const AIRFLOW_RECEIVER = "airflow-platform";

/**
 * The Alertmanager configuration: receivers from the secret config, Watchdog silenced, kube-prometheus inhibitions,
 * and no page for the namespaces starting with one of `unpagedNamespacePrefixes`.
 */
export function alertmanagerConfig(
    receivers: AlertmanagerReceivers | undefined,
    unpagedNamespacePrefixes: readonly string[] = [],
) {
    const r = receivers ?? {};
    const configured = r.slack !== undefined || r.webhook !== undefined || r.email !== undefined;
    const receiver: Record<string, unknown> = { name: AIRFLOW_RECEIVER };
    if (r.slack)
        receiver.slack_configs = [
            {
                api_url: r.slack.apiUrl,
                channel: r.slack.channel,
                send_resolved: true,
                title: "{{ .CommonLabels.alertname }} ({{ .Status }})",
                text: "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook }}\n{{ end }}",
            },
        ];
    if (r.webhook) receiver.webhook_configs = [{ url: r.webhook.url, send_resolved: true }];
    if (r.email)
        receiver.email_configs = [
            {
                to: r.email.to,
                from: r.email.from,
                smarthost: r.email.smarthost,
                ...(r.email.username ? { auth_username: r.email.username } : {}),
                ...(r.email.password ? { auth_password: r.email.password } : {}),
                require_tls: true,
                send_resolved: true,
            },
        ];
    return {
        global: { resolve_timeout: "5m" },
        route: {
            group_by: ["alertname", "namespace"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "12h",
            receiver: configured ? AIRFLOW_RECEIVER : "null",
            routes: [
                // The always-firing Watchdog and info-level alerts never page anyone.
                { receiver: "null", matchers: ['alertname = "Watchdog"'] },
                { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
                // Developers' devspaces start and stop at will: their alerts show in Alertmanager and Grafana, never page.
                ...unpagedNamespacePrefixes.map((prefix) => ({
                    receiver: "null",
                    matchers: [`namespace =~ "${prefix}.*"`],
                })),
            ],
        },
        inhibit_rules: [
            {
                source_matchers: ["severity = critical"],
                target_matchers: ["severity =~ warning|info"],
                equal: ["namespace", "alertname"],
            },
            {
                source_matchers: ["severity = warning"],
                target_matchers: ["severity = info"],
                equal: ["namespace", "alertname"],
            },
            {
                source_matchers: ["alertname = InfoInhibitor"],
                target_matchers: ["severity = info"],
                equal: ["namespace"],
            },
            // A dead exporter explains every missing Airflow metric in its namespace.
            {
                source_matchers: ["alertname = AirflowStatsdExporterDown"],
                target_matchers: ['alertname =~ "Airflow.*HeartbeatMissing|AirflowMetricsMissing"'],
                equal: ["namespace"],
            },
        ],
        receivers: configured ? [{ name: "null" }, receiver] : [{ name: "null" }],
    };
}

/** The platform's own rules and monitors (kube-prometheus-stack's, the Airflow mixin's) look across namespaces. */
export function namespaceEnforcementExclusions(monitoringNamespace: string) {
    return ["prometheusrules", "servicemonitors", "podmonitors", "probes"].map((resource) => ({
        group: "monitoring.coreos.com",
        resource,
        namespace: monitoringNamespace,
    }));
}
