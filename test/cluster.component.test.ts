import { expect } from "chai";
import {
    EksCluster,
    EksClusterArgs,
    ExistingCluster,
    ExistingClusterArgs,
    checkClusterArgs,
    checkEksClusterArgs,
    checkExistingClusterArgs,
    checkGkeClusterArgs,
    GkeCluster,
    GkeClusterArgs,
    NodePoolsArgs,
    withEksClusterDefaults,
    withGkeClusterDefaults,
} from "../components/cluster";
import type { Placement } from "../components/cluster/types";
import {
    EKS_ADDON_VERSIONS,
    EKS_PINNED_ADDONS,
    EKS_UNPINNED_ADDONS,
    SUPPORTED_EKS_VERSIONS,
    eksAddonVersion,
} from "../components/cluster/eks/addons";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import { ArgsError } from "../components/validation";
import { EKS_CLUSTER_DEFAULTS, RDS_DEFAULTS } from "../components/cluster/eks/args";
import { checkRdsArgs, rdsMinimumMaxStorageGb } from "../components/cluster/eks/checks";
import { EXISTING_CLUSTER_DEFAULTS } from "../components/cluster/existing/args";
import { CLOUD_SQL_DEFAULTS, GKE_CLUSTER_DEFAULTS } from "../components/cluster/gke/args";
import { clusterArgs } from "../stacks/args/cluster";
import { schemaAt } from "../stacks/config/errors";
import { planComponent } from "./fake-cluster";
import { TEST_TODAY } from "./fixed-date";
import { ofType, the } from "./harness";

const pools: NodePoolsArgs = {
    onDemand: { machineTypes: ["e2-standard-4"], minNodes: 1, maxNodes: 3, diskSizeGb: 100 },
    spot: { machineTypes: ["n2d-standard-8", "n2-standard-8"], minNodes: 0, maxNodes: 10, diskSizeGb: 100 },
    fallback: { machineTypes: ["n2d-standard-8"], minNodes: 0, maxNodes: 10, diskSizeGb: 100 },
};

/** The smallest GKE cluster a user can ask for: no stack config, only the cluster's own Args. */
const gkeArgs = (more: Partial<GkeClusterArgs> = {}): GkeClusterArgs => ({
    kind: "gke",
    clusterName: "alone",
    stack: "test",
    project: "my-project",
    region: "europe-west1",
    nodePools: pools,
    ...more,
});

/** Does `placement` tolerate a node taint in the cloud API's shape (GKE `nodeConfig.taints`)? */
function tolerates(placement: Placement, taint: { key: string; value: string; effect: string }): boolean {
    const effect = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" }[
        taint.effect
    ];
    return placement.tolerations.some(
        (t) => t.key === taint.key && t.effect === effect && (t.operator === "Exists" || t.value === taint.value),
    );
}

type PoolInputs = { nodeConfig: { spot: boolean; taints?: { key: string; value: string; effect: string }[] } };

