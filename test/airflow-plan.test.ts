/**
 * The Airflow component in planned stacks: the real program under the offline runtime. What the chart gets, on which
 * nodes, which Secrets it reads, and that no credential shows in the plan.
 */
import Ajv from "ajv";
import { expect } from "chai";
import { OFFLINE_SECRET_PLACEHOLDERS, planStack, readStackFile } from "../tools/offline/runtime";
import {
    Plan,
    PlannedResource,
    SECRET,
    allStrings,
    chartValuesSchema,
    helmValues,
    kubeObjects,
    ofType,
    planOf,
    the,
} from "./harness";

type Obj = Record<string, any>;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const HTTPS_TOKEN = "plan-test-https-token-3f9c1e";
const HTTPS = {
    config: {
        airflow: {
            version: "3.1.8",
            dags: {
                repo: "https://github.com/acme-data/airflow-dags.git",
                branch: "main",
                subPath: "dags",
                credentials: "https",
                username: "ci-bot",
            },
        },
    },
    secrets: { dagsGitToken: HTTPS_TOKEN },
};

function secretNamed(plan: Plan, name: string): PlannedResource {
    const found = kubeObjects(plan, "Secret").filter((s) => (s.inputs.metadata as Obj)?.name === name);
    expect(found, `Secret ${name}`).to.have.length(1);
    return found[0];
}

/** The node pool's labels and taints as the cluster layer planned them (GKE node pool or EKS node group). */
function pool(plan: Plan, kind: "on-demand" | "spot"): { labels: Obj; taints: Obj[] } {
    // Spot comes as several pools (one per family or shape), `<cluster>-spot-<family>`: any of them.
    const r = plan.resources.find(
        (x) =>
            /nodePool:NodePool|nodeGroup:NodeGroup/.test(x.type) &&
            (x.name.endsWith(`-${kind}`) || x.name.includes(`-${kind}-`)),
    );
    expect(r, `${kind} pool`).to.exist;
    const src = (r!.inputs.nodeConfig as Obj | undefined) ?? r!.inputs;
    return { labels: src.labels as Obj, taints: (src.taints as Obj[]) ?? [] };
}

