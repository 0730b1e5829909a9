import { expect } from "chai";
import * as YAML from "yaml";
import {
    autoscalerNodeTemplateTags,
    eksNodeGroupSpec,
    eksSpotGroupSpecs,
    irsaTrustPolicy,
} from "../components/cluster/eks/specs";
import {
    gcpAccountId,
    gkeNodePoolSpec,
    gkeSpotPoolSpecs,
    workloadIdentityMember,
} from "../components/cluster/gke/specs";
import { eksKubeconfig, gkeKubeconfig, serverOfKubeconfig } from "../components/cluster/kubeconfig";
import {
    CAPACITY_LABEL,
    COMPUTE_CLASS_TAINT,
    GKE_SPOT_TAINT,
    managedPlacements,
} from "../components/cluster/placement";
import { efsStorageClass, filestoreStorageClass } from "../components/cluster/storage";
import {
    controlPlaneIsOpen,
    gkeMasterAuthorizedNetworks,
    openControlPlaneWarning,
} from "../components/cluster/control-plane";
import { cloudSqlBackupConfiguration } from "../components/cluster/gke/database";

/** gcpAccountId("airflow-prod-gke", "airflow-logs-scheduler"), as deployed: see the stability test. */
const PINNED_ACCOUNT_ID = "airflow-prod-airflow-lo-8de2ed";

const pool = { machineTypes: ["m6i.xlarge", "m6a.xlarge"], minNodes: 0, maxNodes: 12, diskSizeGb: 80 };

