/**
 * KEDA in the plan: its own pinned release on the on-demand nodes before the Airflow release that creates the chart's
 * ScaledObject, in every stack that runs Celery workers; the query's database connection with PgBouncer on and off;
 * a devspace's workers inside its quota; and the checksum annotations that roll pods when a Secret changes.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CHART_UIDS, metadataConnections } from "../components/airflow/values";
import { DevspaceFrameOutput, devspaceRequestsOf, frameObjects } from "../components/devspace";
import { KEDA_VERSION, kedaValues } from "../components/keda";
import { checkResourceRequests } from "../policy/checks";
import { COMPUTED, Plan, helmValues, ofType, planOf, the } from "./harness";

type Obj = Record<string, any>;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CELERY_STACKS = ["dev", "prod-gke", "prod-eks"];

describe("KEDA: Celery workers that scale with the queue", () => {
    const plans: Record<string, Plan> = {};
    before(async () => {
        for (const stack of [...CELERY_STACKS, "devspace-demo"]) plans[stack] = await planOf(stack);
    });

    for (const stack of CELERY_STACKS) {
        it(`${stack}: a pinned KEDA release on on-demand nodes, installed before the Airflow release whose ScaledObject it serves`, () => {
            const plan = plans[stack];
            const keda = the(plan, RELEASE, "keda-release");
            expect(keda.inputs).to.include({ chart: "keda", version: KEDA_VERSION, name: "keda", namespace: "keda" });
            expect(keda.inputs.repositoryOpts).to.deep.equal({ repo: "https://kedacore.github.io/charts" });
            const values = keda.inputs.values as Obj;
            // The chart's CRDs are templates installed with the release (crds.install), not a `crds/` folder Helm skips on upgrade.
            expect(values.crds).to.deep.equal({ install: true });
            for (const image of ["keda", "metricsApiServer", "webhooks"])
                expect(values.image[image].tag, image).to.equal(KEDA_VERSION);
            const airflowValues = helmValues(plan, "airflow-release") as Obj;
            expect(values.nodeSelector).to.deep.equal(airflowValues.scheduler.nodeSelector);
            expect(values.tolerations).to.deep.equal(airflowValues.scheduler.tolerations);
            expect(JSON.stringify(values.tolerations)).not.to.match(/spot/);
            expect(checkResourceRequests(RELEASE, keda.inputs)).to.deep.equal([]);
            const airflow = the(plan, RELEASE, "airflow-release");
            expect(airflow.dependencies, "the ScaledObject's CRD exists first").to.include(keda.urn);
            expect(airflowValues.workers.keda.enabled).to.equal(true);
            expect(plan.outputs.kedaNamespace).to.equal("keda");
        });
    }

    it("the KEDA operator may scale Deployments and StatefulSets only; its API endpoints listen on 10250", () => {
        const values = kedaValues({ placement: { nodeSelector: { a: "b" }, tolerations: [] } }) as Obj;
        expect(values.rbac).to.deep.equal({ create: true, enabledCustomScaledRefKinds: false });
        // The API server calls the metrics server and the webhooks on a port a private GKE control plane may reach.
        expect(values.service).to.deep.equal({ portHttps: 443, portHttpsTarget: 10250 });
        expect(values.webhooks).to.deep.equal({ port: 10250 });
        for (const component of ["operator", "metricServer", "webhooks"])
            expect(values.resources[component].requests, component).to.deep.equal({ cpu: "100m", memory: "100Mi" });
    });

    it("the policy pack still finds a KEDA component without requests", () => {
        const values = kedaValues({ placement: { nodeSelector: {}, tolerations: [] } }) as Obj;
        values.resources.webhooks = { limits: { memory: "1Gi" } };
        expect(checkResourceRequests(RELEASE, { chart: "keda", values })).to.deep.equal([
            "values.resources.webhooks sets no requests (cpu and memory)",
        ]);
    });

    it("devspace-demo (KubernetesExecutor only) has no KEDA release and no ScaledObject", () => {
        expect(ofType(plans["devspace-demo"], RELEASE).map((r) => r.name)).to.deep.equal(["airflow-release"]);
        expect((helmValues(plans["devspace-demo"], "airflow-release") as Obj).workers.keda.enabled).to.equal(false);
    });

    it("the query's connection resolves from KEDA's namespace: bundled Postgres (dev) and PgBouncer (prod) by namespace-qualified name", () => {
        // worker-kedaautoscaler.yaml: `connectionFromEnv: AIRFLOW_CONN_AIRFLOW_DB` (the worker's env from the metadata
        // Secret's `connection`) unless PgBouncer is on and usePgbouncer is false. KEDA runs in namespace keda: a short name fails there.
        const common = {
            releaseName: "airflow",
            namespace: "airflow",
            user: "air flow",
            password: "p@ss/word",
            kedaDirect: false,
        };
        expect(metadataConnections(common)).to.deep.equal({
            connection:
                "postgresql://air%20flow:p%40ss%2Fword@airflow-postgresql.airflow:5432/postgres?sslmode=disable",
        });
        const managed = { host: "10.0.0.5", port: 5432, database: "airflow" };
        expect(metadataConnections({ ...common, managed })).to.deep.equal({
            connection:
                "postgresql://air%20flow:p%40ss%2Fword@airflow-pgbouncer.airflow:6543/airflow-metadata?sslmode=disable",
        });
    });

    it("connection=direct: the metadata Secret gains the `kedaConnection` key the chart's KEDA_DB_CONN reads, to the database itself", () => {
        const managed = { host: "10.0.0.5", port: 5432, database: "airflow" };
        const direct = metadataConnections({
            releaseName: "airflow",
            namespace: "airflow",
            user: "u",
            password: "p",
            managed,
            kedaDirect: true,
        });
        expect(direct.connection).to.match(/@airflow-pgbouncer\.airflow:6543\//);
        expect(direct.kedaConnection).to.equal("postgresql://u:p@10.0.0.5:5432/airflow?sslmode=require");
        // usePgbouncer false with PgBouncer on is the chart's branch that reads `kedaConnection` (airflow-values.test.ts
        // checks that connection=direct sets it).
    });

    it("a devspace with Celery workers uses the dev stack's KEDA, scales 0..1, and its quota holds the control plane and that worker", async () => {
        const plan = await planOf("devspace-demo", {
            config: { airflow: { ...readAirflow("devspace-demo"), executor: "celery-kubernetes" } },
        });
        expect(ofType(plan, RELEASE).map((r) => r.name)).to.deep.equal(["airflow-release"]);
        const values = helmValues(plan, "airflow-release") as Obj;
        expect(values.workers.keda).to.include({ enabled: true, minReplicaCount: 0, maxReplicaCount: 1 });
        const r = devspaceRequestsOf(
            [...plan.resources, ...frameObjects("devspace-demo", plan.outputs.quota as DevspaceFrameOutput["quota"])],
            "devspace-demo",
        );
        const workers = r.lines.find((l) => l.what === "airflow-release: workers");
        expect(workers?.replicas, "counted at maxReplicaCount").to.equal(1);
        expect(r.quota).to.exist;
        expect(r.steady.cpuMillis).to.be.at.most(r.quota!.cpuMillis);
        expect(r.steady.memoryBytes).to.be.at.most(r.quota!.memoryBytes);
    });

    for (const stack of CELERY_STACKS) {
        it(`${stack}: a checksum of the program's Secrets on every group of pods that reads them; the rest of the values stays known`, () => {
            const values = helmValues(plans[stack], "airflow-release") as Obj;
            const key = "checksum/airflow-platform-secrets";
            // Unknown until the generated secrets exist; known (and stable) on every later preview.
            expect(values.airflowPodAnnotations[key]).to.equal(COMPUTED);
            expect(values.redis.podAnnotations[key]).to.equal(COMPUTED);
            if (stack !== "dev") expect(values.pgbouncer.podAnnotations[key]).to.equal(COMPUTED);
            expect(values.config.core.hostname_callable).to.be.a("string");
            expect(values.workers.keda.minReplicaCount).to.be.a("number");
        });
    }
});

describe("the chart's own values.yaml (1.20.0-dev, vendored) agrees with what the values rely on", () => {
    const chart = parse(fs.readFileSync(path.join(__dirname, "fixtures/airflow-chart/values.yaml"), "utf8")) as Obj;

    it("the KEDA query divides by [celery] worker_concurrency and leaves out each hybrid's Kubernetes half", () => {
        const query = chart.workers.keda.query as string;
        expect(query).to.include("{{ .Values.config.celery.worker_concurrency }}");
        expect(query).to.match(
            /contains "CeleryKubernetesExecutor" \.Values\.executor[\s\S]*\.Values\.config\.celery_kubernetes_executor\.kubernetes_queue/,
        );
        expect(query).to.match(
            /contains "KubernetesExecutor" \.Values\.executor[\s\S]*executor IS DISTINCT FROM 'KubernetesExecutor'/,
        );
        expect(query).to.match(/state='running' OR state='queued'/);
        // The workers' queue the query counts: Airflow's own `[operators] default_queue` ("default"); the values keep it.
        expect(query).to.include('splitList "," .Values.workers.queue');
        expect(chart.workers.celery.queue).to.equal("default");
        expect(chart.workers.keda.usePgbouncer, "the chart's default, which connection=pgbouncer keeps").to.equal(true);
        // The chart's own concurrency, which one OOM would turn into 16 failed tasks.
        expect(chart.config.celery.worker_concurrency).to.equal(16);
        expect(chart.config.core).not.to.have.property("hostname_callable");
        expect(chart.config.core).not.to.have.property("default_task_retries");
    });

    it("databaseCleanup's command reads retentionDays and skipArchive; cleanup and databaseCleanup are off by default", () => {
        const args = (chart.databaseCleanup.args as string[]).join(" ");
        expect(args).to.include("{{ .Values.databaseCleanup.retentionDays }}");
        expect(args).to.include("{{- if .Values.databaseCleanup.skipArchive }} --skip-archive");
        expect(args).to.include("airflow db clean");
        expect(chart.cleanup.enabled).to.equal(false);
        expect(chart.databaseCleanup.enabled).to.equal(false);
    });

    it("the users the security contexts pin are the chart's image users (redis aside: the chart runs it as root)", () => {
        expect([chart.uid, chart.gid]).to.deep.equal([CHART_UIDS.airflow, CHART_UIDS.airflowGid]);
        expect(chart.statsd.uid).to.equal(CHART_UIDS.statsd);
        expect(chart.pgbouncer.uid).to.equal(CHART_UIDS.pgbouncer);
        expect(chart.dags.gitSync.uid).to.equal(CHART_UIDS.gitSync);
        expect(chart.redis.uid).to.equal(0);
        expect(chart.securityContexts).to.deep.equal({ pod: {}, containers: {} });
    });
});

function readAirflow(stack: string): Obj {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readStackFile } = require("../tools/offline/runtime");
    return readStackFile(stack).config.airflow as Obj;
}
