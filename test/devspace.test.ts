import { expect } from "chai";
import * as YAML from "yaml";
import { readStackFile } from "../tools/offline/runtime";
import { devspaceRequests } from "../tools/offline/artifacts";
import { ConfigError, devspaceStackConfig, parseStackConfig } from "../stacks/config";
import { devspaceAirflowSettings } from "../stacks/args/airflow";
import {
    DEVSPACE_FRAME_CONFIGMAP,
    DevspaceFrameOutput,
    airflowChartPods,
    devspaceAccessProblem,
    devspaceRequestsOf,
    frameObjects,
    limitRangeSpec,
} from "../components/devspace";
import { Plan, configError, helmValues, ofType, planOf, the } from "./harness";

const NS = "devspace-demo";
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Kinds that exist once per cluster (not in a namespace). A devspace creates none of them, not even its Namespace. */
const CLUSTER_SCOPED_KINDS = [
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "PriorityClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
    "CSIDriver",
    "RuntimeClass",
    "IngressClass",
    "VolumeSnapshotClass",
    "GatewayClass",
    "ClusterIssuer",
    "ValidatingAdmissionPolicy",
];
const kindOf = (type: string) => type.split(":").pop()!;

/** devspace-demo's way to the dev cluster (its GKE DNS endpoint). */
const DEMO_CLUSTER = { kind: "gke", name: "airflow-dev", endpoint: "gke-0ff11e0000000000.europe-west1.gke.goog" };

function devspaceConfig(overrides: Record<string, unknown> = {}) {
    const { config, secrets } = readStackFile("devspace-demo");
    return devspaceStackConfig(parseStackConfig("devspace-demo", { ...config, ...overrides }, secrets));
}

