/**
 * ReadWriteOnce volumes end to end: the cluster layer's block StorageClass on each cloud (the EBS CSI add-on and a
 * default gp3 class on EKS, a pd-balanced class on GKE, a configured or default class on an existing cluster), and
 * every consumer that claims a block volume (Prometheus, Alertmanager, Grafana, Redis, the bundled Postgres) naming it.
 */
import Ajv from "ajv";
import { expect } from "chai";
import * as harness from "./harness";
import { Plan, chartValuesSchema, planOf } from "./harness";
import { IRSA_VARIANT } from "./cluster-variants";
import { withAirflowDefaults } from "../components/airflow/args";
import { airflowValues } from "../components/airflow/values";
import { ebsStorageClass, pdBalancedStorageClass } from "../components/cluster/storage";
import { airflowSettings } from "../stacks/args/airflow";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";

type Obj = Record<string, any>;
const { ofType, the } = harness.loose;
const values = (plan: Plan, release: string) => harness.helmValues(plan, release) as Obj;
const DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

function storageClasses(plan: Plan): Obj[] {
    return harness.kubeObjects(plan, "StorageClass").map((r) => r.inputs as Obj);
}

/** The storage class each block-volume consumer asks for, read from the planned Helm values. */
function claimedClasses(plan: Plan) {
    const kps = values(plan, "observability-kube-prometheus-stack");
    const airflow = values(plan, "airflow-release");
    return {
        prometheus: kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName,
        alertmanager: kps.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName,
        grafana: kps.grafana.persistence.enabled ? kps.grafana.persistence.storageClassName : "(no volume)",
        redis: airflow.redis.persistence.storageClassName,
        postgres: airflow.postgresql.enabled
            ? airflow.postgresql.primary.persistence?.storageClass
            : "(managed database)",
    };
}

const EXISTING = {
    context: "kind-airflow",
    sharedStorageClassName: "nfs-rwx",
    placement: { onDemand: { nodeSelector: { pool: "system" } }, spot: { nodeSelector: { pool: "batch" } } },
};

