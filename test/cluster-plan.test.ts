import { expect } from "chai";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as YAML from "yaml";
import { OFFLINE_NODE_SECURITY_GROUP } from "../tools/offline/cloud-mocks";
import { readStackFile } from "../tools/offline/runtime";
import * as harness from "./harness";
import { Plan, PlannedResource, SECRET, planOf } from "./harness";
import { IRSA_VARIANT, warnings } from "./cluster-variants";

type Obj = Record<string, any>;
const { ofType, the } = harness.loose;
/** A planned resource whose inputs the assertions can walk into. */
type Planned = Omit<PlannedResource, "inputs" | "revealedInputs"> & { inputs: Obj; revealedInputs: Obj };
const kubeObjects = (plan: Plan, kind: string) => harness.kubeObjects(plan, kind) as Planned[];

function reveal(value: unknown): unknown {
    if (rpc.isRpcSecret(value)) return reveal(rpc.unwrapRpcSecret(value));
    if (Array.isArray(value)) return value.map(reveal);
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    return value;
}

/** Stack outputs with secrets revealed (the offline runtime may mark the whole map secret). */
function revealedOutputs(plan: Plan): Obj {
    return reveal(plan.rawOutputs) as Obj;
}

function k8sProvider(plan: Plan): Planned {
    return the(plan, "pulumi:providers:kubernetes");
}

/** The ReadWriteMany class for task logs (the block class is tested in cluster-block-storage.test.ts). */
function storageClass(plan: Plan): Obj {
    const classes = kubeObjects(plan, "StorageClass").filter((c) => c.inputs.metadata.name === "shared-rwx");
    expect(classes, "one shared-rwx StorageClass").to.have.length(1);
    return classes[0].inputs;
}

const EXISTING_KUBECONFIG = YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "kind-airflow",
    contexts: [{ name: "kind-airflow", context: { cluster: "kind-airflow", user: "kind-airflow" } }],
    clusters: [{ name: "kind-airflow", cluster: { server: "https://127.0.0.1:6443" } }],
    users: [{ name: "kind-airflow", user: { token: "offline" } }],
});