describe("cluster component: a GkeCluster planned alone from its Args", () => {
    it("taints every spot and fallback pool, and the workers' placement tolerates exactly those taints", async () => {
        let workers: Placement | undefined;
        let onDemand: Placement | undefined;
        const plan = await planComponent(() => {
            const cluster = new GkeCluster("cluster", gkeArgs());
            workers = cluster.placement.workers;
            onDemand = cluster.placement.onDemand;
        });
        const nodePools = ofType(plan, "gcp:container/nodePool:NodePool");
        expect(nodePools.map((p) => p.name)).to.have.members([
            "cluster-on-demand",
            "cluster-spot-n2d",
            "cluster-spot-n2",
            "cluster-fallback",
        ]);
        const spot = nodePools.filter((p) => (p.inputs as PoolInputs).nodeConfig.spot);
        expect(spot.map((p) => p.name)).to.have.members(["cluster-spot-n2d", "cluster-spot-n2"]);
        for (const pool of nodePools) {
            const taints = (pool.inputs as PoolInputs).nodeConfig.taints ?? [];
            if (pool.name === "cluster-on-demand") {
                expect(taints, pool.name).to.deep.equal([]);
                continue;
            }
            expect(taints.length, pool.name).to.be.greaterThan(0);
            for (const taint of taints) {
                expect(
                    tolerates(workers as Placement, taint),
                    `workers tolerate ${taint.key} of ${pool.name}`,
                ).to.equal(true);
                expect(tolerates(onDemand as Placement, taint), `control plane avoids ${pool.name}`).to.equal(false);
            }
        }
        expect((spot[0].inputs as PoolInputs).nodeConfig.taints).to.deep.include({
            key: "cloud.google.com/gke-spot",
            value: "true",
            effect: "NO_SCHEDULE",
        });
    });

    it("protects the cluster and its Cloud SQL instance with deletionProtection, and retains volumes in production", async () => {
        const plan = await planComponent(() => {
            new GkeCluster(
                "cluster",
                gkeArgs({ deletionProtection: true, production: true, database: { mode: "managed" } }),
            );
        });
        expect(the(plan, "gcp:container/cluster:Cluster").protect).to.equal(true);
        const instance = the(plan, "gcp:sql/databaseInstance:DatabaseInstance");
        expect(instance.protect).to.equal(true);
        expect(instance.inputs).to.deep.include({ deletionProtection: true });
        for (const sc of ofType(plan, "kubernetes:storage.k8s.io/v1:StorageClass"))
            expect(sc.inputs.reclaimPolicy, sc.name).to.equal("Retain");
    });

    it("left at its defaults: unprotected, bundled database (no Cloud SQL), Delete volumes, no ingress driver", async () => {
        let ingress: unknown = "unset";
        const plan = await planComponent(() => {
            ingress = new GkeCluster("cluster", gkeArgs()).ingress;
        });
        expect(the(plan, "gcp:container/cluster:Cluster").protect).to.equal(false);
        expect(ofType(plan, "gcp:sql/databaseInstance:DatabaseInstance")).to.deep.equal([]);
        for (const sc of ofType(plan, "kubernetes:storage.k8s.io/v1:StorageClass"))
            expect(sc.inputs.reclaimPolicy, sc.name).to.equal("Delete");
        expect(ingress).to.equal(undefined);
        expect(plan.resources.filter((r) => /gateway|ingress/i.test(r.type))).to.deep.equal([]);
    });

    it("applies the defaults the stack config documents (the same values, so a stack and a program agree)", () => {
        const file = readStackFile("prod-gke");
        const config = parseStackConfig(
            "prod-gke",
            { ...file.config, gcp: { project: "my-project", region: "europe-west1" }, database: { mode: "managed" } },
            file.secrets,
        );
        const resolved = withGkeClusterDefaults(gkeArgs({ database: { mode: "managed" } }));
        const gcp = config.gcp;
        expect(gcp).to.not.equal(undefined);
        expect(resolved.releaseChannel).to.equal(gcp?.releaseChannel);
        expect(resolved.sharedStorage).to.equal(gcp?.sharedStorage);
        expect(resolved.maintenanceWindow).to.deep.equal(gcp?.maintenanceWindow);
        expect(resolved.networkPolicy).to.equal(gcp?.networkPolicy);
        // privateServicesAccess has no config default (required with existingNetwork); on a created network it is create.
        expect(gcp?.network.privateServicesAccess).to.equal(undefined);
        expect(resolved.network).to.deep.equal({ ...gcp?.network, privateServicesAccess: "create" });
        const { mode, postgresVersion, storageGb, highAvailability, backupRetentionDays } = config.database;
        expect(resolved.database).to.deep.equal({
            mode,
            postgresVersion,
            tier: "db-custom-2-7680",
            storageGb,
            highAvailability,
            backupRetentionDays,
        });
    });
});