describe("block storage: EKS (prod-eks)", () => {
    let plan: Plan;
    let irsa: Plan;
    before(async () => {
        // The same IRSA variant as cluster-plan.test.ts, so the plan is shared.
        [plan, irsa] = await Promise.all([planOf("prod-eks"), planOf("prod-eks", IRSA_VARIANT)]);
    });

    it("installs the aws-ebs-csi-driver add-on with a Pod Identity role that carries AmazonEBSCSIDriverPolicy", () => {
        const addon = ofType(plan, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
        expect(addon, "the EBS CSI add-on").to.exist;
        const role = the(plan, "aws:iam/role:Role", "cluster-ebs-csi");
        expect(addon.inputs.podIdentityAssociations).to.deep.equal([
            { roleArn: "arn:aws:iam::123456789012:role/cluster-ebs-csi", serviceAccount: "ebs-csi-controller-sa" },
        ]);
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({
            Service: "pods.eks.amazonaws.com",
        });
        const attachment = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").find(
            (a) => a.inputs.role === "cluster-ebs-csi",
        )!;
        expect(attachment.inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
        // The add-on starts only once its role can be used and there are nodes for its controller.
        const agent = ofType(plan, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "eks-pod-identity-agent")!;
        const onDemand = ofType(plan, "aws:eks/nodeGroup:NodeGroup").find(
            (g) => g.inputs.capacityType === "ON_DEMAND",
        )!;
        expect(addon.dependencies).to.include.members([attachment.urn, agent.urn, onDemand.urn]);
    });

    it("with IRSA: the add-on gets the role ARN and the role trusts only kube-system:ebs-csi-controller-sa", () => {
        const addon = ofType(irsa, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
        expect(addon.inputs.serviceAccountRoleArn).to.equal("arn:aws:iam::123456789012:role/cluster-ebs-csi");
        expect(addon.inputs).not.to.have.property("podIdentityAssociations");
        const statement = JSON.parse(the(irsa, "aws:iam/role:Role", "cluster-ebs-csi").inputs.assumeRolePolicy)
            .Statement[0];
        expect(statement.Action).to.equal("sts:AssumeRoleWithWebIdentity");
        expect(Object.values(statement.Condition.StringLike)).to.deep.equal([
            "system:serviceaccount:kube-system:ebs-csi-controller-sa",
        ]);
    });

    it("creates gp3 as the only default StorageClass: encrypted, WaitForFirstConsumer, expandable, Retain in production", () => {
        const gp3 = storageClasses(plan).find((c) => c.metadata.name === "gp3")!;
        expect(gp3).to.include({
            provisioner: "ebs.csi.aws.com",
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        });
        expect(gp3.parameters).to.deep.equal({ type: "gp3", encrypted: "true" });
        const defaults = storageClasses(plan).filter((c) => c.metadata.annotations?.[DEFAULT_ANNOTATION] === "true");
        expect(defaults.map((c) => c.metadata.name)).to.deep.equal(["gp3"]);
        expect(plan.outputs.blockStorageClassName).to.equal("gp3");
    });

    it("the class waits for the add-on, and every Helm release waits for the class", () => {
        const addon = ofType(plan, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
        const gp3 = the(plan, "kubernetes:storage.k8s.io/v1:StorageClass", "cluster-gp3");
        expect(gp3.dependencies).to.include(addon.urn);
        for (const release of ["observability-kube-prometheus-stack", "airflow-release"])
            expect(the(plan, "kubernetes:helm.sh/v3:Release", release).dependencies, release).to.include(gp3.urn);
    });

    it("Prometheus, Alertmanager, Grafana and Redis claim gp3 (the metadata database is RDS)", () => {
        expect(claimedClasses(plan)).to.deep.equal({
            prometheus: "gp3",
            alertmanager: "gp3",
            grafana: "gp3",
            redis: "gp3",
            postgres: "(managed database)",
        });
    });
});

describe("block storage: GKE (dev, prod-gke)", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        [dev, prod] = await Promise.all([planOf("dev"), planOf("prod-gke")]);
    });

    it("enables the PD CSI driver and creates a pd-balanced class: Retain in prod, Delete in dev, not the default", () => {
        for (const [plan, reclaimPolicy] of [
            [prod, "Retain"],
            [dev, "Delete"],
        ] as const) {
            expect(
                the(plan, "gcp:container/cluster:Cluster").inputs.addonsConfig.gcePersistentDiskCsiDriverConfig,
            ).to.deep.equal({ enabled: true });
            const cls = storageClasses(plan).find((c) => c.metadata.name === "balanced-rwo")!;
            expect(cls, `${plan.stack}: balanced-rwo`).to.include({
                provisioner: "pd.csi.storage.gke.io",
                reclaimPolicy,
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            });
            expect(cls.parameters).to.deep.equal({ type: "pd-balanced" });
            // GKE's own standard-rwo stays the default for anything that names no class.
            expect(cls.metadata.annotations ?? {}).not.to.have.property(DEFAULT_ANNOTATION);
            expect(plan.outputs.blockStorageClassName).to.equal("balanced-rwo");
        }
    });

    it("dev: Prometheus, Alertmanager, Redis and the bundled Postgres claim balanced-rwo (Grafana keeps no volume)", () => {
        expect(claimedClasses(dev)).to.deep.equal({
            prometheus: "balanced-rwo",
            alertmanager: "balanced-rwo",
            grafana: "(no volume)",
            redis: "balanced-rwo",
            postgres: "balanced-rwo",
        });
    });

    it("prod: Prometheus, Alertmanager, Grafana and Redis claim balanced-rwo", () => {
        expect(claimedClasses(prod)).to.deep.equal({
            prometheus: "balanced-rwo",
            alertmanager: "balanced-rwo",
            grafana: "balanced-rwo",
            redis: "balanced-rwo",
            postgres: "(managed database)",
        });
    });
});