describe("devspace: the devspace-demo plan", () => {
    let dev: Plan;
    let plan: Plan;
    before(async () => {
        dev = await planOf("dev");
        plan = await planOf("devspace-demo");
    });

    it("reads no state of the dev stack: no StackReference; its own kubeconfig execs gke-gcloud-auth-plugin against the DNS endpoint", () => {
        expect(plan.reads, "one read: its frame, in its own namespace").to.deep.equal([
            { type: "kubernetes:core/v1:ConfigMap", id: `${NS}/${DEVSPACE_FRAME_CONFIGMAP}` },
        ]);
        const provider = the(plan, "pulumi:providers:kubernetes");
        const kubeconfig = YAML.parse((provider.revealedInputs as { kubeconfig: string }).kubeconfig);
        expect(kubeconfig.clusters[0].cluster).to.deep.equal({ server: `https://${DEMO_CLUSTER.endpoint}` });
        // No token, no client certificate: the developer's own Google identity, through the plugin.
        expect(Object.keys(kubeconfig.users[0].user)).to.deep.equal(["exec"]);
        expect(kubeconfig.users[0].user.exec.command).to.equal("gke-gcloud-auth-plugin");
        expect(plan.outputs.clusterName).to.equal(dev.outputs.clusterName);
    });

    it("places its pods as the dev cluster's frame ConfigMap says: the dev stack's placement", () => {
        const values = helmValues(plan, "airflow-release") as {
            scheduler: { nodeSelector: unknown };
            workers: { tolerations: unknown };
        };
        const placement = dev.outputs.placement as {
            onDemand: { nodeSelector: unknown };
            workers: { tolerations: unknown };
        };
        expect(values.scheduler.nodeSelector).to.deep.equal(placement.onDemand.nodeSelector);
        expect(values.workers.tolerations, "task pods may use the spot pools and their fallback").to.deep.equal(
            placement.workers.tolerations,
        );
    });

    it("creates no Namespace, ResourceQuota, LimitRange, RBAC or NetworkPolicy: the dev stack's frame holds them", () => {
        for (const kind of ["Namespace", "ResourceQuota", "LimitRange", "Role", "RoleBinding", "NetworkPolicy"])
            expect(
                plan.resources.filter((r) => r.type.endsWith(`:${kind}`)).map((r) => r.name),
                kind,
            ).to.deep.equal([]);
        const frame = (dev.outputs.devspaces as DevspaceFrameOutput[]).find((f) => f.name === "demo")!;
        expect(frame.namespace).to.equal(NS);
        expect(plan.outputs).to.include({ namespace: NS, owner: frame.owner.gcp, expires: frame.expires });
    });

    it("runs a small Airflow there: the developer's branch, bundled Postgres, KubernetesExecutor tasks", () => {
        const release = the(plan, "kubernetes:helm.sh/v3:Release");
        expect(release.inputs.namespace).to.equal(NS);
        expect(release.inputs.createNamespace, "helm must not create namespaces").to.not.equal(true);
        const values = release.inputs.values as Record<string, Record<string, unknown>>;
        expect((values.dags.gitSync as { branch: string }).branch).to.equal("feature/demo");
        expect(values.executor).to.equal("KubernetesExecutor");
        expect(values.postgresql.enabled).to.equal(true);
        expect(values.pgbouncer.enabled).to.equal(false);
        expect(values.redis.enabled).to.equal(false);
    });

    it("has its metrics scraped by the shared Prometheus: a ServiceMonitor in its namespace the dev stack's Prometheus selects", () => {
        const monitor = the(plan, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs as {
            metadata: { namespace: string };
            spec: { namespaceSelector: { matchNames: string[] }; selector: { matchLabels: Record<string, string> } };
        };
        expect(monitor.metadata.namespace).to.equal(NS);
        expect(monitor.spec.namespaceSelector.matchNames).to.deep.equal([NS]);
        // The stack creates it (no Observability here: the dev stack's CRDs); its alias keeps its URN from under Airflow.
        const target = the(plan, "airflow-platform:observability:AirflowScrapeTarget", "airflow-scrape");
        expect(target.parent).to.equal(null);
        expect(target.aliases).to.include(
            "urn:pulumi:devspace-demo::airflow-platform::airflow-platform:airflow:Airflow$airflow-platform:observability:AirflowScrapeTarget::airflow-scrape",
        );
        expect(the(plan, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").dependencies).to.include(
            the(plan, "kubernetes:helm.sh/v3:Release", "airflow-release").urn,
        );
        const kps = ofType(dev, "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.chart === "kube-prometheus-stack",
        );
        expect(kps, "the dev stack installs kube-prometheus-stack").to.not.equal(undefined);
        const spec =
            (kps!.inputs.values as { prometheus?: { prometheusSpec?: Record<string, unknown> } }).prometheus
                ?.prometheusSpec ?? {};
        // Without these the operator only selects monitors labelled with the release, in its own namespace.
        expect(spec.serviceMonitorSelectorNilUsesHelmValues).to.equal(false);
        for (const selector of ["serviceMonitorSelector", "serviceMonitorNamespaceSelector"]) {
            const s = (spec[selector] ?? {}) as Record<string, unknown>;
            expect(
                Object.keys(s).filter((k) => Object.keys((s[k] as object) ?? {}).length > 0),
                `${selector} selects everything`,
            ).to.deep.equal([]);
        }
    });

    it("shows in the shared Grafana: every Airflow panel of the dev stack's dashboards filters by $namespace", () => {
        const dashboards = ofType(dev, "kubernetes:core/v1:ConfigMap")
            .filter(
                (r) =>
                    (r.inputs.metadata as { labels?: Record<string, string> }).labels?.grafana_dashboard !== undefined,
            )
            .flatMap((r) =>
                Object.values((r.inputs.data ?? {}) as Record<string, string>).map((text) => JSON.parse(text)),
            );
        expect(dashboards.length, "the dev stack provisions Airflow dashboards").to.be.greaterThan(0);
        for (const d of dashboards as {
            title: string;
            templating: { list: { name: string }[] };
            panels: { targets?: { expr?: string }[] }[];
        }[]) {
            expect(
                d.templating.list.map((v) => v.name),
                d.title,
            ).to.include("namespace");
            const exprs = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ""));
            // Airflow's own series (not the node-level recording rules) are per namespace, so a devspace can be picked.
            for (const e of exprs.filter((x) => /\bairflow_(?!platform:)/.test(x)))
                expect(e, d.title).to.contain("$namespace");
        }
    });

    it("creates or changes nothing cluster-wide: no cloud resource, no cluster-scoped object, everything in its namespace", () => {
        for (const r of plan.resources.filter((x) => x.custom)) {
            expect(r.type, r.name).to.match(
                /^(kubernetes:|pulumi:providers:kubernetes$|random:|pulumi:pulumi:StackReference$)/,
            );
            if (r.type.startsWith("kubernetes:")) {
                expect(CLUSTER_SCOPED_KINDS, `${r.type} ${r.name} is namespaced`).to.not.include(kindOf(r.type));
                const namespace =
                    (r.inputs.metadata as { namespace?: string } | undefined)?.namespace ?? r.inputs.namespace;
                expect(namespace, `${r.type} ${r.name} lives in the devspace`).to.equal(NS);
            }
        }
        // The chart's ClusterRoles only exist in multi-namespace mode.
        expect(helmValues(plan, "airflow-release").multiNamespaceMode).to.not.equal(true);
    });

    it("requests at most 2 CPU and 4Gi in all, job included, and the plan summary reports the figure", () => {
        const r = devspaceRequestsOf(
            [...plan.resources, ...frameObjects(NS, plan.outputs.quota as DevspaceFrameOutput["quota"])],
            NS,
        );
        expect(r.peak.cpuMillis).to.be.at.most(2000);
        expect(r.peak.memoryBytes).to.be.at.most(4 * GiB);
        expect(r.quota).to.deep.equal({ cpuMillis: 2000, memoryBytes: 4 * GiB });
        expect(r.taskPodsThatFit, "room for task pods beside the steady pods").to.be.greaterThan(0);
        expect(r.lines.map((l) => l.what)).to.include.members([
            "airflow-release: scheduler",
            "airflow-release: postgresql",
            "airflow-release: dagProcessor/git-sync",
        ]);
        expect(devspaceRequests(plan.resources, plan.outputs)).to.match(
            /^steady \d+m? CPU, [\d.]+(Mi|Gi); peak .*; quota 2 CPU, 4Gi; task pod /,
        );
    });
});