describe("cluster layer: pure specs", () => {
    it("a workload with the spot placement tolerates exactly the taints of the spot pool, on both clouds", () => {
        const [gke] = gkeSpotPoolSpecs({ ...pool, machineTypes: ["n2-standard-8"] });
        const [eks] = eksSpotGroupSpecs(pool);
        for (const [cloud, spec] of [
            ["gke", gke],
            ["eks", eks],
        ] as const) {
            const placement = managedPlacements(cloud).spot;
            expect(placement.tolerations.map((t) => `${t.key}=${t.value}`)).to.deep.equal(
                spec.taints.map((t) => `${t.key}=${t.value}`),
            );
            expect(spec.taints.every((t) => t.effect === "NO_SCHEDULE")).to.equal(true);
            for (const [k, v] of Object.entries(placement.nodeSelector)) expect(spec.labels[k]).to.equal(v);
        }
        expect(gke.taints).to.deep.equal([
            { key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" },
            { key: "cloud.google.com/compute-class", value: "airflow-workers", effect: "NO_SCHEDULE" },
        ]);
        expect(managedPlacements("gke").spot.tolerations).to.deep.equal([GKE_SPOT_TAINT, COMPUTE_CLASS_TAINT]);
    });

    it("on-demand pools carry the capacity label and no taint; their placement has no toleration", () => {
        const gke = gkeNodePoolSpec("onDemand", { ...pool, machineTypes: ["e2-standard-4"], minNodes: 1 });
        const eks = eksNodeGroupSpec("onDemand", { ...pool, minNodes: 2 });
        expect(gke.taints).to.deep.equal([]);
        expect(eks.taints).to.deep.equal([]);
        expect(gke.labels[CAPACITY_LABEL]).to.equal("on-demand");
        expect(eks.capacityType).to.equal("ON_DEMAND");
        expect(managedPlacements("eks").onDemand).to.deep.equal({
            nodeSelector: { [CAPACITY_LABEL]: "on-demand" },
            tolerations: [],
        });
    });

    it("EKS spot groups keep every instance type, scale from 0 and start at their minimum", () => {
        const [spec] = eksSpotGroupSpecs(pool);
        expect(spec.capacityType).to.equal("SPOT");
        expect(spec.instanceTypes).to.deep.equal(["m6i.xlarge", "m6a.xlarge"]);
        expect(spec.scalingConfig).to.deep.equal({ minSize: 0, maxSize: 12, desiredSize: 0 });
        expect(spec.diskSize).to.equal(80);
    });

    it("GKE pools scale by region-wide totals; spot may take capacity from any zone", () => {
        const [spec] = gkeSpotPoolSpecs({ ...pool, machineTypes: ["n2-standard-8"] });
        expect(spec).to.include({
            spot: true,
            machineType: "n2-standard-8",
            totalMinNodeCount: 0,
            totalMaxNodeCount: 12,
            locationPolicy: "ANY",
        });
    });

    it("tags a scale-from-zero Auto Scaling group with the group's labels and taints in the autoscaler's format", () => {
        const tags = autoscalerNodeTemplateTags("spot");
        expect(tags).to.deep.equal({
            "k8s.io/cluster-autoscaler/node-template/label/airflow-platform/capacity": "spot",
            "k8s.io/cluster-autoscaler/node-template/taint/airflow-platform/capacity": "spot:NoSchedule",
        });
    });

    it("EFS StorageClass: access points owned by Airflow's 50000:0 in the given file system", () => {
        const sc = efsStorageClass({ fileSystemId: "fs-123", retain: false });
        expect(sc.provisioner).to.equal("efs.csi.aws.com");
        expect(sc.parameters).to.include({
            provisioningMode: "efs-ap",
            fileSystemId: "fs-123",
            uid: "50000",
            gid: "0",
        });
        expect(sc.parameters.directoryPerms).to.match(/^[0-7]{3}$/);
        expect(sc.mountOptions).to.equal(undefined);
        expect(sc.reclaimPolicy).to.equal("Delete");
        expect(efsStorageClass({ fileSystemId: "fs-123", retain: true }).reclaimPolicy).to.equal("Retain");
    });

    it("Filestore StorageClass: the cluster's own network (the driver assumes `default`) and the BASIC_HDD tier", () => {
        const sc = filestoreStorageClass({ network: "airflow-prod", retain: true });
        expect(filestoreStorageClass({ network: "airflow-prod", mode: "basic-hdd", retain: true })).to.deep.equal(sc);
        expect(sc.provisioner).to.equal("filestore.csi.storage.gke.io");
        expect(sc.parameters).to.deep.equal({ tier: "standard", network: "airflow-prod" });
        expect(sc.volumeBindingMode).to.equal("WaitForFirstConsumer");
        expect(sc.reclaimPolicy).to.equal("Retain");
    });

    it("Filestore multishare StorageClass: Enterprise tier, shares of at most 128Gi (80 per instance), grouped by the class label", () => {
        const sc = filestoreStorageClass({
            network: "airflow-dev",
            mode: "enterprise-multishare",
            retain: false,
            className: "shared-rwx",
        });
        expect(sc.provisioner).to.equal("filestore.csi.storage.gke.io");
        expect(sc.parameters).to.deep.equal({
            tier: "enterprise",
            multishare: "true",
            "max-volume-size": "128Gi",
            "instance-storageclass-label": "shared-rwx",
            network: "airflow-dev",
        });
        expect(sc.volumeBindingMode).to.equal("WaitForFirstConsumer");
        expect(sc.allowVolumeExpansion).to.equal(true);
        expect(sc.reclaimPolicy).to.equal("Delete");
        expect(
            filestoreStorageClass({ network: "n", mode: "enterprise-multishare", retain: true }).reclaimPolicy,
        ).to.equal("Retain");
    });

    it("kubeconfigs carry no credential: GKE runs gke-gcloud-auth-plugin, EKS `aws eks get-token` in its region", () => {
        const gke = YAML.parse(gkeKubeconfig({ name: "c", endpoint: "203.0.113.10", caData: "Q0E=" }));
        expect(gke.clusters[0].cluster).to.deep.equal({
            server: "https://203.0.113.10",
            "certificate-authority-data": "Q0E=",
        });
        expect(gke.users[0].user.exec.command).to.equal("gke-gcloud-auth-plugin");
        expect(gke.users[0].user).to.not.have.property("token");
        const eks = YAML.parse(
            eksKubeconfig({
                name: "c",
                endpoint: "https://ABC.eks.amazonaws.com",
                caData: "Q0E=",
                region: "eu-west-1",
            }),
        );
        expect(eks.clusters[0].cluster.server).to.equal("https://ABC.eks.amazonaws.com");
        expect(eks.users[0].user.exec.command).to.equal("aws");
        expect(eks.users[0].user.exec.args).to.deep.equal([
            "eks",
            "get-token",
            "--cluster-name",
            "c",
            "--region",
            "eu-west-1",
            "--output",
            "json",
        ]);
        expect(eks["current-context"]).to.equal("c");
    });

    it("reads the API server of a kubeconfig's context (the current one by default)", () => {
        const text = YAML.stringify({
            "current-context": "a",
            contexts: [
                { name: "a", context: { cluster: "ca" } },
                { name: "b", context: { cluster: "cb" } },
            ],
            clusters: [
                { name: "ca", cluster: { server: "https://a:6443" } },
                { name: "cb", cluster: { server: "https://b:6443" } },
            ],
        });
        expect(serverOfKubeconfig(text)).to.equal("https://a:6443");
        expect(serverOfKubeconfig(text, "b")).to.equal("https://b:6443");
        expect(serverOfKubeconfig(text, "missing")).to.equal(undefined);
    });

    it("GCP service account IDs are valid for IAM (6–30 characters, [a-z][a-z0-9-]*[a-z0-9]) whatever the names", () => {
        for (const [cluster, purpose] of [
            ["airflow-a-very-long-production-cluster-name", "nodes"],
            ["x", "airflow-logs"],
            ["9lives", "remote-logging-writer"],
            ["", ""],
            ["a", "b"],
            ["airflow-prod-gke", "airflow-logs-dag-processor-with-a-long-name"],
        ]) {
            const id = gcpAccountId(cluster, purpose);
            expect(id).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, id);
            expect(id).to.not.match(/--/, id);
        }
        expect(workloadIdentityMember("p", "airflow", "airflow-worker")).to.equal(
            "serviceAccount:p.svc.id.goog[airflow/airflow-worker]",
        );
    });

    it("GCP service account IDs differ between clusters sharing a project, and are stable", () => {
        const clusters = ["airflow-prod-gke", "airflow-staging", "airflow-dev"];
        for (const purpose of ["airflow-logs-scheduler", "airflow-logs-dag-processor", "nodes"]) {
            const ids = clusters.map((c) => gcpAccountId(c, purpose));
            expect(new Set(ids).size, ids.join(", ")).to.equal(3);
            expect(
                clusters.map((c) => gcpAccountId(c, purpose)),
                "same input, same ID",
            ).to.deep.equal(ids);
        }
        // Two purposes that share their first 12 characters still differ, by the hash.
        expect(gcpAccountId("airflow-dev", "airflow-logs-scheduler")).to.not.equal(
            gcpAccountId("airflow-dev", "airflow-logs-triggerer"),
        );
        // Pinned: a changed ID replaces every Google service account (and breaks its bindings) on the next `pulumi up`.
        expect(gcpAccountId("airflow-prod-gke", "airflow-logs-scheduler")).to.equal(PINNED_ACCOUNT_ID);
    });

    it("Cloud SQL keeps fewer days of PITR logs than backups, at most 7 (ENTERPRISE), and none without backups", () => {
        expect(cloudSqlBackupConfiguration(0)).to.deep.equal({ enabled: false });
        expect(cloudSqlBackupConfiguration(7)).to.include({
            pointInTimeRecoveryEnabled: true,
            transactionLogRetentionDays: 6,
        });
        expect(cloudSqlBackupConfiguration(2).transactionLogRetentionDays).to.equal(1);
        expect(cloudSqlBackupConfiguration(35).transactionLogRetentionDays).to.equal(7);
        for (let days = 2; days <= 35; days++) {
            const c = cloudSqlBackupConfiguration(days);
            const retained = (c.backupRetentionSettings as { retainedBackups: number }).retainedBackups;
            const logs = c.transactionLogRetentionDays as number;
            expect(retained, `${days}`).to.equal(days);
            expect(logs, `${days}`).to.be.within(1, 7);
            expect(retained, `${days}: backup retention should be > transaction log retention`).to.be.greaterThan(logs);
        }
    });

    it("control plane: open when unset or 0.0.0.0/0; only a prod stack warns; GKE gets exactly the blocks", () => {
        expect(controlPlaneIsOpen(undefined)).to.equal(true);
        expect(controlPlaneIsOpen(["10.0.0.0/8", "0.0.0.0/0"])).to.equal(true);
        expect(controlPlaneIsOpen(["203.0.113.0/24"])).to.equal(false);
        const prod = { production: true, clusterName: "airflow-prod", controlPlane: {} };
        expect(openControlPlaneWarning(prod)).to.match(/^airflow-prod: .*controlPlane\.authorizedNetworks/);
        expect(openControlPlaneWarning({ ...prod, controlPlane: { authorizedNetworks: ["0.0.0.0/0"] } })).to.be.a(
            "string",
        );
        expect(openControlPlaneWarning({ ...prod, controlPlane: { authorizedNetworks: ["203.0.113.0/24"] } })).to.equal(
            undefined,
        );
        expect(openControlPlaneWarning({ ...prod, production: false })).to.equal(undefined);
        expect(gkeMasterAuthorizedNetworks(undefined)).to.equal(undefined);
        expect(
            gkeMasterAuthorizedNetworks(["203.0.113.0/24", "198.51.100.7/32"])!.cidrBlocks.map((b) => b.cidrBlock),
        ).to.deep.equal(["203.0.113.0/24", "198.51.100.7/32"]);
    });

    it("IRSA trust is scoped to the service account and the STS audience of the cluster's issuer", () => {
        const doc = irsaTrustPolicy({
            oidcProviderArn: "arn:oidc",
            issuer: "oidc.eks/id/X",
            namespace: "kube-system",
            serviceAccount: "efs-csi-*",
        });
        const statement = doc.Statement[0] as { Action: string; Condition: Record<string, Record<string, string>> };
        expect(statement.Action).to.equal("sts:AssumeRoleWithWebIdentity");
        expect(statement.Condition.StringLike["oidc.eks/id/X:sub"]).to.equal(
            "system:serviceaccount:kube-system:efs-csi-*",
        );
        expect(statement.Condition.StringEquals["oidc.eks/id/X:aud"]).to.equal("sts.amazonaws.com");
    });
});
