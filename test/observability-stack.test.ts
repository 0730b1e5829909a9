import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { nodeCapacityTypeExpr, PROMETHEUS_DATASOURCE_UID } from "@airflow-platform/airflow-mixin";
import { platformMixin } from "../tools/mixin-render";
import { statsdServiceMonitorSpec } from "../components/observability/scrape-target";
import { airflowServiceNames, statsdService } from "../components/airflow";
import {
    alertmanagerConfig,
    annotatedPodsScrapeConfig,
    annotatedServicesScrapeConfig,
    kubePrometheusStackValues,
    KubePrometheusStackInput,
    retentionSizeFor,
} from "../components/observability/values";
import { ResolvedObservabilitySettings, withObservabilityDefaults } from "../components/observability/args";
import { observabilityConfigKey, observabilitySettings } from "../stacks/args/observability";
import { ConfigError, parseStackConfig } from "../stacks/config";
import { allStrings, COMPUTED, helmValues, kubeObjects, ofType, Plan, planOf, SECRET, the } from "./harness";

const FIXTURES = path.join(__dirname, "fixtures", "observability");
// kubernetes-models publishes ES modules only ("import" condition): load them the ESM way from CommonJS.
const importEsm = new Function("s", "return import(s)") as (
    s: string,
) => Promise<Record<string, new (o: unknown) => { validate(): void }>>;

type Obj = Record<string, unknown>;

const onDemand = {
    nodeSelector: { "airflow-platform/capacity": "on-demand" },
    tolerations: [] as { key: string; operator: "Equal" | "Exists"; value?: string; effect: "NoSchedule" }[],
};

/** The component's settings as the stack layer maps them from a stack's config (stacks/args/observability.ts). */
function settingsOf(monitoring: Obj, environment?: "prod"): ResolvedObservabilitySettings {
    const config = parseStackConfig("t", {
        cloud: "gke",
        gcp: { project: "p", region: "europe-west1" },
        airflow: { dags: { repo: "https://github.com/acme/dags.git" } },
        monitoring,
        ...(environment ? { environment } : {}),
    });
    return withObservabilityDefaults(observabilitySettings(config));
}

const MONITORING = {
    prometheus: { retention: "30d", storageSize: "200Gi", replicas: 2 },
    alertmanager: { replicas: 2 },
};

function input(
    overrides: Partial<KubePrometheusStackInput> & { production?: boolean; managedControlPlane?: boolean } = {},
): KubePrometheusStackInput {
    const { production, managedControlPlane, ...rest } = overrides;
    const settings = overrides.settings ?? settingsOf(MONITORING, production ? "prod" : undefined);
    return {
        settings: managedControlPlane === undefined ? settings : { ...settings, managedControlPlane },
        onDemand,
        spotNodeSelector: { "airflow-platform/capacity": "spot" },
        grafanaAdminSecretName: "grafana-admin",
        alertmanagerConfigSecretName: "alertmanager-airflow-platform",
        ...rest,
    };
}

/** Every `resources` object in a values tree, with its path. */
function resourceBlocks(value: unknown, at = ""): { path: string; resources: Obj }[] {
    if (!value || typeof value !== "object" || Array.isArray(value) || /(storageSpec|\.storage)\.$/.test(at)) return [];
    return Object.entries(value as Obj).flatMap(([k, v]) =>
        k === "resources" && v && typeof v === "object" && "requests" in (v as Obj)
            ? [{ path: `${at}${k}`, resources: v as Obj }]
            : resourceBlocks(v, `${at}${k}.`),
    );
}

/** Key paths of a values tree (as key lists), down to leaves or to maps whose keys are free-form. */
/** Helm's merge of a values file over the chart's defaults: maps merge key by key, everything else is replaced. */
function deepMerge(base: unknown, over: unknown): unknown {
    const isMap = (x: unknown): x is Record<string, unknown> =>
        typeof x === "object" && x !== null && !Array.isArray(x);
    if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
}

function keyPaths(value: unknown, freeForm: Set<string>, at: string[] = []): string[][] {
    if (!value || typeof value !== "object" || Array.isArray(value)) return [at];
    return Object.entries(value as Obj).flatMap(([k, v]) => {
        const p = [...at, k];
        return freeForm.has(p.join("/")) ? [p] : keyPaths(v, freeForm, p);
    });
}