describe("cluster layer: planned GKE stacks (dev, prod-gke)", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        [dev, prod] = await Promise.all([planOf("dev"), planOf("prod-gke")]);
    });

    it("builds a VPC-native private cluster in its own VPC, with secondary ranges, Cloud NAT and Workload Identity", () => {
        const cluster = the(prod, "gcp:container/cluster:Cluster").inputs;
        expect(cluster).to.include({
            name: "airflow-prod-gke",
            location: "europe-west1",
            networkingMode: "VPC_NATIVE",
            removeDefaultNodePool: true,
        });
        expect(cluster.releaseChannel).to.deep.equal({ channel: "STABLE" });
        expect(cluster.workloadIdentityConfig).to.deep.equal({ workloadPool: "acme-data-prod.svc.id.goog" });
        expect(cluster.privateClusterConfig).to.include({ enablePrivateNodes: true });
        expect(cluster.addonsConfig).to.deep.equal({
            gcpFilestoreCsiDriverConfig: { enabled: true },
            gcePersistentDiskCsiDriverConfig: { enabled: true },
        });
        const subnet = the(prod, "gcp:compute/subnetwork:Subnetwork", "cluster-subnet").inputs;
        expect(cluster.ipAllocationPolicy).to.deep.equal({
            clusterSecondaryRangeName: "pods",
            servicesSecondaryRangeName: "services",
        });
        expect((subnet.secondaryIpRanges as Obj[]).map((r) => r.rangeName)).to.deep.equal(["pods", "services"]);
        expect(the(prod, "gcp:compute/network:Network").inputs).to.include({
            name: "airflow-prod-gke",
            autoCreateSubnetworks: false,
        });
        expect(cluster.network).to.equal("cluster-network-id");
        expect(cluster.subnetwork).to.equal("cluster-subnet-id");
        expect(the(prod, "gcp:compute/routerNat:RouterNat").inputs.sourceSubnetworkIpRangesToNat).to.equal(
            "ALL_SUBNETWORKS_ALL_IP_RANGES",
        );
    });

    it("uses an explicit GCP provider with the project and region of the stack config", () => {
        const provider = the(prod, "pulumi:providers:gcp").inputs;
        expect(provider).to.include({ project: "acme-data-prod", region: "europe-west1" });
    });

    it("has an on-demand pool without taints and spot pools with the explicit gke-spot taint that can scale to 0", () => {
        for (const plan of [dev, prod]) {
            const pools = ofType(plan, "gcp:container/nodePool:NodePool");
            expect(pools.map((p) => p.inputs.namePrefix).sort()).to.deep.equal([
                "fallback-",
                "on-demand-",
                "spot-e2-",
                "spot-n2-",
                "spot-n2d-",
            ]);
            const onDemand = pools.find((p) => p.inputs.namePrefix === "on-demand-")!.inputs;
            const spot = pools.find((p) => p.inputs.namePrefix === "spot-n2-")!.inputs;
            expect(onDemand.nodeConfig.spot).to.equal(false);
            expect(onDemand.nodeConfig.taints).to.deep.equal([]);
            expect(onDemand.nodeConfig.labels).to.deep.equal({ "airflow-platform/capacity": "on-demand" });
            expect(spot.nodeConfig.spot).to.equal(true);
            expect(spot.nodeConfig.taints).to.deep.include({
                key: "cloud.google.com/gke-spot",
                value: "true",
                effect: "NO_SCHEDULE",
            });
            expect(spot.nodeConfig.labels).to.include({ "airflow-platform/capacity": "spot" });
            expect(spot.autoscaling.totalMinNodeCount).to.equal(0);
            expect(onDemand.nodeConfig.workloadMetadataConfig).to.deep.equal({ mode: "GKE_METADATA" });
        }
        const prodPools = ofType(prod, "gcp:container/nodePool:NodePool");
        const prodSpot = prodPools.find((p) => p.inputs.namePrefix === "spot-n2-")!.inputs;
        expect(prodSpot.nodeConfig.machineType).to.equal("n2-standard-8");
        expect(prodSpot.autoscaling.totalMaxNodeCount).to.equal(30);
    });

    it("names pools by prefix only, so a pool that must be replaced can be created next to the old one", () => {
        for (const pool of [
            ...ofType(dev, "gcp:container/nodePool:NodePool"),
            ...ofType(prod, "gcp:container/nodePool:NodePool"),
        ]) {
            expect(pool.inputs, pool.name).to.not.have.property("name");
            expect(pool.inputs.namePrefix, pool.name).to.match(/^[a-z][a-z0-9-]*-$/);
            // GKE node pool names are at most 40 characters; the provider appends a 26-character unique suffix.
            expect(pool.inputs.namePrefix.length + 26, pool.name).to.be.at.most(40);
        }
    });

    it("admits only controlPlane.authorizedNetworks to the prod API endpoint; dev stays open and quiet", () => {
        const prodCluster = the(prod, "gcp:container/cluster:Cluster").inputs;
        expect(prodCluster.masterAuthorizedNetworksConfig).to.deep.equal({
            cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "authorized-0" }],
            gcpPublicCidrsAccessEnabled: false,
        });
        expect(prodCluster.privateClusterConfig).to.include({ enablePrivateNodes: true, enablePrivateEndpoint: false });
        expect(the(dev, "gcp:container/cluster:Cluster").inputs).to.not.have.property("masterAuthorizedNetworksConfig");
        expect(
            warnings.filter((w) => /airflow-(prod-gke|dev):.*API endpoint/.test(w)),
            "no warning for prod-gke or dev",
        ).to.deep.equal([]);
    });

    it("puts the dev cluster's log volumes on one Filestore Enterprise multishare instance (gcp.sharedStorage)", () => {
        const sc = storageClass(dev);
        expect(sc.provisioner).to.equal("filestore.csi.storage.gke.io");
        expect(sc.parameters).to.deep.equal({
            tier: "enterprise",
            multishare: "true",
            "max-volume-size": "128Gi",
            "instance-storageclass-label": "shared-rwx",
            network: "airflow-dev",
        });
        expect(sc.volumeBindingMode, "as GKE's own enterprise-multishare-rwx class").to.equal("WaitForFirstConsumer");
        expect(sc.reclaimPolicy).to.equal("Delete");
    });

    it("keeps one day less of PITR logs than backups in Cloud SQL (7 backups, 6 days of logs)", () => {
        const backup = the(prod, "gcp:sql/databaseInstance:DatabaseInstance").inputs.settings.backupConfiguration;
        expect(backup).to.deep.equal({
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            transactionLogRetentionDays: 6,
            backupRetentionSettings: { retainedBackups: 7, retentionUnit: "COUNT" },
        });
    });

    it("publishes placements that match what the pools are labelled and tainted with", () => {
        const placement = revealedOutputs(prod).placement;
        for (const spot of ofType(prod, "gcp:container/nodePool:NodePool").filter((p) => p.inputs.nodeConfig.spot)) {
            expect(spot.inputs.nodeConfig.labels).to.include(placement.spot.nodeSelector);
            expect(placement.spot.tolerations.map((t: Obj) => `${t.key}=${t.value}`)).to.deep.equal(
                spot.inputs.nodeConfig.taints.map((t: Obj) => `${t.key}=${t.value}`),
            );
        }
        expect(placement.spot.tolerations).to.deep.include({
            key: "cloud.google.com/gke-spot",
            operator: "Equal",
            value: "true",
            effect: "NoSchedule",
        });
        expect(placement.onDemand.tolerations).to.deep.equal([]);
    });

    it("creates a ReadWriteMany Filestore StorageClass on the cluster's VPC", () => {
        const sc = storageClass(prod);
        expect(sc.provisioner).to.equal("filestore.csi.storage.gke.io");
        expect(sc.parameters).to.deep.equal({ tier: "standard", network: "airflow-prod-gke" });
        expect(revealedOutputs(prod).sharedStorageClassName).to.equal(sc.metadata.name);
    });

    it("turns deletion protection on for prod (cluster, Cloud SQL, Pulumi protect) and off for dev", () => {
        const prodCluster = the(prod, "gcp:container/cluster:Cluster");
        const devCluster = the(dev, "gcp:container/cluster:Cluster");
        expect(prodCluster.inputs.deletionProtection).to.equal(true);
        expect(prodCluster.protect).to.equal(true);
        expect(devCluster.inputs.deletionProtection).to.equal(false);
        expect(devCluster.protect).to.equal(false);
        const sql = the(prod, "gcp:sql/databaseInstance:DatabaseInstance");
        expect(sql.protect).to.equal(true);
        expect(sql.inputs.deletionProtection).to.equal(true);
        expect(sql.inputs.settings.deletionProtectionEnabled).to.equal(true);
        expect(
            ofType(dev, "gcp:sql/databaseInstance:DatabaseInstance"),
            "dev uses the bundled Postgres",
        ).to.have.length(0);
    });

    it("puts Cloud SQL on a private IP in the cluster's VPC, with a generated password that stays secret", () => {
        const sql = the(prod, "gcp:sql/databaseInstance:DatabaseInstance").inputs;
        expect(sql.databaseVersion).to.equal("POSTGRES_16");
        expect(sql.settings.ipConfiguration).to.include({ ipv4Enabled: false, privateNetwork: "cluster-network-id" });
        expect(sql.settings.availabilityType).to.equal("REGIONAL");
        expect(sql.settings.tier).to.equal("db-custom-2-7680");
        const user = the(prod, "gcp:sql/user:User");
        expect(user.inputs.password).to.equal(SECRET);
        expect(the(prod, "gcp:servicenetworking/connection:Connection").inputs.service).to.equal(
            "servicenetworking.googleapis.com",
        );
    });

    it("hands the kubeconfig (gke-gcloud-auth-plugin) to the Kubernetes provider as a secret, and outputs it", () => {
        const provider = k8sProvider(prod);
        expect(provider.inputs.kubeconfig).to.equal(SECRET);
        const kubeconfig = YAML.parse(provider.revealedInputs.kubeconfig as string);
        expect(kubeconfig.users[0].user.exec.command).to.equal("gke-gcloud-auth-plugin");
        // CI and developers go through the DNS-based endpoint (IAM, no IP allowlist), whose certificate is publicly trusted.
        expect(kubeconfig.clusters[0].cluster).to.deep.equal({
            server: "https://gke-0ff11e0000000000.europe-west1.gke.goog",
        });
        expect(the(prod, "gcp:container/cluster:Cluster").inputs.controlPlaneEndpointsConfig).to.deep.equal({
            dnsEndpointConfig: { allowExternalTraffic: true },
            ipEndpointsConfig: { enabled: true },
        });
        expect(revealedOutputs(prod).endpoint, "the endpoint output is the API server URL").to.equal(
            "https://203.0.113.10",
        );
        expect(revealedOutputs(prod).kubeconfig).to.equal(provider.revealedInputs.kubeconfig);
        expect((prod.outputs as Obj).kubeconfig, "the stack output is secret").to.equal(SECRET);
        expect((prod.outputs as Obj).clusterName, "other outputs stay readable").to.equal("airflow-prod-gke");
    });
});