describe("cluster component: an ExistingCluster planned alone from its Args", () => {
    it("offers the placements and storage classes it is given, and binds no cloud identity", async () => {
        let cluster: ExistingCluster | undefined;
        const plan = await planComponent(() => {
            cluster = new ExistingCluster("cluster", {
                kind: "existing",
                clusterName: "kind",
                context: "kind-kind",
                sharedStorageClassName: "nfs",
                placement: {
                    spot: {
                        nodeSelector: { pool: "spot" },
                        tolerations: [{ key: "spot", operator: "Exists", effect: "NoSchedule" }],
                    },
                },
            });
            return {
                shared: cluster.sharedStorageClassName,
                block: cluster.blockStorageClassName,
                identity: cluster.bindServiceAccount({ name: "logs", namespace: "a", serviceAccountName: "b" })
                    .identity,
            };
        });
        expect(the(plan, "pulumi:providers:kubernetes").inputs).to.deep.include({ context: "kind-kind" });
        expect(plan.outputs).to.deep.equal({ shared: "nfs", block: "", identity: "" });
        expect(cluster?.placement.onDemand).to.deep.equal({ nodeSelector: {}, tolerations: [] });
        expect(cluster?.placement.spot.tolerations).to.deep.equal([
            { key: "spot", operator: "Exists", effect: "NoSchedule" },
        ]);
    });
});

/** An EKS cluster from its Args alone. */
const eksArgs = (more: Partial<EksClusterArgs> = {}): EksClusterArgs => ({
    kind: "eks",
    clusterName: "alone",
    stack: "test",
    region: "eu-west-1",
    // In EKS standard support until 2027-03-27: the component refuses STANDARD on a minor past it (checkEksClusterArgs),
    // checked on the tests' fixed day rather than the clock's, so that no case changes its verdict on that day.
    kubernetesVersion: "1.35",
    today: new Date(`${TEST_TODAY}T00:00:00Z`),
    nodePools: {
        onDemand: { machineTypes: ["m7i.large"], minNodes: 1, maxNodes: 3, diskSizeGb: 100 },
        spot: { machineTypes: ["m7i.xlarge", "m6i.xlarge", "m6a.xlarge"], minNodes: 0, maxNodes: 10, diskSizeGb: 100 },
        fallback: { machineTypes: ["m7i.xlarge"], minNodes: 0, maxNodes: 10, diskSizeGb: 100 },
    },
    ...more,
});

type GroupInputs = { capacityType: string; taints?: { key: string; value: string; effect: string }[] };