function hasPath(tree: unknown, p: string[]): boolean {
    let node = tree as Obj | undefined;
    for (const part of p) {
        if (!node || typeof node !== "object" || !(part in node)) return false;
        node = node[part] as Obj;
    }
    return true;
}

describe("observability: kube-prometheus-stack values", () => {
    const values = kubePrometheusStackValues(input()) as unknown as Obj;
    const v = values as Record<string, Obj>;

    it("installs no CRDs (they come from the prometheus-operator-crds release)", () => {
        expect(values.crds).to.deep.equal({ enabled: false });
    });

    it("only sets keys that exist in kube-prometheus-stack 88.5.3 and its Grafana subchart", () => {
        const kps = YAML.parse(
            fs.readFileSync(path.join(FIXTURES, "kube-prometheus-stack-88.5.3.values.yaml"), "utf8"),
        );
        const grafana = YAML.parse(fs.readFileSync(path.join(FIXTURES, "grafana-12.11.1.values.yaml"), "utf8"));
        // Maps whose keys are ours by design, and subchart trees whose values.yaml is not vendored.
        const freeForm = new Set([
            "grafana/grafana.ini",
            "kube-state-metrics",
            "prometheus-node-exporter",
            ...["serviceMonitor", "podMonitor", "rule"].flatMap((k) => [
                `prometheus/prometheusSpec/${k}Selector`,
                `prometheus/prometheusSpec/${k}NamespaceSelector`,
            ]),
        ]);
        // Keys the charts read but leave commented out in values.yaml (checked in the charts' templates).
        const documentedElsewhere = ["alertmanager/alertmanagerSpec/configSecret", "grafana/fullnameOverride"];
        const unknown = keyPaths(values, freeForm)
            .filter(
                (p) =>
                    !p.some((k) => ["resources", "nodeSelector", "tolerations", "storageSpec", "storage"].includes(k)),
            )
            .filter((p) => !hasPath(kps, p) && !(p[0] === "grafana" && hasPath(grafana, p.slice(1))))
            .map((p) => p.join("/"));
        expect(unknown).to.deep.equal(documentedElsewhere);
        // The commented-out keys we rely on are documented upstream.
        const kpsText = fs.readFileSync(path.join(FIXTURES, "kube-prometheus-stack-88.5.3.values.yaml"), "utf8");
        expect(kpsText).to.match(/# configSecret:/);
    });

    it("places the operator, Prometheus, Alertmanager, Grafana and kube-state-metrics on on-demand nodes", () => {
        const placed = [
            v.prometheusOperator,
            (v.prometheusOperator.admissionWebhooks as Obj).patch,
            (v.prometheus as Obj).prometheusSpec,
            (v.alertmanager as Obj).alertmanagerSpec,
            v.grafana,
            v["kube-state-metrics"],
        ] as Obj[];
        for (const p of placed) {
            expect(p.nodeSelector).to.deep.equal(onDemand.nodeSelector);
            expect(p.tolerations).to.deep.equal(onDemand.tolerations);
        }
    });

    it("runs node-exporter on every node, spot included: it tolerates every taint and selects no node", () => {
        const ne = v["prometheus-node-exporter"];
        expect(ne.tolerations).to.deep.equal([{ operator: "Exists" }]);
        expect(ne).to.not.have.property("nodeSelector");
    });

    it("takes Prometheus retention, storage and replicas from config, with a size cap below the volume", () => {
        const spec = (v.prometheus as Obj).prometheusSpec as Obj;
        expect(spec.retention).to.equal("30d");
        expect(spec.replicas).to.equal(2);
        expect(spec.retentionSize).to.equal("174080MB");
        expect(((spec.storageSpec as Obj).volumeClaimTemplate as Obj).spec).to.deep.equal({
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "200Gi" } },
        });
        expect(((v.alertmanager as Obj).alertmanagerSpec as Obj).replicas).to.equal(2);
        expect(retentionSizeFor("20Gi")).to.equal("17408MB");
        // Decimal units too: 1T is 10^12 bytes, and Prometheus' MB is 2^20 bytes.
        expect(retentionSizeFor("1T")).to.equal("810623MB");
    });

    it("selects ServiceMonitors, PodMonitors and rules in every namespace, whatever their labels", () => {
        const spec = (v.prometheus as Obj).prometheusSpec as Obj;
        for (const kind of ["serviceMonitor", "podMonitor", "rule"]) {
            expect(spec[`${kind}SelectorNilUsesHelmValues`], kind).to.equal(false);
            expect(spec[`${kind}Selector`], kind).to.deep.equal({});
            expect(spec[`${kind}NamespaceSelector`], kind).to.deep.equal({});
        }
        expect(spec.probeSelectorNilUsesHelmValues).to.equal(false);
        expect(spec.scrapeConfigSelectorNilUsesHelmValues).to.equal(false);
    });

    it("scrapes Services annotated prometheus.io/scrape (PgBouncer's metrics) on the annotated port, not the statsd Service twice", () => {
        const job = annotatedServicesScrapeConfig();
        expect(job.kubernetes_sd_configs).to.deep.equal([{ role: "endpoints" }]);
        const drop = job.relabel_configs.find((r) => r.action === "drop")!;
        expect(drop).to.deep.include({ source_labels: ["__meta_kubernetes_service_label_component"], regex: "statsd" });
        const address = job.relabel_configs.find((r) => r.target_label === "__address__")!;
        const rewrite = (addr: string, port: string) => {
            const m = new RegExp(`^(?:${address.regex})$`).exec(`${addr};${port}`);
            return m ? address.replacement!.replace("$1", m[1]).replace("$2", m[2]) : addr;
        };
        // Both endpoint ports of the chart's PgBouncer Service (6543, 9127) become the annotated metrics port.
        expect(rewrite("10.1.2.3:6543", "9127")).to.equal("10.1.2.3:9127");
        expect(rewrite("10.1.2.3:9127", "9127")).to.equal("10.1.2.3:9127");
        expect(rewrite("[fd00::5]:6543", "9127")).to.equal("[fd00::5]:9127");
    });

    it("scrapes any pod annotated prometheus.io/scrape, on its prometheus.io/port and prometheus.io/path", () => {
        const jobs = ((v.prometheus as Obj).prometheusSpec as Obj).additionalScrapeConfigs as Obj[];
        expect(jobs).to.deep.equal([annotatedPodsScrapeConfig(), annotatedServicesScrapeConfig()]);
        const relabel = jobs[0].relabel_configs as Obj[];
        const keep = relabel.find((r) => r.action === "keep")!;
        expect(keep).to.deep.include({
            source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
            regex: "true",
        });
        expect(relabel.some((r) => r.target_label === "__metrics_path__")).to.equal(true);
        const address = relabel.filter((r) => r.target_label === "__address__");
        expect(address).to.have.length(2);
        // The IPv4 address rule turns "8080;10.1.2.3" into "10.1.2.3:8080" (same regex syntax in Go and JavaScript here).
        const ipv4 = address[1];
        expect(
            "8080;10.1.2.3".replace(
                new RegExp(`^(?:${ipv4.regex})$`),
                String(ipv4.replacement).replace(/\$(\d)/g, "$$$1"),
            ),
        ).to.equal("10.1.2.3:8080");
    });

    it("keeps Grafana closed: admin password from our Secret, no anonymous access, no sign-up", () => {
        const g = v.grafana;
        expect(g.admin).to.deep.equal({
            existingSecret: "grafana-admin",
            userKey: "admin-user",
            passwordKey: "admin-password",
        });
        expect((g["grafana.ini"] as Obj)["auth.anonymous"]).to.deep.equal({ enabled: false });
        expect(((g["grafana.ini"] as Obj).users as Obj).allow_sign_up).to.equal(false);
        expect(allStrings(values).some((s) => /password/i.test(s) && s !== "admin-password")).to.equal(false);
    });

    it("recreates (never rolls) a Grafana that keeps its data on a ReadWriteOnce volume, so upgrades cannot hang", () => {
        expect(v.grafana.deploymentStrategy).to.equal(undefined);
        const persistent = settingsOf({ grafana: { persistence: true } });
        const g = (kubePrometheusStackValues(input({ settings: persistent })) as unknown as Record<string, Obj>)
            .grafana;
        expect(g.persistence).to.deep.include({ enabled: true, accessModes: ["ReadWriteOnce"] });
        expect(g.deploymentStrategy).to.deep.equal({ type: "Recreate" });
    });

    it("lets rules created beside the first install through the operator's webhook, and validates them afterwards", () => {
        const webhooks = (v.prometheusOperator as Record<string, Obj>).admissionWebhooks;
        expect(webhooks.failurePolicy).to.equal("IgnoreOnInstallOnly");
    });

    it("provisions the Prometheus datasource with the fixed uid, and the dashboards sidecar with the folder annotation", () => {
        const sidecar = v.grafana.sidecar as Record<string, Obj>;
        expect(sidecar.datasources).to.deep.include({
            uid: PROMETHEUS_DATASOURCE_UID,
            isDefaultDatasource: true,
            defaultDatasourceEnabled: true,
        });
        expect(sidecar.dashboards).to.deep.include({
            label: "grafana_dashboard",
            labelValue: "1",
            folderAnnotation: "grafana_folder",
            searchNamespace: "ALL",
        });
        expect((sidecar.dashboards.provider as Obj).foldersFromFilesStructure).to.equal(true);
    });

    it("fetches no dashboard from grafana.com: no gnetId, no url, no download init container", () => {
        const g = v.grafana;
        for (const key of ["dashboards", "dashboardProviders", "downloadDashboards", "downloadDashboardsImage"])
            expect(g, key).to.not.have.property(key);
        const remote = allStrings(g).filter((x) => /grafana\.(com|net)/.test(x));
        expect(remote).to.deep.equal([]);
        expect(JSON.stringify(g)).to.not.match(/"(gnetId|url)":/);
    });

    it("keeps the chart's node-exporter dashboards on (the condition of templates/grafana/dashboards-1.14/nodes.yaml)", () => {
        // kube-prometheus-stack 88.5.3 renders node-exporter-mixin's dashboards as sidecar ConfigMaps when Grafana,
        // grafana.defaultDashboardsEnabled, nodeExporter and its linux dashboards are on: our values over the chart's.
        const chart = YAML.parse(
            fs.readFileSync(path.join(FIXTURES, "kube-prometheus-stack-88.5.3.values.yaml"), "utf8"),
        );
        const merged = deepMerge(chart, values) as Record<string, Obj>;
        const grafana = merged.grafana;
        const nodeExporter = merged.nodeExporter as {
            enabled: boolean;
            forceDeployDashboards: boolean;
            operatingSystems: { linux: { enabled: boolean } };
        };
        expect(grafana.enabled || grafana.forceDeployDashboards).to.equal(true);
        expect(grafana.defaultDashboardsEnabled).to.equal(true);
        expect(
            (nodeExporter.enabled || nodeExporter.forceDeployDashboards) && nodeExporter.operatingSystems.linux.enabled,
        ).to.equal(true);
        // They carry the sidecar's label (the template writes grafana.sidecar.dashboards.label/labelValue), so ours loads them.
        const sidecar = (grafana.sidecar as Record<string, Obj>).dashboards;
        expect([sidecar.enabled, sidecar.label, sidecar.labelValue]).to.deep.equal([true, "grafana_dashboard", "1"]);
    });

    it("serves Grafana from a sub-path only when exposure gives a root URL", () => {
        expect((v.grafana["grafana.ini"] as Obj).server as Obj | undefined).to.equal(undefined);
        const exposed = kubePrometheusStackValues(
            input({ grafanaRootUrl: "https://airflow.example.com/grafana/" }),
        ) as unknown as Record<string, Obj>;
        expect((exposed.grafana["grafana.ini"] as Obj).server).to.deep.equal({
            root_url: "https://airflow.example.com/grafana/",
            serve_from_sub_path: true,
        });
    });

    it("sets cpu and memory requests (and a memory limit) for every component, sized up in production", () => {
        for (const production of [false, true]) {
            const blocks = resourceBlocks(kubePrometheusStackValues(input({ production })));
            expect(blocks.map((b) => b.path)).to.include.members([
                "prometheusOperator.resources",
                "prometheusOperator.prometheusConfigReloader.resources",
                "prometheusOperator.admissionWebhooks.patch.resources",
                "prometheus.prometheusSpec.resources",
                "alertmanager.alertmanagerSpec.resources",
                "grafana.resources",
                "grafana.sidecar.resources",
                "grafana.initChownData.resources",
                "kube-state-metrics.resources",
                "prometheus-node-exporter.resources",
            ]);
            for (const b of blocks) {
                const requests = b.resources.requests as Obj;
                expect(requests.cpu, b.path).to.be.a("string");
                expect(requests.memory, b.path).to.be.a("string");
                expect((b.resources.limits as Obj).memory, b.path).to.equal(requests.memory);
            }
        }
        const small = kubePrometheusStackValues(input()).prometheus.prometheusSpec.resources.requests.memory;
        const big = kubePrometheusStackValues(input({ production: true })).prometheus.prometheusSpec.resources.requests
            .memory;
        expect([small, big]).to.deep.equal(["1Gi", "4Gi"]);
    });

    it("exports the node labels the capacity-type rule reads, and skips control-plane scrapes on managed clusters", () => {
        const allow = v["kube-state-metrics"].metricLabelsAllowlist as string[];
        expect(allow[0]).to.equal(
            "nodes=[cloud.google.com/gke-spot,eks.amazonaws.com/capacityType,karpenter.sh/capacity-type,airflow-platform/capacity]",
        );
        expect(allow[1]).to.match(/^pods=\[.*component.*kubernetes_executor/);
        expect(values.kubeEtcd).to.deep.equal({ enabled: false });
        expect(kubePrometheusStackValues(input({ managedControlPlane: false }))).to.not.have.property("kubeEtcd");
        expect(nodeCapacityTypeExpr({ "airflow-platform/capacity": "spot" })).to.include(
            `label_airflow_platform_capacity="spot"`,
        );
    });
});