describe("block storage: an existing cluster and a devspace", () => {
    let unset: Plan;
    let named: Plan;
    let devspace: Plan;
    before(async () => {
        const existing = (extra: Obj) => ({
            config: {
                cloud: "existing",
                existing: { ...EXISTING, ...extra },
                monitoring: { grafana: { persistence: true } },
            },
            unset: ["gcp", "nodePools"],
        });
        [unset, named, devspace] = await Promise.all([
            planOf("dev", existing({})),
            planOf("dev", existing({ blockStorageClassName: "local-path" })),
            planOf("devspace-demo"),
        ]);
    });

    it("existing.blockStorageClassName is named by every block-volume consumer", () => {
        expect(storageClasses(named)).to.deep.equal([]);
        expect(named.outputs.blockStorageClassName).to.equal("local-path");
        expect(claimedClasses(named)).to.deep.equal({
            prometheus: "local-path",
            alertmanager: "local-path",
            grafana: "local-path",
            redis: "local-path",
            postgres: "local-path",
        });
    });

    it("without it, no consumer sets a class (an empty one would disable provisioning): the cluster's default applies", () => {
        expect(unset.outputs.blockStorageClassName).to.equal("");
        const kps = values(unset, "observability-kube-prometheus-stack");
        const airflow = values(unset, "airflow-release");
        expect(kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec).not.to.have.property(
            "storageClassName",
        );
        expect(kps.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec).not.to.have.property(
            "storageClassName",
        );
        expect(kps.grafana.persistence).to.include({ enabled: true }).and.not.to.have.property("storageClassName");
        expect(airflow.redis.persistence).to.deep.equal({ enabled: true });
        expect(airflow.postgresql.primary).not.to.have.property("persistence");
    });

    it("a devspace's Redis and Postgres claim the dev stack's block class, read through the stack reference", () => {
        const airflow = values(devspace, "airflow-release");
        expect(airflow.redis.persistence.storageClassName).to.equal("balanced-rwo");
        expect(airflow.postgresql.primary.persistence.storageClass).to.equal("balanced-rwo");
    });
});

describe("block storage: pure specs and chart values", () => {
    it("the EBS and PD classes delete with their claim in dev and retain in production", () => {
        expect([false, true].map((retain) => ebsStorageClass({ retain }).reclaimPolicy)).to.deep.equal([
            "Delete",
            "Retain",
        ]);
        expect([false, true].map((retain) => pdBalancedStorageClass({ retain }).reclaimPolicy)).to.deep.equal([
            "Delete",
            "Retain",
        ]);
    });

    it("Airflow values that name a block class stay valid for the chart, and only Redis and Postgres get block volumes", () => {
        const file = readStackFile("dev");
        const config = parseStackConfig("dev", file.config, file.secrets);
        const input = {
            airflow: withAirflowDefaults(airflowSettings(config)),
            releaseName: "airflow",
            placement: { onDemand: { nodeSelector: {}, tolerations: [] }, spot: { nodeSelector: {}, tolerations: [] } },
            databaseMode: "bundled" as const,
            secretNames: {
                fernetKey: "f",
                webserverSecretKey: "w",
                apiSecretKey: "a",
                jwtSecret: "j",
                metadata: "m",
                brokerUrl: "b",
                redisPassword: "r",
                adminPassword: "p",
                postgresAuth: "pg",
            },
            logs: { mode: "shared-volume" as const, claimName: "airflow-logs" },
            statsdMappings: [],
            statsdPrefix: "airflow",
            statsdExporterImageTag: "v0.28.0",
            production: false,
            blockStorageClassName: "gp3",
        };
        const v = airflowValues(input) as Obj;
        const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
        const validate = ajv.compile(chartValuesSchema());
        expect(validate(v), JSON.stringify(validate.errors)).to.equal(true);
        // Every `persistence` block that is on: the two block volumes, and the logs on the shared RWX claim.
        const enabled: string[] = [];
        const walk = (o: unknown, at: string) => {
            if (!o || typeof o !== "object") return;
            for (const [k, child] of Object.entries(o as Obj)) {
                if (k === "persistence" && (child as Obj).enabled) enabled.push(`${at}${k}`);
                walk(child, `${at}${k}.`);
            }
        };
        walk(v, "");
        expect(enabled.sort()).to.deep.equal([
            "logs.persistence",
            "postgresql.primary.persistence",
            "redis.persistence",
        ]);
        // Celery workers are a Deployment with no per-worker volume: their logs are on the shared claim. The chart's
        // new key is set too: its default (null) falls back to the deprecated one in 1.20, newer charts default it true.
        expect(v.workers.persistence).to.deep.equal({ enabled: false });
        expect(v.workers.celery.persistence).to.deep.equal({ enabled: false });
        expect(v.logs.persistence).to.deep.equal({ enabled: true, existingClaim: "airflow-logs" });
    });
});