describe("devspace: pure parts", () => {
    it("a devspace stack's config is narrowed once: a platform stack's is a ConfigError naming devspace", () => {
        expect(devspaceConfig().devspace.developer).to.equal("demo");
        const { config, secrets } = readStackFile("dev");
        const issues = configError(() => devspaceStackConfig(parseStackConfig("dev", config, secrets))).issues;
        expect(issues.map((i) => i.key)).to.deep.equal(["airflow-platform:devspace"]);
        expect(issues[0].message).to.contain("this one has stackKind platform and no devspace section");
    });

    it("the developer's branch wins over airflow.dags.branch, in the devspace's namespace", () => {
        const config = devspaceConfig({
            devspace: {
                developer: "alice",
                owner: "alice@acme.example.com",
                baseStack: "organization/airflow-platform/dev",
                branch: "feature/alice",
                cluster: DEMO_CLUSTER,
            },
        });
        const airflow = devspaceAirflowSettings(config);
        expect(config.airflow.dags.branch).to.equal("feature/demo");
        expect(airflow.dags.branch).to.equal("feature/alice");
        expect(airflow.namespace).to.equal("devspace-alice");
    });

    it("refuses what a devspace cannot own, naming the key", () => {
        const devspace = {
            developer: "x",
            owner: "x@acme.example.com",
            baseStack: "organization/airflow-platform/dev",
            branch: "b",
            cluster: DEMO_CLUSTER,
        };
        const keys = configError(() =>
            devspaceConfig({
                devspace,
                exposure: { enabled: true, host: "x.example.com" },
                database: { mode: "managed" },
                devspaces: [{ name: "y", owner: { gcp: "y@acme.example.com" }, expires: "2030-01-01" }],
            }),
        ).issues.map((i) => i.key);
        expect(keys).to.include.members([
            "airflow-platform:exposure.enabled",
            "airflow-platform:database.mode",
            "airflow-platform:devspaces",
        ]);
        // A bucket backend refuses any other organization ("organization name must be 'organization'").
        const baseStack = configError(() => devspaceConfig({ devspace: { ...devspace, baseStack: "dev" } })).issues;
        expect(baseStack.map((i) => i.key)).to.deep.equal(["airflow-platform:devspace.baseStack"]);
        expect(() => devspaceConfig({ devspace })).to.not.throw();
    });

    it("may deploy only when the dev stack lists it, for this owner, and it has not expired", () => {
        const frames: DevspaceFrameOutput[] = [
            {
                name: "alice",
                namespace: "devspace-alice",
                owner: { gcp: "alice@acme.example.com" },
                expires: "2026-12-31",
                quota: { cpu: "2", memory: "4Gi", storage: "20Gi", ephemeralStorage: "10Gi" },
            },
        ];
        const alice = {
            developer: "alice",
            owner: "alice@acme.example.com",
            baseStack: "organization/airflow-platform/dev",
        };
        expect(devspaceAccessProblem(alice, frames, "2026-12-31")).to.equal(undefined);
        expect(devspaceAccessProblem({ ...alice, developer: "bob" }, frames, "2026-12-01")).to.deep.include({
            key: "devspace.developer",
        });
        expect(devspaceAccessProblem({ ...alice, developer: "bob" }, frames, "2026-12-01")!.message).to.match(
            /"bob" is not in the devspaces list of organization\/airflow-platform\/dev \(it lists alice\)/,
        );
        const stolen = devspaceAccessProblem({ ...alice, owner: "mallory@acme.example.com" }, frames, "2026-12-01")!;
        expect(stolen.key).to.equal("devspace.owner");
        expect(stolen.message).to.contain("belongs to alice@acme.example.com");
        expect(devspaceAccessProblem(alice, frames, "2027-01-01")!.message).to.contain("expired on 2026-12-31");
        expect(devspaceAccessProblem(alice, undefined, "2026-12-01")!.message).to.contain("it lists none");
    });

    it("refuses an airflow.namespace other than devspace-<developer>, naming the key, instead of overwriting it", () => {
        const airflow = readStackFile("devspace-demo").config.airflow as Record<string, unknown>;
        for (const namespace of ["airflow", "team-a"]) {
            const issues = configError(() => devspaceConfig({ airflow: { ...airflow, namespace } })).issues;
            expect(issues.map((i) => i.key)).to.deep.equal(["airflow-platform:airflow.namespace"]);
            expect(issues[0].message).to.contain("a devspace's namespace is devspace-<developer> (devspace-demo)");
        }
        expect(devspaceAirflowSettings(devspaceConfig({ airflow: { ...airflow, namespace: NS } })).namespace).to.equal(
            NS,
        );
        expect(devspaceAirflowSettings(devspaceConfig()).namespace).to.equal(NS);
    });

    it("counts the chart's pods: Celery adds workers and Redis; git-sync rides along where DAGs are read", () => {
        const req = { requests: { cpu: "100m", memory: "128Mi" } };
        const k8s = airflowChartPods({
            executor: "KubernetesExecutor",
            airflowVersion: "3.1.8",
            dags: { gitSync: { enabled: true } },
            workers: { resources: req },
        });
        expect(k8s.steady.map((p) => p.what)).to.deep.equal([
            "scheduler",
            "scheduler/log-groomer",
            "apiServer",
            "dagProcessor",
            "dagProcessor/log-groomer",
            "dagProcessor/git-sync",
            "triggerer",
            "triggerer/log-groomer",
            "triggerer/git-sync",
            "statsd",
            "postgresql",
        ]);
        expect(k8s.taskPod).to.deep.equal(req);
        const celery = airflowChartPods({
            executor: "CeleryExecutor",
            airflowVersion: "2.10.5",
            workers: { replicas: 2 },
            postgresql: { enabled: false },
        });
        const names = celery.steady.map((p) => p.what);
        expect(names).to.include.members(["webserver", "workers", "workers/log-groomer", "redis"]);
        expect(names).to.not.include("postgresql");
        expect(celery.steady.find((p) => p.what === "workers")!.replicas).to.equal(2);
        expect(celery.taskPod).to.equal(undefined);
    });

    it("fills containers without requests with the LimitRange default, and refuses when there is none", () => {
        const objects = [
            {
                type: "kubernetes:core/v1:LimitRange",
                name: "lr",
                inputs: {
                    metadata: { namespace: "ns" },
                    spec: limitRangeSpec({ cpu: "2", memory: "4Gi", storage: "20Gi", ephemeralStorage: "10Gi" }),
                },
            },
            {
                type: "kubernetes:apps/v1:Deployment",
                name: "tool",
                inputs: {
                    metadata: { namespace: "ns" },
                    spec: { replicas: 2, template: { spec: { containers: [{ name: "c", image: "x:1" }] } } },
                },
            },
        ];
        const r = devspaceRequestsOf(objects, "ns");
        expect(r.lines).to.deep.equal([
            {
                what: "Deployment tool/c",
                replicas: 2,
                request: { cpuMillis: 50, memoryBytes: 64 * MiB },
                defaulted: true,
            },
        ]);
        expect(r.steady).to.deep.equal({ cpuMillis: 100, memoryBytes: 128 * MiB });
        expect(() => devspaceRequestsOf(objects.slice(1), "ns")).to.throw(/no LimitRange default/);
    });
});