describe("observability: monitoring config", () => {
    it("rejects a statsd TTL the exporter cannot parse, naming the full key", () => {
        const raw = {
            cloud: "gke",
            gcp: { project: "p", region: "europe-west1" },
            airflow: { dags: { repo: "https://github.com/acme/dags.git" } },
        };
        expect(() => parseStackConfig("t", { ...raw, monitoring: { statsdMappingTtl: "2d" } }))
            .to.throw(ConfigError)
            .with.property("message")
            .that.matches(/airflow-platform:monitoring\.statsdMappingTtl = "2d": a Go duration/);
        expect(
            parseStackConfig("t", { ...raw, monitoring: { statsdMappingTtl: "90m" } }).monitoring.statsdMappingTtl,
        ).to.equal("90m");
    });

    it("reports the component's own refusal under the config key that set it, before any resource", () => {
        const raw = {
            cloud: "gke",
            gcp: { project: "p", region: "europe-west1" },
            airflow: { dags: { repo: "https://github.com/acme/dags.git" } },
        };
        // The schema admits 1Mi; the component refuses a volume its size-based retention (85%, whole MiB) cannot use.
        const tiny = { ...raw, monitoring: { prometheus: { storageSize: "1Mi" } } };
        expect(() => parseStackConfig("t", tiny))
            .to.throw(ConfigError)
            .with.property("message")
            .that.matches(/airflow-platform:monitoring\.prometheus\.storageSize: "1Mi" is not a volume size/);
        expect(observabilityConfigKey("alertmanager.replicas")).to.deep.equal([
            "monitoring",
            "alertmanager",
            "replicas",
        ]);
        expect(observabilityConfigKey("unpagedNamespacePrefixes[0]")).to.deep.equal(["devspaces"]);
        // Without monitoring, nothing of it is checked.
        expect(() =>
            parseStackConfig("t", { ...raw, monitoring: { enabled: false, prometheus: { storageSize: "1Mi" } } }),
        ).to.not.throw();
    });
});