describe("airflow in the plan", () => {
    let dev: Plan;
    let prod: Plan;
    let https: Plan;
    before(async () => {
        dev = await planOf("dev");
        prod = await planOf("prod-eks");
        https = await planOf("dev", HTTPS);
    });

    it("installs chart 1.20.0 from the Apache repository as a real Helm release whose migration hook runs, after its namespace and Secrets", () => {
        const release = the(dev, RELEASE, "airflow-release");
        expect(release.inputs).to.include({
            chart: "airflow",
            version: "1.20.0",
            name: "airflow",
            namespace: "airflow",
            atomic: false,
        });
        // Hooks on (the migration and create-user Jobs are post-install/upgrade hooks), and no --wait, which would
        // wait for pods that themselves wait for the migration hook.
        expect(release.inputs.skipAwait).to.equal(true);
        expect(release.inputs).not.to.have.property("disableWebhooks");
        const jobs = helmValues(dev, "airflow-release") as Obj;
        expect(jobs.migrateDatabaseJob).not.to.have.property("useHelmHooks");
        expect(jobs.createUserJob).not.to.have.property("useHelmHooks");
        expect(release.inputs.repositoryOpts).to.deep.equal({ repo: "https://airflow.apache.org" });
        expect(release.inputs.timeout).to.be.at.least(600);
        const waitsFor = release.dependencies.map((urn) => urn.slice(urn.lastIndexOf("::") + 2));
        expect(waitsFor).to.include.members(["airflow-ns", "airflow-fernet-key", "airflow-metadata", "airflow-logs"]);
        expect(kubeObjects(dev, "Namespace").map((n) => (n.inputs.metadata as Obj).name)).to.include("airflow");
        // The values are plain (no secret inside), so the plan and `pulumi preview` show them.
        expect(release.inputs.values).to.be.an("object");
        expect(helmValues(dev, "airflow-release").executor).to.equal("CeleryExecutor,KubernetesExecutor");
    });

    it("tells Airflow its public URL (prod-eks exposes it with TLS) and routes the load balancer to the UI Service", () => {
        const values = helmValues(prod, "airflow-release") as Obj;
        expect(values.config.api.base_url).to.equal("https://airflow.acme-data.example.com");
        expect(helmValues(dev, "airflow-release") as Obj).not.to.have.nested.property("config.api");
        const backends = kubeObjects(prod, "Ingress").flatMap((i) =>
            ((i.inputs.spec as Obj)?.rules ?? []).flatMap((r: Obj) =>
                r.http.paths.map((p: Obj) => ({ path: p.path, ...p.backend.service })),
            ),
        );
        expect(backends).to.deep.include({ path: "/", name: "airflow-api-server", port: { number: 8080 } });
    });

    it("the planned values of every reference stack are valid for the pinned chart (vendored values.schema.json)", async () => {
        const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
        const validate = ajv.compile(chartValuesSchema());
        for (const stack of ["dev", "prod-gke", "prod-eks", "devspace-demo"]) {
            const values = helmValues(await planOf(stack), "airflow-release");
            expect(validate(values), `${stack}: ${JSON.stringify(validate.errors, null, 1)}`).to.equal(true);
        }
    });

    for (const [label, planOfStack] of [
        ["dev (GKE)", () => dev],
        ["prod-eks (EKS)", () => prod],
    ] as const) {
        it(`${label}: control plane on the on-demand pool; workers and the pod template tolerate the spot pool's taint`, () => {
            const plan = planOfStack();
            const values = helmValues(plan, "airflow-release") as Obj;
            const onDemand = pool(plan, "on-demand");
            const spot = pool(plan, "spot");
            expect(spot.taints).to.have.length.greaterThan(0);
            for (const component of [
                "scheduler",
                "apiServer",
                "dagProcessor",
                "triggerer",
                "redis",
                "pgbouncer",
                "statsd",
                "migrateDatabaseJob",
                "createUserJob",
            ]) {
                expect(values[component].nodeSelector, component).to.deep.equal(onDemand.labels);
                expect(values[component].tolerations, component).to.deep.equal([]);
            }
            // Workers select spot or the fallback (the cluster's worker placement, test/cluster-spot.test.ts).
            const workers = (plan.outputs.placement as Obj).workers;
            expect(values.workers.nodeSelector).to.include(workers.nodeSelector);
            expect(values.workers.affinity.nodeAffinity).to.deep.equal(workers.affinity.nodeAffinity);
            const tolerated = (values.workers.tolerations as Obj[]).map((t) => `${t.key}=${t.value}:${t.effect}`);
            for (const taint of spot.taints) {
                const effect = {
                    NO_SCHEDULE: "NoSchedule",
                    PREFER_NO_SCHEDULE: "PreferNoSchedule",
                    NO_EXECUTE: "NoExecute",
                }[taint.effect as string];
                expect(tolerated).to.include(`${taint.key}=${taint.value}:${effect}`);
            }
        });
    }

    it("ssh: the deploy key is a Kubernetes Secret the chart mounts; known_hosts is set", () => {
        const git = secretNamed(prod, "airflow-git-credentials");
        expect(git.inputs.stringData).to.equal(SECRET);
        expect((git.revealedInputs.stringData as Obj).gitSshKey).to.equal(OFFLINE_SECRET_PLACEHOLDERS.dagsGitSshKey);
        const gitSync = (helmValues(prod, "airflow-release") as Obj).dags.gitSync;
        expect(gitSync.sshKeySecret).to.equal("airflow-git-credentials");
        expect(gitSync.knownHosts).to.match(/^github\.com /);
        expect(gitSync.repo).to.equal("git@github.com:acme-data/airflow-dags.git");
    });

    it("https: username and token are a Kubernetes Secret in git-sync's own variable names", () => {
        const git = secretNamed(https, "airflow-git-credentials");
        expect(git.revealedInputs.stringData).to.deep.equal({
            GITSYNC_USERNAME: "ci-bot",
            GITSYNC_PASSWORD: HTTPS_TOKEN,
            GIT_SYNC_USERNAME: "ci-bot",
            GIT_SYNC_PASSWORD: HTTPS_TOKEN,
        });
        expect((helmValues(https, "airflow-release") as Obj).dags.gitSync.credentialsSecret).to.equal(
            "airflow-git-credentials",
        );
        expect(ofType(dev, "kubernetes:core/v1:Secret").map((s) => s.name)).not.to.include("airflow-git-credentials");
    });

    it("no credential appears in plain text in any planned resource's inputs", () => {
        const placeholders = [OFFLINE_SECRET_PLACEHOLDERS.dagsGitSshKey, "offlineplaceholderkey", HTTPS_TOKEN];
        for (const plan of [dev, prod, https]) {
            for (const resource of plan.resources) {
                for (const text of allStrings(resource.inputs))
                    for (const secret of placeholders)
                        expect(text.includes(secret), `${plan.stack} ${resource.type} ${resource.name}`).to.equal(
                            false,
                        );
            }
            // Every Airflow Secret holds its data as a Pulumi secret.
            for (const s of kubeObjects(plan, "Secret").filter((x) => x.parent === "airflow"))
                expect(s.inputs.stringData, s.name).to.equal(SECRET);
        }
    });

    it("the log PVC is ReadWriteMany on the cluster layer's shared storage class (Filestore on GKE, EFS on EKS)", () => {
        for (const plan of [dev, prod]) {
            const storageClass = the(plan, "kubernetes:storage.k8s.io/v1:StorageClass", "cluster-shared-rwx");
            const pvc = the(plan, "kubernetes:core/v1:PersistentVolumeClaim", "airflow-logs");
            const spec = pvc.inputs.spec as Obj;
            expect(spec.accessModes).to.deep.equal(["ReadWriteMany"]);
            expect(spec.storageClassName).to.equal((storageClass.inputs.metadata as Obj).name);
            expect(spec.resources.requests.storage).to.equal("50Gi");
            expect((helmValues(plan, "airflow-release") as Obj).logs.persistence).to.deep.equal({
                enabled: true,
                existingClaim: (pvc.inputs.metadata as Obj).name,
            });
        }
        expect(storageProvisioner(dev)).to.match(/filestore/);
        expect(storageProvisioner(prod)).to.match(/efs/);
        expect(the(prod, "kubernetes:core/v1:PersistentVolumeClaim", "airflow-logs").protect).to.equal(true);
    });

    it("remote logs: no PVC; each log-writing service account is bound to a bucket identity (Pod Identity, Workload Identity)", async () => {
        const withRemoteLogs = (stack: string, remoteBaseFolder: string) =>
            planOf(stack, {
                config: {
                    airflow: {
                        ...(readStackFile(stack).config.airflow as Obj),
                        logs: { mode: "remote", remoteBaseFolder },
                    },
                },
            });
        const eks = await withRemoteLogs("prod-eks", "s3://acme-airflow-logs/prod");
        const gke = await withRemoteLogs("dev", "gs://acme-airflow-logs/dev");
        const serviceAccounts = [
            "airflow-worker",
            "airflow-scheduler",
            "airflow-triggerer",
            "airflow-dag-processor",
            "airflow-api-server",
        ];
        for (const plan of [eks, gke])
            expect(
                ofType(plan, "kubernetes:core/v1:PersistentVolumeClaim").filter((r) => r.parent === "airflow"),
            ).to.have.length(0);

        // EKS Pod Identity: an association per service account, no annotation needed, so the values are known here.
        const associations = ofType(eks, "aws:eks/podIdentityAssociation:PodIdentityAssociation").filter(
            (a) => a.inputs.namespace === "airflow",
        );
        expect(associations.map((a) => a.inputs.serviceAccount)).to.have.members(serviceAccounts);
        const values = helmValues(eks, "airflow-release") as Obj;
        expect(values.logs.persistence.enabled).to.equal(false);
        expect(values.config.logging).to.deep.equal({
            remote_logging: "True",
            delete_local_logs: "True",
            remote_base_log_folder: "s3://acme-airflow-logs/prod",
            remote_log_conn_id: "aws_default",
        });

        // GKE Workload Identity: each service account may act as its GSA, which may write the bucket. The GSA's email
        // (the annotation) is known only once it exists, so these values are [computed] in a preview.
        const members = ofType(gke, "gcp:serviceaccount/iAMMember:IAMMember").map((m) => String(m.inputs.member));
        for (const sa of serviceAccounts)
            expect(members).to.include(`serviceAccount:acme-data-dev.svc.id.goog[airflow/${sa}]`);
        const buckets = ofType(gke, "gcp:storage/bucketIAMMember:BucketIAMMember").map((b) => b.inputs.bucket);
        expect(new Set(buckets)).to.deep.equal(new Set(["acme-airflow-logs"]));
    });

    it("generated keys are identical across two evaluations, never rotated by a keeper, and protected in prod", async () => {
        const again = await planStack("dev");
        const generated = (plan: Plan) =>
            plan.resources.filter(
                (r) =>
                    r.parent === "airflow" && (r.type.startsWith("random:") || r.type === "kubernetes:core/v1:Secret"),
            );
        const first = generated(dev);
        expect(first.map((r) => r.name)).to.include.members([
            "airflow-fernet-key",
            "airflow-jwt-secret",
            "airflow-api-secret-key",
        ]);
        for (const r of first) {
            const twin = generated(again).find((x) => x.type === r.type && x.name === r.name);
            expect(twin, r.name).to.exist;
            expect(twin!.inputs, `${r.type} ${r.name}`).to.deep.equal(r.inputs);
            expect(r.inputs, r.name).not.to.have.property("keepers");
        }
        expect(the(dev, "random:index/randomBytes:RandomBytes", "airflow-fernet-key").inputs).to.deep.equal({
            length: 32,
        });
        for (const name of ["airflow-fernet-key"]) {
            expect(the(prod, "random:index/randomBytes:RandomBytes", name).protect).to.equal(true);
            expect(secretNamed(prod, name).protect).to.equal(true);
        }
        expect(the(prod, "random:index/randomPassword:RandomPassword", "airflow-jwt-secret").protect).to.equal(true);
    });

    it("metadata database: bundled Postgres with a generated password in dev, PgBouncer in front of the managed one in prod", () => {
        const devValues = helmValues(dev, "airflow-release") as Obj;
        expect(devValues.postgresql.auth.existingSecret).to.equal("airflow-postgres-auth");
        secretNamed(dev, "airflow-postgres-auth");
        const prodValues = helmValues(prod, "airflow-release") as Obj;
        expect(prodValues.postgresql.enabled).to.equal(false);
        expect(prodValues.pgbouncer.configSecretName).to.equal("airflow-pgbouncer-config");
        // Its content depends on the database's generated password, which only the cloud knows at preview.
        secretNamed(prod, "airflow-pgbouncer-config");
        secretNamed(prod, "airflow-pgbouncer-stats");
        for (const plan of [dev, prod])
            expect((helmValues(plan, "airflow-release") as Obj).data.metadataSecretName).to.equal("airflow-metadata");
    });

    it("Prometheus scrapes the chart's statsd-exporter through a ServiceMonitor in the Airflow namespace", () => {
        const monitors = kubeObjects(dev, "ServiceMonitor").filter(
            (m) => (m.inputs.metadata as Obj).namespace === "airflow",
        );
        expect(monitors).to.have.length(1);
        expect((monitors[0].inputs.spec as Obj).selector.matchLabels).to.include({
            component: "statsd",
            release: "airflow",
        });
        // It waits for the chart (its Service) and for the CRD that defines its kind.
        const crds = ofType(dev, RELEASE).find((r) => String(r.inputs.chart).includes("crds"));
        expect(crds, "the prometheus-operator CRDs release").to.exist;
        expect(monitors[0].dependencies).to.include.members([the(dev, RELEASE, "airflow-release").urn, crds!.urn]);
    });
});

function storageProvisioner(plan: Plan): string {
    return String(the(plan, "kubernetes:storage.k8s.io/v1:StorageClass", "cluster-shared-rwx").inputs.provisioner);
}