describe("cluster component: an EksCluster planned alone from its Args", () => {
    it("taints every SPOT and fallback group, and the workers' placement tolerates exactly those taints", async () => {
        let workers: Placement | undefined;
        let onDemand: Placement | undefined;
        const plan = await planComponent(() => {
            const cluster = new EksCluster("cluster", eksArgs());
            workers = cluster.placement.workers;
            onDemand = cluster.placement.onDemand;
        });
        const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
        const spot = groups.filter((g) => (g.inputs as GroupInputs).capacityType === "SPOT");
        expect(spot.length).to.be.greaterThan(0);
        expect(groups.map((g) => g.name)).to.include("cluster-fallback");
        for (const group of groups) {
            const taints = (group.inputs as GroupInputs).taints ?? [];
            if (group.name.startsWith("cluster-on-demand")) {
                expect(taints, group.name).to.deep.equal([]);
                continue;
            }
            expect(taints.length, group.name).to.be.greaterThan(0);
            for (const taint of taints) {
                expect(
                    tolerates(workers as Placement, taint),
                    `workers tolerate ${taint.key} of ${group.name}`,
                ).to.equal(true);
                expect(tolerates(onDemand as Placement, taint), `control plane avoids ${group.name}`).to.equal(false);
            }
        }
        expect((spot[0].inputs as GroupInputs).taints).to.deep.include({
            key: "airflow-platform/capacity",
            value: "spot",
            effect: "NO_SCHEDULE",
        });
    });

    it("protects the cluster, the log file system and the RDS instance with deletionProtection", async () => {
        const plan = await planComponent(() => {
            new EksCluster(
                "cluster",
                eksArgs({ deletionProtection: true, production: true, database: { mode: "managed" } }),
            );
        });
        expect(the(plan, "aws:eks/cluster:Cluster").protect).to.equal(true);
        expect(the(plan, "aws:efs/fileSystem:FileSystem").protect).to.equal(true);
        const rds = the(plan, "aws:rds/instance:Instance");
        expect(rds.protect).to.equal(true);
        expect(rds.inputs).to.deep.include({ deletionProtection: true, skipFinalSnapshot: false });
    });

    it("applies the defaults the stack config documents", () => {
        const file = readStackFile("prod-eks");
        const config = parseStackConfig(
            "prod-eks",
            // 1.33 is past standard support: the config layer asks for extendedSupport (its one refusal here).
            { ...file.config, aws: { region: "eu-west-1", extendedSupport: true }, database: { mode: "managed" } },
            file.secrets,
        );
        const resolved = withEksClusterDefaults(eksArgs({ extendedSupport: true, database: { mode: "managed" } }));
        const aws = config.aws;
        expect(aws).to.not.equal(undefined);
        expect(resolved.authenticationMode).to.equal(aws?.authenticationMode);
        expect(resolved.accessEntries).to.deep.equal(aws?.accessEntries);
        expect(resolved.workloadIdentity).to.equal(aws?.workloadIdentity);
        expect(resolved.vpc).to.deep.equal(aws?.vpc);
        const { mode, postgresVersion, storageGb, extendedSupport, highAvailability, backupRetentionDays } =
            config.database;
        expect(resolved.database).to.deep.equal({
            mode,
            postgresVersion,
            tier: "db.t4g.medium",
            storageGb,
            extendedSupport,
            highAvailability,
            backupRetentionDays,
        });
    });

    it("left at its defaults: unprotected, no RDS, Pod Identity, no load balancer controller", async () => {
        let ingress: unknown = "unset";
        const plan = await planComponent(() => {
            ingress = new EksCluster("cluster", eksArgs()).ingress;
        });
        expect(the(plan, "aws:eks/cluster:Cluster").protect).to.equal(false);
        expect(ofType(plan, "aws:rds/instance:Instance")).to.deep.equal([]);
        expect(ofType(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.deep.equal([]);
        expect(the(plan, "aws:eks/addon:Addon", "cluster-pod-identity-agent").inputs).to.deep.include({
            addonName: "eks-pod-identity-agent",
        });
        expect(ingress).to.equal(undefined);
        // The ingress driver (the AWS Load Balancer Controller and its role) is `<name>-ingress`.
        expect(plan.resources.filter((r) => r.name.startsWith("cluster-ingress"))).to.deep.equal([]);
    });
});

/** Plans `build` alone and returns what it threw (undefined when it threw nothing) with the plan. */
async function refusalOf(build: () => void) {
    let refusal: unknown;
    const plan = await planComponent(() => {
        try {
            build();
        } catch (e) {
            refusal = e;
        }
    });
    return { refusal, plan };
}

describe("cluster component: every EKS add-on is pinned per minor, or left on EKS's default on purpose", () => {
    it("at each pinned minor, each add-on the cluster creates runs the minor's pin or is in EKS_UNPINNED_ADDONS", async () => {
        const day = new Date(`${TEST_TODAY}T00:00:00Z`);
        for (const minor of SUPPORTED_EKS_VERSIONS) {
            // Past standard support on the tests' day: the billed policy, as such a cluster needs.
            const plan = await planComponent(() => {
                new EksCluster("cluster", eksArgs({ kubernetesVersion: minor, extendedSupport: true, today: day }));
            });
            const addons = ofType(plan, "aws:eks/addon:Addon");
            const names = addons.map((a) => (a.inputs as { addonName: string }).addonName).sort();
            expect(names, minor).to.deep.equal(
                [...Object.keys(EKS_PINNED_ADDONS), ...Object.keys(EKS_UNPINNED_ADDONS)].sort(),
            );
            for (const addon of addons) {
                const { addonName, addonVersion } = addon.inputs as { addonName: string; addonVersion?: string };
                const field = EKS_PINNED_ADDONS[addonName as keyof typeof EKS_PINNED_ADDONS];
                if (field) expect(addonVersion, `${minor} ${addonName}`).to.equal(EKS_ADDON_VERSIONS[minor][field]);
                else expect(addonVersion, `${minor} ${addonName}: EKS's default`).to.equal(undefined);
            }
        }
        // An add-on in neither table is refused when the program asks for its version.
        expect(() => eksAddonVersion("aws-mountpoint-s3-csi-driver", "1.35")).to.throw("neither pinned");
        expect(Object.keys(EKS_UNPINNED_ADDONS)).to.deep.equal(["aws-efs-csi-driver"]);
    });
});

describe("cluster component: bad Args are refused by path before any resource", () => {
    it("a GkeCluster: one spot type per family, a 48-hour maintenance window, a subnetwork's network, Cloud SQL's retention", async () => {
        const args = gkeArgs({
            nodePools: { ...pools, spot: { ...pools.spot, machineTypes: ["n2-standard-4", "n2-standard-8"] } },
            maintenanceWindow: { days: ["SU"], hours: 8 },
            network: { existingSubnetwork: "nodes" },
            database: { mode: "managed", backupRetentionDays: 1 },
        });
        const { refusal, plan } = await refusalOf(() => new GkeCluster("cluster", args));
        expect(refusal).to.be.instanceOf(ArgsError);
        const error = refusal as ArgsError;
        expect(error.component).to.equal("GkeCluster");
        expect(error.issues.map((i) => i.path)).to.deep.equal([
            "nodePools.spot.machineTypes",
            "maintenanceWindow",
            "network.existingNetwork",
            "database.backupRetentionDays",
        ]);
        expect(error.message).to.include("n2 repeats").and.include("gives 32 hours in 4 weeks; GKE needs at least 48");
        expect(plan.resources).to.deep.equal([]);
        // The constructor's check is the one the config layer runs.
        expect(checkGkeClusterArgs(args)).to.deep.equal(error.issues);
        expect(checkClusterArgs(args)).to.deep.equal(error.issues);
        expect(checkGkeClusterArgs(gkeArgs())).to.deep.equal([]);
    });

    it("an EksCluster: Graviton types, a fallback of two shapes, one principal twice, an RDS ceiling below its storage", async () => {
        const admin = "arn:aws:iam::123456789012:role/admin";
        const args = eksArgs({
            nodePools: {
                onDemand: { machineTypes: ["m7g.large"], minNodes: 1, maxNodes: 3, diskSizeGb: 100 },
                spot: { machineTypes: ["m6i.xlarge"], minNodes: 4, maxNodes: 2, diskSizeGb: 100 },
                fallback: { machineTypes: ["m6i.xlarge", "r6i.2xlarge"], minNodes: 0, maxNodes: 2, diskSizeGb: 100 },
            },
            accessEntries: [{ principalArn: admin }],
            devspaceOwners: [
                { name: "alice", principalArn: admin, kubernetesGroup: "airflow-platform:devspace:alice" },
            ],
            database: { mode: "managed", storageGb: 100, maxStorageGb: 50 },
        });
        const { refusal, plan } = await refusalOf(() => new EksCluster("cluster", args));
        expect(refusal).to.be.instanceOf(ArgsError);
        const error = refusal as ArgsError;
        expect(error.component).to.equal("EksCluster");
        expect(error.issues.map((i) => i.path)).to.deep.equal([
            "nodePools.spot.minNodes",
            "nodePools.onDemand.machineTypes",
            "nodePools.fallback.machineTypes",
            "devspaceOwners.0.principalArn",
            "database.maxStorageGb",
        ]);
        expect(error.message)
            .to.include("m7g.large is Graviton (arm64)")
            .and.include(`${admin} is also \`accessEntries.0.principalArn\``);
        expect(plan.resources).to.deep.equal([]);
        expect(checkEksClusterArgs(args)).to.deep.equal(error.issues);
        expect(checkEksClusterArgs(eksArgs())).to.deep.equal([]);
    });

    it("an RDS storage ceiling less than 10% above the allocated storage, which RDS refuses", () => {
        const ceiling = (maxStorageGb: number) =>
            checkRdsArgs({ mode: "managed", ...RDS_DEFAULTS, storageGb: 100, maxStorageGb }).map((i) => i.path);
        expect(ceiling(100)).to.deep.equal(["database.maxStorageGb"]);
        expect(ceiling(109)).to.deep.equal(["database.maxStorageGb"]);
        expect(ceiling(110)).to.deep.equal([]);
        expect(rdsMinimumMaxStorageGb(50)).to.equal(55);
        expect(rdsMinimumMaxStorageGb(15)).to.equal(17);
        expect(checkRdsArgs({ mode: "bundled" })).to.deep.equal([]);
    });

    it("an EksCluster on a minor past EKS standard support, from that day on, unless it pays for extended support", () => {
        const on133 = eksArgs({ kubernetesVersion: "1.33" });
        // 1.33 left standard support on 2026-07-29 (EKS_END_OF_STANDARD_SUPPORT).
        expect(checkEksClusterArgs(on133, new Date("2026-07-28T23:59:59Z"))).to.deep.equal([]);
        const after = checkEksClusterArgs(on133, new Date("2026-07-29T00:00:00Z"));
        expect(after.map((i) => i.path)).to.deep.equal(["extendedSupport"]);
        expect(after[0].message).to.include("Kubernetes 1.33 left EKS standard support on 2026-07-29");
        expect(
            checkEksClusterArgs({ ...on133, extendedSupport: true }, new Date("2026-07-29T00:00:00Z")),
        ).to.deep.equal([]);
        // The constructor's check is made on `today` of the Args (the stack passes the program's day).
        expect(checkEksClusterArgs({ ...on133, today: new Date("2026-07-28T00:00:00Z") })).to.deep.equal([]);
        expect(checkEksClusterArgs({ ...on133, today: new Date("2026-07-29T00:00:00Z") })).to.deep.equal(after);
        // A minor without pinned add-ons is refused whatever the date.
        expect(checkEksClusterArgs(eksArgs({ kubernetesVersion: "1.29" })).map((i) => i.path)).to.deep.equal([
            "kubernetesVersion",
        ]);
    });

    it("an ExistingCluster without a shared StorageClass name", async () => {
        const args: ExistingClusterArgs = { kind: "existing", clusterName: "alone", sharedStorageClassName: " " };
        const { refusal, plan } = await refusalOf(() => new ExistingCluster("cluster", args));
        expect((refusal as ArgsError).issues.map((i) => i.path)).to.deep.equal(["sharedStorageClassName"]);
        expect(plan.resources).to.deep.equal([]);
        expect(checkExistingClusterArgs({ ...args, sharedStorageClassName: "nfs" })).to.deep.equal([]);
    });

    it("the reference stacks' clusters pass their own check, as the config layer built them", () => {
        for (const stack of ["dev", "prod-gke", "prod-eks"]) {
            const file = readStackFile(stack);
            const args = clusterArgs(parseStackConfig(stack, file.config, file.secrets));
            expect(checkClusterArgs(args), stack).to.deep.equal([]);
        }
    });
});

describe("cluster component: its defaults are written once", () => {
    /** The default the config schema documents (docs/config.md) at a key path. */
    const schemaDefault = (path: string) => {
        const schema = schemaAt(path.split("."));
        expect(schema, path).to.not.equal(undefined);
        const def = schema!._zod.def as { type: string; defaultValue?: unknown };
        expect(def.type, `${path} has a .default()`).to.equal("default");
        return def.defaultValue;
    };

    it("each config key that maps onto a cluster's Args defaults to the component's own constant", () => {
        const table: [string, unknown][] = [
            ["gcp.releaseChannel", GKE_CLUSTER_DEFAULTS.releaseChannel],
            ["gcp.sharedStorage", GKE_CLUSTER_DEFAULTS.sharedStorage],
            ["gcp.maintenanceWindow.days", GKE_CLUSTER_DEFAULTS.maintenanceWindow.days],
            ["gcp.maintenanceWindow.startTimeUtc", GKE_CLUSTER_DEFAULTS.maintenanceWindow.startTimeUtc],
            ["gcp.maintenanceWindow.hours", GKE_CLUSTER_DEFAULTS.maintenanceWindow.hours],
            ["gcp.networkPolicy", GKE_CLUSTER_DEFAULTS.networkPolicy],
            // privateServicesAccess has no config default: it is required with gcp.network.existingNetwork (below).
            ...Object.entries(GKE_CLUSTER_DEFAULTS.network)
                .filter(([k]) => k !== "privateServicesAccess")
                .map(([k, v]): [string, unknown] => [`gcp.network.${k}`, v]),
            ["aws.authenticationMode", EKS_CLUSTER_DEFAULTS.authenticationMode],
            ["aws.accessEntries", EKS_CLUSTER_DEFAULTS.accessEntries],
            ["aws.extendedSupport", EKS_CLUSTER_DEFAULTS.extendedSupport],
            ["aws.workloadIdentity", EKS_CLUSTER_DEFAULTS.workloadIdentity],
            ...Object.entries(EKS_CLUSTER_DEFAULTS.vpc).map(([k, v]): [string, unknown] => [`aws.vpc.${k}`, v]),
            ["existing.ingressClassName", EXISTING_CLUSTER_DEFAULTS.ingressClassName],
            ["database.postgresVersion", CLOUD_SQL_DEFAULTS.postgresVersion],
            ["database.storageGb", CLOUD_SQL_DEFAULTS.storageGb],
            ["database.highAvailability", CLOUD_SQL_DEFAULTS.highAvailability],
            ["database.backupRetentionDays", CLOUD_SQL_DEFAULTS.backupRetentionDays],
            ["database.extendedSupport", RDS_DEFAULTS.extendedSupport],
        ];
        for (const [path, value] of table) expect(schemaDefault(path), path).to.deep.equal(value);
        expect(schemaAt(["gcp", "network", "privateServicesAccess"])!._zod.def.type).to.equal("optional");
        // One managed database default for both clouds, the tier aside.
        const { tier: rdsTier, extendedSupport: _, ...rds } = RDS_DEFAULTS;
        const { tier: cloudSqlTier, ...cloudSql } = CLOUD_SQL_DEFAULTS;
        expect(rds).to.deep.equal(cloudSql);
        expect([cloudSqlTier, rdsTier]).to.deep.equal(["db-custom-2-7680", "db.t4g.medium"]);
    });

    it("a hand-written Args left at its defaults resolves to those constants", () => {
        const gke = withGkeClusterDefaults(gkeArgs({ database: { mode: "managed" } }));
        expect(gke).to.deep.include({
            releaseChannel: GKE_CLUSTER_DEFAULTS.releaseChannel,
            sharedStorage: GKE_CLUSTER_DEFAULTS.sharedStorage,
            maintenanceWindow: GKE_CLUSTER_DEFAULTS.maintenanceWindow,
            networkPolicy: GKE_CLUSTER_DEFAULTS.networkPolicy,
            network: GKE_CLUSTER_DEFAULTS.network,
            database: { mode: "managed", ...CLOUD_SQL_DEFAULTS },
        });
        const eks = withEksClusterDefaults(eksArgs({ database: { mode: "managed" } }));
        expect(eks).to.deep.include({
            authenticationMode: EKS_CLUSTER_DEFAULTS.authenticationMode,
            workloadIdentity: EKS_CLUSTER_DEFAULTS.workloadIdentity,
            vpc: EKS_CLUSTER_DEFAULTS.vpc,
            database: { mode: "managed", ...RDS_DEFAULTS },
        });
    });
});