const devspaceOf = () => readStackFile("devspace-demo").config.devspace as Record<string, unknown>;

describe("devspace: refused by the real program before it deploys anything", () => {
    const refusal = async (devspace: Record<string, unknown>) => {
        const { config } = readStackFile("devspace-demo");
        try {
            await planOf("devspace-demo", { config: { devspace: { ...(config.devspace as object), ...devspace } } });
        } catch (err) {
            expect(err).to.be.instanceOf(ConfigError);
            return err as ConfigError;
        }
        throw new Error("expected the devspace to be refused");
    };

    it("a name the dev stack does not list: its frame ConfigMap does not exist", async () => {
        const err = await refusal({ developer: "ghost" });
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:devspace.developer"]);
        expect(err.message).to.contain("cannot read ConfigMap devspace-ghost/devspace-frame on cluster airflow-dev (");
        expect(err.message).to.contain("resource 'devspace-ghost/devspace-frame' does not exist");
        expect(err.message).to.contain('"ghost" is not in the devspaces list of organization/airflow-platform/dev');
    });

    it("a devspace.cluster that cannot reach the dev cluster's DNS endpoint, or misses what EKS needs, naming the key", () => {
        const ip = configError(() =>
            devspaceConfig({ devspace: { ...devspaceOf(), cluster: { ...DEMO_CLUSTER, endpoint: "203.0.113.10" } } }),
        );
        expect(ip.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:devspace.cluster.endpoint"]);
        const eks = configError(() =>
            devspaceConfig({
                devspace: {
                    ...devspaceOf(),
                    cluster: { kind: "eks", name: "x", endpoint: "https://X.gr7.eu-west-1.eks.amazonaws.com" },
                },
            }),
        );
        expect(eks.issues.map((i) => i.key).sort()).to.deep.equal([
            "airflow-platform:devspace.cluster.certificateAuthority",
            "airflow-platform:devspace.cluster.region",
        ]);
    });

    it("a listed name that belongs to someone else", async () => {
        const err = await refusal({ owner: "mallory@acme-data.example.com" });
        expect(err.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:devspace.owner"]);
        expect(err.message).to.contain("belongs to demo@acme-data.example.com");
    });
});