describe("cluster layer: Pulumi protect follows deletionProtection, not the environment", () => {
    let protectedDev: Plan;
    let unprotectedProd: Plan;
    before(async () => {
        [protectedDev, unprotectedProd] = await Promise.all([
            planOf("dev", { config: { deletionProtection: true, database: { mode: "managed" } } }),
            planOf("prod-eks", { config: { deletionProtection: false } }),
        ]);
    });

    it("protects a dev stack's GKE cluster and Cloud SQL instance when deletionProtection is true", () => {
        for (const type of ["gcp:container/cluster:Cluster", "gcp:sql/databaseInstance:DatabaseInstance"]) {
            const resource = the(protectedDev, type);
            expect(resource.protect, type).to.equal(true);
            expect(resource.inputs.deletionProtection, type).to.equal(true);
        }
    });

    it("leaves a prod stack's EKS cluster, EFS and RDS unprotected when deletionProtection is false", () => {
        for (const type of ["aws:eks/cluster:Cluster", "aws:efs/fileSystem:FileSystem", "aws:rds/instance:Instance"]) {
            expect(the(unprotectedProd, type).protect, type).to.equal(false);
        }
        expect(the(unprotectedProd, "aws:eks/cluster:Cluster").inputs.deletionProtection).to.equal(false);
        expect(the(unprotectedProd, "aws:rds/instance:Instance").inputs.deletionProtection).to.equal(false);
    });
});