describe("observability: Alertmanager configuration", () => {
    it("routes every alert to the configured Slack, webhook and email receivers", () => {
        const config = alertmanagerConfig(
            {
                slack: { apiUrl: "https://hooks.slack.com/services/T/B/X", channel: "#airflow" },
                webhook: { url: "https://hooks.example.com/alert" },
                email: {
                    to: "data@example.com",
                    from: "alerts@example.com",
                    smarthost: "smtp.example.com:587",
                    username: "u",
                    password: "p",
                },
            },
            settingsOf({}).unpagedNamespacePrefixes,
        );
        expect(config.route.receiver).to.equal("airflow-platform");
        const receiver = config.receivers.find((r) => r.name === "airflow-platform") as Obj;
        expect((receiver.slack_configs as Obj[])[0]).to.deep.include({
            api_url: "https://hooks.slack.com/services/T/B/X",
            channel: "#airflow",
            send_resolved: true,
        });
        expect(receiver.webhook_configs).to.deep.equal([
            { url: "https://hooks.example.com/alert", send_resolved: true },
        ]);
        expect((receiver.email_configs as Obj[])[0]).to.deep.include({
            to: "data@example.com",
            smarthost: "smtp.example.com:587",
            auth_username: "u",
            auth_password: "p",
            require_tls: true,
        });
        expect(config.route.routes[0]).to.deep.equal({ receiver: "null", matchers: ['alertname = "Watchdog"'] });
        // Devspaces never page anyone.
        expect(config.route.routes).to.deep.include({ receiver: "null", matchers: ['namespace =~ "devspace-.*"'] });
    });

    it("sends nothing anywhere when no receiver is configured, and only configures the receivers given", () => {
        const none = alertmanagerConfig(undefined);
        expect(none.route.receiver).to.equal("null");
        expect(none.receivers).to.deep.equal([{ name: "null" }]);
        const webhookOnly = alertmanagerConfig({ webhook: { url: "https://h.example.com" } });
        expect(Object.keys(webhookOnly.receivers[1]).sort()).to.deep.equal(["name", "webhook_configs"]);
    });

    it("silences the exporter's downstream alerts while the exporter itself is down", () => {
        const inhibit = alertmanagerConfig(undefined).inhibit_rules.find((r) =>
            r.source_matchers[0].includes("AirflowStatsdExporterDown"),
        )!;
        expect(inhibit.equal).to.deep.equal(["namespace"]);
        const downstream = platformMixin()
            .alerts.flatMap((g) => g.rules)
            .filter((r) => "alert" in r && /HeartbeatMissing|MetricsMissing/.test(r.alert));
        const pattern = new RegExp(`^(?:${/"(.*)"/.exec(inhibit.target_matchers[0])![1]})$`);
        for (const r of downstream)
            expect(pattern.test((r as { alert: string }).alert), (r as { alert: string }).alert).to.equal(true);
    });
});