describe("cluster layer: GKE Workload Identity bindings (dev with remote logs)", () => {
    let plan: Plan;
    before(async () => {
        // The same options as airflow-plan.test.ts's remote-logs test, so the plan is shared.
        plan = await planOf("dev", {
            config: {
                airflow: {
                    ...(readStackFile("dev").config.airflow as Obj),
                    logs: { mode: "remote", remoteBaseFolder: "gs://acme-airflow-logs/dev" },
                },
            },
        });
    });

    it("hands out the service account annotation only once the workloadIdentityUser and bucket bindings exist", () => {
        const release = the(plan, "kubernetes:helm.sh/v3:Release", "airflow-release");
        const bindings = [
            ...ofType(plan, "gcp:serviceaccount/iAMMember:IAMMember").filter(
                (m) => m.inputs.role === "roles/iam.workloadIdentityUser",
            ),
            ...ofType(plan, "gcp:storage/bucketIAMMember:BucketIAMMember"),
        ];
        expect(bindings.length, "5 service accounts, each with a workload identity and a bucket binding").to.equal(10);
        // The release's values carry the annotations, so the release waits for every binding, not only for the accounts.
        for (const binding of bindings) expect(release.dependencies, binding.name).to.include(binding.urn);
    });

    it("gives every Google service account an ID of its own, valid for IAM", () => {
        const ids = ofType(plan, "gcp:serviceaccount/account:Account").map((a) => String(a.inputs.accountId));
        expect(new Set(ids).size, ids.join(", ")).to.equal(ids.length);
        for (const id of ids) expect(id).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    });
});

describe("cluster layer: planned EKS stack (prod-eks)", () => {
    let plan: Plan;
    /** IRSA instead of Pod Identity, in an existing VPC: one more plan covers both variants. */
    let irsa: Plan;
    before(async () => {
        [plan, irsa] = await Promise.all([planOf("prod-eks"), planOf("prod-eks", IRSA_VARIANT)]);
    });

    it("uses an explicit AWS provider in the configured region", () => {
        expect(the(plan, "pulumi:providers:aws").inputs.region).to.equal("eu-west-1");
    });

    it("creates the cluster with API authentication and the configured access entries", () => {
        const cluster = the(plan, "aws:eks/cluster:Cluster").inputs;
        expect(cluster).to.include({ name: "airflow-prod-eks", version: "1.35", deletionProtection: true });
        expect(cluster.accessConfig).to.deep.equal({
            authenticationMode: "API",
            bootstrapClusterCreatorAdminPermissions: true,
        });
        const policies = ofType(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((r) => r.inputs);
        expect(policies).to.have.length(2);
        const viewer = policies.find((p) => String(p.principalArn).endsWith("data-engineers"))!;
        expect(viewer.policyArn).to.equal("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
        expect(viewer.accessScope).to.deep.equal({ type: "namespace", namespaces: ["airflow"] });
    });

    it("has an ON_DEMAND group without taints and SPOT groups with several instance types, a taint and a label", () => {
        const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup").map((r) => r.inputs);
        expect(groups.map((g) => g.nodeGroupNamePrefix).sort()).to.deep.equal([
            "fallback-",
            "on-demand-1-",
            "on-demand-2-",
            "on-demand-3-",
            "spot-m-2xlarge-",
            "spot-r-2xlarge-",
        ]);
        const onDemand = groups.find((g) => g.nodeGroupNamePrefix === "on-demand-1-")!;
        const spot = groups.find((g) => g.nodeGroupNamePrefix === "spot-m-2xlarge-")!;
        expect(onDemand.capacityType).to.equal("ON_DEMAND");
        expect(onDemand.taints).to.deep.equal([]);
        expect(spot.capacityType).to.equal("SPOT");
        expect(spot.instanceTypes).to.deep.equal(["m6i.2xlarge", "m6a.2xlarge", "m5.2xlarge", "m7i.2xlarge"]);
        expect(spot.taints).to.deep.equal([{ key: "airflow-platform/capacity", value: "spot", effect: "NO_SCHEDULE" }]);
        expect(spot.labels).to.deep.equal({ "airflow-platform/capacity": "spot" });
        expect(spot.scalingConfig).to.include({ minSize: 0, maxSize: 30 });
        const placement = revealedOutputs(plan).placement;
        expect(placement.spot).to.deep.equal({
            nodeSelector: { "airflow-platform/capacity": "spot" },
            tolerations: [{ key: "airflow-platform/capacity", operator: "Equal", value: "spot", effect: "NoSchedule" }],
        });
        expect(placement.onDemand.nodeSelector).to.deep.equal(onDemand.labels);
    });

    it("names node groups by prefix only, so a replaced group (instance types, capacity type) can coexist with the old one", () => {
        const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
        for (const group of groups) {
            expect(group.inputs, group.name).to.not.have.property("nodeGroupName");
            // EKS allows 63 characters; the provider appends a 26-character unique suffix.
            expect(group.inputs.nodeGroupNamePrefix.length + 26, group.name).to.be.at.most(63);
            // The autoscaler's node-template tags find the group's Auto Scaling group through the group, not by a name.
            const tags = ofType(plan, "aws:autoscaling/tag:Tag").filter((t) =>
                t.name.startsWith(`${group.name}-template-`),
            );
            expect(tags.length, group.name).to.be.greaterThan(0);
            for (const tag of tags) expect(tag.dependencies, tag.name).to.include(group.urn);
        }
    });

    it("limits the public API endpoint to controlPlane.authorizedNetworks and keeps the private one for the nodes", () => {
        const vpcConfig = the(plan, "aws:eks/cluster:Cluster").inputs.vpcConfig;
        expect(vpcConfig).to.include({ endpointPrivateAccess: true, endpointPublicAccess: true });
        expect(vpcConfig.publicAccessCidrs).to.deep.equal(["203.0.113.0/24"]);
        // The variant without the key leaves EKS's default (0.0.0.0/0), and the plan says so.
        expect(the(irsa, "aws:eks/cluster:Cluster").inputs.vpcConfig).to.not.have.property("publicAccessCidrs");
        expect(
            warnings.filter((w) =>
                w.includes("airflow-prod-eks: the Kubernetes API endpoint is reachable from the whole internet"),
            ),
        ).to.have.length(1);
    });

    it("lets the cluster autoscaler scale the spot group from 0, knowing its taint", () => {
        const release = ofType(plan, "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.chart === "cluster-autoscaler",
        )!;
        expect(release.inputs.version).to.match(/^\d+\.\d+\.\d+$/);
        expect(release.inputs.values.autoDiscovery).to.deep.equal({ clusterName: "airflow-prod-eks" });
        expect(release.inputs.values.nodeSelector).to.deep.equal({ "airflow-platform/capacity": "on-demand" });
        const tags = ofType(plan, "aws:autoscaling/tag:Tag").map((r) => r.inputs.tag);
        expect(tags).to.deep.include({
            key: "k8s.io/cluster-autoscaler/node-template/taint/airflow-platform/capacity",
            value: "spot:NoSchedule",
            propagateAtLaunch: false,
        });
        const association = ofType(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find(
            (r) => r.inputs.serviceAccount === "cluster-autoscaler",
        );
        expect(association?.inputs.namespace).to.equal("kube-system");
    });

    it("encrypts EFS and puts a mount target in each private subnet", () => {
        const efs = the(plan, "aws:efs/fileSystem:FileSystem");
        expect(efs.inputs.encrypted).to.equal(true);
        expect(efs.protect).to.equal(true);
        const targets = ofType(plan, "aws:efs/mountTarget:MountTarget").map((r) => r.inputs.subnetId);
        expect(targets.sort()).to.deep.equal(["subnet-private-0", "subnet-private-1", "subnet-private-2"]);
        const own = ofType(irsa, "aws:efs/mountTarget:MountTarget").map((r) => r.inputs.subnetId);
        expect(own.sort()).to.deep.equal(["subnet-a", "subnet-b"]);
        expect(ofType(irsa, "awsx:ec2:Vpc")).to.have.length(0);
        expect(the(irsa, "aws:eks/cluster:Cluster").inputs.vpcConfig.subnetIds).to.deep.equal(["subnet-a", "subnet-b"]);
    });

    it("admits NFS to EFS only from the node security group", () => {
        const efsSecurityGroupId = the(plan, "aws:efs/mountTarget:MountTarget", "cluster-efs-0").inputs
            .securityGroups[0];
        const sg = ofType(plan, "aws:ec2/securityGroup:SecurityGroup").find(
            (r) => `${r.name}-id` === efsSecurityGroupId,
        )!;
        expect(sg.inputs.ingress ?? [], "no inline ingress").to.deep.equal([]);
        const rules = [
            ...ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
            ...ofType(plan, "aws:ec2/securityGroupRule:SecurityGroupRule"),
        ].filter((r) => r.inputs.securityGroupId === efsSecurityGroupId);
        expect(rules).to.have.length(1);
        expect(rules[0].inputs).to.include({
            ipProtocol: "tcp",
            fromPort: 2049,
            toPort: 2049,
            referencedSecurityGroupId: OFFLINE_NODE_SECURITY_GROUP,
        });
        expect(rules[0].inputs).to.not.have.any.keys("cidrIpv4", "cidrIpv6", "prefixListId");
        expect(the(plan, "aws:eks/cluster:Cluster").inputs.name).to.equal("airflow-prod-eks");
    });

    it("installs the aws-efs-csi-driver add-on with its IAM role, by Pod Identity or by IRSA", () => {
        const addon = ofType(plan, "aws:eks/addon:Addon").find(
            (r) => r.inputs.addonName === "aws-efs-csi-driver",
        )!.inputs;
        expect(addon.podIdentityAssociations).to.have.length(1);
        expect(addon.podIdentityAssociations[0].serviceAccount).to.equal("efs-csi-controller-sa");
        expect(ofType(plan, "aws:eks/addon:Addon").map((r) => r.inputs.addonName)).to.include("eks-pod-identity-agent");
        const attachments = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
            (r) => r.inputs.policyArn,
        );
        expect(attachments).to.include("arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy");
        const efsRole = the(plan, "aws:iam/role:Role", "cluster-efs-csi");
        expect(JSON.parse(efsRole.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({
            Service: "pods.eks.amazonaws.com",
        });

        const irsaAddon = ofType(irsa, "aws:eks/addon:Addon").find(
            (r) => r.inputs.addonName === "aws-efs-csi-driver",
        )!.inputs;
        expect(irsaAddon.serviceAccountRoleArn).to.equal("arn:aws:iam::123456789012:role/cluster-efs-csi");
        expect(irsaAddon).to.not.have.property("podIdentityAssociations");
        expect(the(irsa, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs.clientIdLists).to.deep.equal([
            "sts.amazonaws.com",
        ]);
        expect(ofType(irsa, "aws:eks/podIdentityAssociation:PodIdentityAssociation")).to.have.length(0);
    });

    it("gives IRSA roles their trust and annotations: the cluster autoscaler's service account is annotated", () => {
        const release = ofType(irsa, "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.chart === "cluster-autoscaler",
        )!;
        const role = the(irsa, "aws:iam/role:Role", "cluster-cluster-autoscaler");
        expect(release.inputs.values.rbac.serviceAccount.annotations).to.deep.equal({
            "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/cluster-cluster-autoscaler",
        });
        const statement = JSON.parse(role.inputs.assumeRolePolicy).Statement[0];
        expect(statement.Action).to.equal("sts:AssumeRoleWithWebIdentity");
        expect(Object.values(statement.Condition.StringLike)).to.deep.equal([
            "system:serviceaccount:kube-system:cluster-autoscaler",
        ]);
    });

    it("creates the EFS StorageClass with access points for Airflow's uid 50000 and gid 0", () => {
        const sc = storageClass(plan);
        expect(sc.provisioner).to.equal("efs.csi.aws.com");
        expect(sc.parameters).to.include({
            provisioningMode: "efs-ap",
            fileSystemId: "cluster-efs-id",
            uid: "50000",
            gid: "0",
        });
        expect(sc.parameters.directoryPerms).to.match(/^[0-7]{3}$/);
    });

    it("runs RDS PostgreSQL encrypted, private, Multi-AZ and protected, reachable only from the nodes", () => {
        const rds = the(plan, "aws:rds/instance:Instance");
        expect(rds.inputs).to.include({
            engine: "postgres",
            storageEncrypted: true,
            publiclyAccessible: false,
            multiAz: true,
            deletionProtection: true,
            instanceClass: "db.m7g.large",
            skipFinalSnapshot: false,
        });
        expect(rds.inputs.password).to.equal(SECRET);
        expect(rds.protect).to.equal(true);
        const sgId = rds.inputs.vpcSecurityGroupIds[0];
        const rules = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === sgId,
        );
        expect(rules.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId])).to.deep.equal([
            [5432, OFFLINE_NODE_SECURITY_GROUP],
        ]);
    });

    it("hands an `aws eks get-token` kubeconfig to the Kubernetes provider as a secret", () => {
        const provider = k8sProvider(plan);
        expect(provider.inputs.kubeconfig).to.equal(SECRET);
        expect(String(provider.inputs.enableServerSideApply)).to.equal("true");
        const kubeconfig = YAML.parse(provider.revealedInputs.kubeconfig as string);
        expect(kubeconfig.users[0].user.exec.args).to.include.members(["get-token", "airflow-prod-eks", "eu-west-1"]);
        expect((plan.outputs as Obj).kubeconfig).to.equal(SECRET);
    });
});

describe("cluster layer: an existing cluster", () => {
    let plan: Plan;
    before(async () => {
        plan = await planOf("dev", {
            config: {
                cloud: "existing",
                existing: {
                    context: "kind-airflow",
                    sharedStorageClassName: "nfs-rwx",
                    placement: {
                        onDemand: { nodeSelector: { pool: "system" } },
                        spot: {
                            nodeSelector: { pool: "batch" },
                            tolerations: [{ key: "batch", operator: "Exists", effect: "NoSchedule" }],
                        },
                    },
                },
            },
            unset: ["gcp", "nodePools"],
            secrets: { existingKubeconfig: EXISTING_KUBECONFIG },
        });
    });

    it("creates no cloud resource: only a Kubernetes provider for the given kubeconfig and context", () => {
        expect(
            plan.resources.filter((r) => /^(gcp|aws|awsx|eks):/.test(r.type) || /providers:(gcp|aws)$/.test(r.type)),
        ).to.deep.equal([]);
        const provider = k8sProvider(plan);
        expect(provider.inputs.kubeconfig).to.equal(SECRET);
        expect(provider.inputs.context).to.equal("kind-airflow");
        expect(kubeObjects(plan, "StorageClass")).to.have.length(0);
    });

    it("passes placement, storage class and endpoint through from config", () => {
        const outputs = revealedOutputs(plan);
        expect(outputs.sharedStorageClassName).to.equal("nfs-rwx");
        expect(outputs.endpoint).to.equal("https://127.0.0.1:6443");
        expect(outputs.placement.spot).to.deep.equal({
            nodeSelector: { pool: "batch" },
            tolerations: [{ key: "batch", operator: "Exists", effect: "NoSchedule" }],
        });
        expect(outputs.placement.onDemand).to.deep.equal({ nodeSelector: { pool: "system" }, tolerations: [] });
    });
});