describe("observability: planned stacks", function () {
    this.timeout(60000);
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await planOf("dev");
        prod = await planOf("prod-gke");
    });

    const urn = (plan: Plan, type: string, name: string) => the(plan, type, name).urn;

    it("installs prometheus-operator-crds 31.0.1 first, then kube-prometheus-stack 88.5.3, both pinned", () => {
        const crds = the(dev, "kubernetes:helm.sh/v3:Release", "observability-crds");
        const kps = the(dev, "kubernetes:helm.sh/v3:Release", "observability-kube-prometheus-stack");
        expect(crds.inputs).to.deep.include({
            chart: "prometheus-operator-crds",
            version: "31.0.1",
            namespace: "monitoring",
        });
        expect(kps.inputs).to.deep.include({
            chart: "kube-prometheus-stack",
            version: "88.5.3",
            namespace: "monitoring",
            skipCrds: true,
        });
        expect(kps.dependencies).to.include(crds.urn);
        expect((helmValues(dev, "observability-kube-prometheus-stack").crds as Obj).enabled).to.equal(false);
    });

    it("keeps the operator's CRDs when their release is removed (helm.sh/resource-policy: keep on every CRD)", () => {
        const crds = the(dev, "kubernetes:helm.sh/v3:Release", "observability-crds");
        // prometheus-operator-crds 31.0.1 puts `crds.annotations` on each CRD (charts/crds/templates/crd-*.yaml).
        expect((crds.inputs.values as Obj).crds).to.deep.equal({ annotations: { "helm.sh/resource-policy": "keep" } });
    });

    it("scrapes kube-dns on GKE instead of CoreDNS (no endpoint there: TargetDown), CoreDNS elsewhere", async () => {
        const gke = helmValues(prod, "observability-kube-prometheus-stack");
        expect(gke.coreDns).to.deep.equal({ enabled: false });
        expect(gke.kubeDns).to.deep.equal({ enabled: true });
        const eks = helmValues(await planOf("prod-eks"), "observability-kube-prometheus-stack");
        expect(eks.coreDns).to.equal(undefined);
        expect(eks.kubeDns).to.equal(undefined);
    });

    it("keeps Grafana on one Prometheus replica when there are two (ClientIP session affinity), and sets nothing for one", () => {
        expect((helmValues(prod, "observability-kube-prometheus-stack").prometheus as Obj).service).to.deep.equal({
            sessionAffinity: "ClientIP",
        });
        expect((helmValues(dev, "observability-kube-prometheus-stack").prometheus as Obj).service).to.equal(undefined);
    });

    it("sets no value that no template reads (the webhook Deployment is off, so its block is not set)", () => {
        const webhooks = (helmValues(prod, "observability-kube-prometheus-stack").prometheusOperator as Obj)
            .admissionWebhooks as Obj;
        expect(Object.keys(webhooks).sort()).to.deep.equal(["failurePolicy", "patch"]);
    });

    it("makes ServiceMonitors and PrometheusRules wait for the CRDs release only, not for the whole stack", () => {
        const crds = urn(dev, "kubernetes:helm.sh/v3:Release", "observability-crds");
        const kps = urn(dev, "kubernetes:helm.sh/v3:Release", "observability-kube-prometheus-stack");
        const monitors = [...kubeObjects(dev, "ServiceMonitor"), ...kubeObjects(dev, "PrometheusRule")];
        expect(monitors.length).to.be.greaterThan(1);
        for (const m of monitors) {
            expect(m.dependencies, m.name).to.include(crds);
            expect(m.dependencies, m.name).to.not.include(kps);
        }
    });

    it("generates the Grafana admin password as a secret and keeps it out of the Helm values", () => {
        const secret = the(dev, "kubernetes:core/v1:Secret", "observability-grafana-admin");
        expect(secret.inputs.stringData).to.equal(SECRET);
        expect(secret.inputs.metadata).to.deep.include({ name: "grafana-admin", namespace: "monitoring" });
        expect(
            ofType(dev, "random:index/randomPassword:RandomPassword").some(
                (r) => r.name === "observability-grafana-admin",
            ),
        ).to.equal(true);
        expect(JSON.stringify(dev.outputs)).to.include("grafanaAdminPassword");
        expect(dev.outputs.grafanaAdminPassword).to.equal(SECRET);
    });

    it("writes the Alertmanager configuration with the secret receivers into a secret, never into Helm values", () => {
        const secret = the(prod, "kubernetes:core/v1:Secret", "observability-alertmanager-config");
        expect(secret.inputs.stringData).to.equal(SECRET);
        const revealed = YAML.parse((secret.revealedInputs.stringData as Obj)["alertmanager.yaml"] as string);
        expect(revealed.route.receiver).to.equal("airflow-platform");
        expect(revealed.receivers[1].slack_configs[0].channel).to.equal("#airflow-alerts");
        const values = helmValues(prod, "observability-kube-prometheus-stack");
        expect(allStrings(values).some((s) => s.includes("hooks.slack.com"))).to.equal(false);
        expect(((values.alertmanager as Obj).alertmanagerSpec as Obj).configSecret).to.equal(
            secret.inputs.metadata && (secret.inputs.metadata as Obj).name,
        );
    });

    it("ships the three Airflow dashboards as sidecar ConfigMaps in the Airflow folder", () => {
        const maps = kubeObjects(dev, "ConfigMap").filter(
            (c) => ((c.inputs.metadata as Obj).labels as Obj)?.grafana_dashboard === "1",
        );
        expect(maps.map((m) => Object.keys(m.inputs.data as Obj)[0]).sort()).to.deep.equal([
            "airflow-dag.json",
            "airflow-overview.json",
            "airflow-workers.json",
        ]);
        for (const m of maps) {
            expect(((m.inputs.metadata as Obj).annotations as Obj).grafana_folder).to.equal("Airflow");
            const json = JSON.parse(Object.values(m.inputs.data as Obj)[0] as string);
            expect(json.uid).to.match(/^airflow-/);
        }
    });

    it("points Grafana at the /grafana sub-path of the load balancer in prod, and exposes its Service for the ingress", () => {
        const ini = (helmValues(prod, "observability-kube-prometheus-stack").grafana as Obj)["grafana.ini"] as Obj;
        // prod-gke's internal Gateway terminates TLS with its Secret: Grafana must build https links, or logins break.
        expect(ini.server).to.deep.equal({
            root_url: "https://airflow.acme-data.example.com/grafana/",
            serve_from_sub_path: true,
        });
        expect(ini.server).to.deep.equal({ root_url: (prod.outputs.urls as Obj).grafana, serve_from_sub_path: true });
        expect(prod.outputs).to.deep.include({
            grafanaServiceName: "grafana",
            grafanaServicePort: 80,
            monitoringNamespace: "monitoring",
        });
        expect(
            ((helmValues(dev, "observability-kube-prometheus-stack").grafana as Obj)["grafana.ini"] as Obj).server,
        ).to.equal(undefined);
    });

    it("validates every Kubernetes and prometheus-operator object against its schema", async () => {
        const core = await importEsm("kubernetes-models/v1");
        const monitoring = await importEsm("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
        let checked = 0;
        for (const plan of [dev, prod]) {
            for (const r of plan.resources.filter((x) =>
                /^kubernetes:(core\/v1|monitoring\.coreos\.com\/v1):/.test(x.type),
            )) {
                if (!["observability", "airflow-scrape"].includes(r.parent ?? "")) continue;
                const kind = r.type.split(":").pop()!;
                const model = (r.type.includes("monitoring") ? monitoring : core)[kind];
                expect(model, kind).to.be.a("function");
                const inputs = { ...r.revealedInputs };
                // A generated password is unknown until the cloud runs: validate the rest of that Secret.
                if (inputs.stringData === COMPUTED) delete inputs.stringData;
                const object = {
                    apiVersion: r.type.includes("monitoring") ? "monitoring.coreos.com/v1" : "v1",
                    kind,
                    ...inputs,
                };
                expect(() => new model(object).validate(), `${plan.stack}/${r.name}`).to.not.throw();
                checked += 1;
            }
        }
        expect(checked).to.be.greaterThan(14);
        // A broken object fails (the validation is real).
        expect(() =>
            new monitoring.PrometheusRule({
                metadata: { name: "x" },
                spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "up", for: "5 minutes" }] }] },
            }).validate(),
        ).to.throw();
    });

    it("the scrape target is Observability's child, created by the stack, and keeps its URN from under Airflow", () => {
        const urn = (type: string) => `urn:pulumi:dev::airflow-platform::${type}`;
        const target = the(dev, "airflow-platform:observability:AirflowScrapeTarget", "airflow-scrape");
        expect(target.parentUrn).to.equal(
            the(dev, "airflow-platform:observability:Observability", "observability").urn,
        );
        // Its old place, under the Airflow component as typed now and as deployed stacks still know it.
        expect(target.aliases).to.have.members([
            urn("airflow-platform:airflow:Airflow$airflow-platform:observability:AirflowScrapeTarget::airflow-scrape"),
            urn("airflow-platform:index:Airflow$airflow-platform:observability:AirflowScrapeTarget::airflow-scrape"),
        ]);
        const [monitor, ...others] = kubeObjects(dev, "ServiceMonitor");
        expect(others).to.deep.equal([]);
        expect(monitor.parentUrn).to.equal(target.urn);
        // Nothing else moved: the Airflow component has no child of the observability layer.
        expect(
            dev.resources.filter((r) => r.parent === "airflow" && r.type.startsWith("airflow-platform:observability")),
        ).to.deep.equal([]);
    });

    it("a stack without monitoring makes no scrape target: nothing there defines the ServiceMonitor kind", async () => {
        const plan = await planOf("dev", { config: { monitoring: { enabled: false } } });
        expect(ofType(plan, "airflow-platform:observability:Observability")).to.deep.equal([]);
        expect(ofType(plan, "airflow-platform:observability:AirflowScrapeTarget")).to.deep.equal([]);
        expect(kubeObjects(plan, "ServiceMonitor")).to.deep.equal([]);
        expect(ofType(plan, "kubernetes:helm.sh/v3:Release").map((r) => r.name)).to.include("airflow-release");
    });

    it("scrapes the chart's statsd Service by its port name, in its own namespace", () => {
        const spec = statsdServiceMonitorSpec(
            statsdService("airflow", "airflow", airflowServiceNames("airflow", 3).statsd),
        );
        expect(spec.selector.matchLabels).to.deep.equal({ tier: "airflow", component: "statsd", release: "airflow" });
        expect(spec.endpoints[0].port).to.equal("statsd-scrape");
        const monitor = kubeObjects(dev, "ServiceMonitor")[0];
        expect(monitor.inputs.spec).to.deep.equal(JSON.parse(JSON.stringify(spec)));
    });
});
