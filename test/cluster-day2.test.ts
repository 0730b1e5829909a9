/**
 * Day 2 of the managed clusters: what the second and later `pulumi up`s change, upgrade, and must not break. Each case
 * is a defect that a first `up` does not show (docs/cluster.md, "What a config change does to a running cluster").
 */
import { expect } from "chai";
import { readFileSync } from "fs";
import { clusterAutoscalerPolicy, subnetsSharingAZ } from "../components/cluster/eks/specs";
import {
    DEFAULT_EKS_KUBERNETES_VERSION,
    EKS_ADDON_VERSIONS,
    EKS_END_OF_STANDARD_SUPPORT,
    eksStandardSupportEnded,
} from "../components/cluster/eks/addons";
import { KEDA_TESTED_KUBERNETES } from "../components/keda";
import { cloudNatPorts, gkeMaintenancePolicy } from "../components/cluster/gke/specs";
import { requiredApis } from "../components/cluster/gke";
import { globalAddressArgs } from "../components/cluster/ingress/gke";
import { efsStorageClass } from "../components/cluster/storage";
import { parseStackConfig } from "../stacks/config";
import { TODAY_VARIABLE, programToday } from "../stacks/today";
import { readStackFile } from "../tools/offline/runtime";
import { TEST_TODAY } from "./fixed-date";
import * as harness from "./harness";
import { Plan, PlannedResource, configError, planOf } from "./harness";

type Obj = Record<string, any>;
const FIXTURES = `${__dirname}/fixtures/cluster-autoscaler`;
const { ofType, the } = harness.loose;

/** Every URN a resource waits for, directly or through what it waits for. */
function waitsFor(plan: Plan, resource: PlannedResource): Set<string> {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const queue = [...resource.dependencies];
    while (queue.length > 0) {
        const urn = queue.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        queue.push(...(byUrn.get(urn)?.dependencies ?? []));
    }
    return seen;
}

function refused(stack: string, changes: Record<string, unknown>) {
    const file = readStackFile(stack);
    return configError(() => parseStackConfig(stack, { ...file.config, ...changes }, file.secrets));
}

describe("cluster layer, day 2 on GKE", () => {
    let prod: Plan;
    let publicPlan: Plan;
    let existingNetwork: Plan;
    let remoteLogs: Plan;
    const { tls: _referenceTls, ...withoutTls } = readStackFile("prod-gke").config.exposure as Obj;
    before(async () => {
        [prod, publicPlan, existingNetwork, remoteLogs] = await Promise.all([
            planOf("prod-gke"),
            // The same options as test/exposure-plan.test.ts's public variant, so the plan is shared.
            planOf("prod-gke", { config: { exposure: { ...withoutTls, public: true } } }),
            planOf("prod-gke", {
                config: {
                    gcp: {
                        project: "acme-data-prod",
                        region: "europe-west1",
                        network: {
                            existingNetwork: "shared-vpc",
                            existingSubnetwork: "gke-nodes",
                            privateServicesAccess: "existing",
                        },
                    },
                },
            }),
            planOf("dev", {
                config: {
                    airflow: {
                        ...(readStackFile("dev").config.airflow as Obj),
                        logs: { mode: "remote", remoteBaseFolder: "gs://acme-airflow-logs/dev" },
                    },
                },
            }),
        ]);
    });

    it("waits for the Google APIs with every resource that uses one, and names the two a fresh project must enable by hand", () => {
        const apis = ofType(prod, "gcp:projects/service:Service");
        expect(apis.map((a) => a.inputs.service).sort()).to.deep.equal([...requiredApis(true)].sort());
        const apiUrns = new Set(apis.map((a) => a.urn));
        const cloudResources = prod.resources.filter(
            (r) =>
                r.custom &&
                r.type.startsWith("gcp:") &&
                !r.type.startsWith("gcp:projects/service") &&
                !r.type.startsWith("pulumi:"),
        );
        expect(cloudResources.length).to.be.greaterThan(10);
        const notWaiting = cloudResources
            .filter((r) => ![...waitsFor(prod, r)].some((urn) => apiUrns.has(urn)))
            .map((r) => `${r.type} ${r.name}`);
        expect(notWaiting).to.deep.equal([]);
        // Service Usage cannot enable itself, nor Cloud Resource Manager (project IAM) without it: a bootstrap step.
        expect(requiredApis(true)).to.not.include("serviceusage.googleapis.com");
    });

    it("deletes the router, the NAT and the proxy-only subnet before re-creating them: fixed names and one NAT per range", () => {
        const internal = the(prod, "gcp:compute/subnetwork:Subnetwork", "cluster-ingress-proxy-only");
        for (const r of [
            the(prod, "gcp:compute/router:Router"),
            the(prod, "gcp:compute/routerNat:RouterNat"),
            internal,
        ])
            expect(r.deleteBeforeReplace, `${r.type} ${r.name}`).to.equal(true);
    });

    it("gives the Google-managed certificate no fixed name, so a new exposure.host can be created next to the old one", () => {
        const certificate = the(publicPlan, "gcp:compute/managedSslCertificate:ManagedSslCertificate");
        expect(certificate.inputs.name).to.equal(undefined);
        expect(certificate.inputs.managed).to.deep.equal({ domains: ["airflow.acme-data.example.com"] });
        expect(certificate.deleteBeforeReplace).to.equal(false);
    });

    it("names the public global address after its immutable fields: a change of them is a new name next to the old address", () => {
        const address = the(publicPlan, "gcp:compute/globalAddress:GlobalAddress", "cluster-ingress-address");
        const base = "airflow-prod-gke-exposure";
        // What is planned is exactly what the name was derived from: the shape of an address made by earlier versions,
        // which keeps its plain name (and so its IP address, which DNS points at).
        const { project: _project, name, labels: _labels, ...shape } = address.inputs;
        expect(name).to.equal(globalAddressArgs("p", base, shape).name);
        expect(name).to.equal(base);
        expect(address.deleteBeforeReplace).to.equal(false);
        // Any immutable field (every field but labels forces a new address) moves the name, the same way every time.
        const ipv6 = globalAddressArgs("p", base, { ipVersion: "IPV6" }).name as string;
        const described = globalAddressArgs("p", base, { ipVersion: "IPV6", description: "public" }).name as string;
        expect(new Set([base, ipv6, described]).size).to.equal(3);
        expect(globalAddressArgs("p", base, { description: "public", ipVersion: "IPV6" }).name).to.equal(described);
        expect(globalAddressArgs("p", base, { ipVersion: "IPV6" })).to.include({ ipVersion: "IPV6", project: "p" });
        const long = globalAddressArgs("p", "a".repeat(63), { ipVersion: "IPV6" }).name as string;
        expect(long).to.match(/^a{54}-[0-9a-f]{8}$/);
    });

    it("allocates Cloud NAT ports dynamically, far above the 64 static ports per VM", () => {
        const nat = the(prod, "gcp:compute/routerNat:RouterNat").inputs;
        expect(nat).to.include({
            enableDynamicPortAllocation: true,
            enableEndpointIndependentMapping: false,
            minPortsPerVm: 256,
            maxPortsPerVm: 16384,
        });
        const power = (n: number) => Number.isInteger(Math.log2(n));
        expect(power(cloudNatPorts().minPortsPerVm) && power(cloudNatPorts().maxPortsPerVm)).to.equal(true);
    });

    it("lets GKE upgrade only in a recurring maintenance window (every day 01:00-05:00 UTC by default)", () => {
        const cluster = the(prod, "gcp:container/cluster:Cluster").inputs;
        expect(cluster.maintenancePolicy).to.deep.equal({
            recurringWindow: {
                startTime: "2025-01-01T01:00:00Z",
                endTime: "2025-01-01T05:00:00Z",
                recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
            },
        });
        expect(
            gkeMaintenancePolicy({ days: ["SA", "SU"], startTimeUtc: "22:00", hours: 6 }).recurringWindow,
        ).to.deep.equal({
            startTime: "2025-01-01T22:00:00Z",
            endTime: "2025-01-02T04:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
        });
        const tooShort = refused("prod-gke", {
            gcp: { project: "p", region: "europe-west1", maintenanceWindow: { days: ["SU"], hours: 8 } },
        });
        expect(tooShort.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:gcp.maintenanceWindow"]);
        expect(tooShort.message).to.contain("GKE needs at least 48");
    });

    it("enforces NetworkPolicy with Dataplane V2 on a new cluster, or in place with Calico on one created without it", async () => {
        const dataplane = the(prod, "gcp:container/cluster:Cluster").inputs;
        expect(dataplane.datapathProvider).to.equal("ADVANCED_DATAPATH");
        expect(dataplane.networkPolicy).to.equal(undefined);
        expect(dataplane.addonsConfig.networkPolicyConfig).to.equal(undefined);
        // datapathProvider is ForceNew: a cluster created on the legacy datapath keeps it (unset: the provider's
        // computed value stays) and turns on GKE's Calico enforcement, the add-on and the nodes, which is an update.
        const gcpConfig = readStackFile("prod-gke").config.gcp as Obj;
        const calicoPlan = await planOf("prod-gke", { config: { gcp: { ...gcpConfig, networkPolicy: "calico" } } });
        const calico = the(calicoPlan, "gcp:container/cluster:Cluster").inputs;
        expect(calico.datapathProvider).to.equal(undefined);
        expect(calico.networkPolicy).to.deep.equal({ enabled: true, provider: "CALICO" });
        expect(calico.addonsConfig.networkPolicyConfig).to.deep.equal({ disabled: false });
        // Everything else about the cluster stays as it is.
        const rest = (inputs: Obj) => {
            const { datapathProvider: _d, networkPolicy: _n, addonsConfig, ...others } = inputs;
            const { networkPolicyConfig: _c, ...addons } = addonsConfig;
            return { ...others, addons };
        };
        expect(rest(calico)).to.deep.equal(rest(dataplane));
        const wrong = refused("prod-gke", { gcp: { ...gcpConfig, networkPolicy: "cilium" } });
        expect(wrong.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:gcp.networkPolicy"]);
    });

    it("runs the temporary default pool as the node service account, not the Compute Engine default one", () => {
        const cluster = the(prod, "gcp:container/cluster:Cluster");
        const nodeAccount = the(prod, "gcp:serviceaccount/account:Account", "cluster-nodes");
        expect(cluster.inputs.nodeConfig.serviceAccount).to.not.equal(undefined);
        expect(cluster.dependencies).to.include(nodeAccount.urn);
        expect(cluster.ignoreChanges).to.include("nodeConfig");
    });

    it("uses the private services access an existing network already has instead of a second connection", () => {
        expect(ofType(existingNetwork, "gcp:servicenetworking/connection:Connection")).to.have.length(0);
        expect(ofType(existingNetwork, "gcp:compute/globalAddress:GlobalAddress")).to.have.length(0);
        const instance = the(existingNetwork, "gcp:sql/databaseInstance:DatabaseInstance").inputs;
        expect(instance.settings.ipConfiguration.privateNetwork).to.equal(
            "projects/acme-data-prod/global/networks/shared-vpc",
        );
        expect(ofType(prod, "gcp:servicenetworking/connection:Connection")).to.have.length(1);
        const created = refused("prod-gke", {
            gcp: { project: "p", region: "europe-west1", network: { privateServicesAccess: "existing" } },
        });
        expect(created.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:gcp.network.privateServicesAccess"]);
    });

    it("never force-patches the peering ranges of a network this stack did not create", async () => {
        const gcpConfig = readStackFile("prod-gke").config.gcp as Obj;
        const shared = { existingNetwork: "shared-vpc", existingSubnetwork: "gke-nodes" };
        // Unset on an existing network: refused, naming the key and both answers.
        const unset = refused("prod-gke", { gcp: { ...gcpConfig, network: shared } });
        expect(unset.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:gcp.network.privateServicesAccess"]);
        expect(unset.issues[0].message).to.match(/existing if the network already has.*create to reserve/);
        // create on an existing network: a failed create (the network has a connection) stays a failure instead of a
        // PATCH with force=true and only our range, and the ranges are never updated after creation.
        const onShared = await planOf("prod-gke", {
            config: { gcp: { ...gcpConfig, network: { ...shared, privateServicesAccess: "create" } } },
        });
        const sharedConnection = the(onShared, "gcp:servicenetworking/connection:Connection");
        expect(sharedConnection.inputs.updateOnCreationFail).to.equal(undefined);
        expect(sharedConnection.ignoreChanges).to.include("reservedPeeringRanges");
        // On the network this stack created every peered range is its own: a re-created stack may take it over.
        const owned = the(prod, "gcp:servicenetworking/connection:Connection");
        expect(owned.inputs.updateOnCreationFail).to.equal(true);
        expect(owned.ignoreChanges ?? []).to.not.include("reservedPeeringRanges");
    });

    it("abandons the Cloud SQL user on destroy (Postgres cannot drop a user that owns tables)", () => {
        expect(the(prod, "gcp:sql/user:User").inputs.deletionPolicy).to.equal("ABANDON");
    });

    it("binds Workload Identity only once the cluster (and with it the identity pool) exists", () => {
        const cluster = the(remoteLogs, "gcp:container/cluster:Cluster");
        const bindings = ofType(remoteLogs, "gcp:serviceaccount/iAMMember:IAMMember").filter(
            (m) => m.inputs.role === "roles/iam.workloadIdentityUser",
        );
        expect(bindings.length).to.be.greaterThan(0);
        for (const binding of bindings) expect(binding.dependencies, binding.name).to.include(cluster.urn);
    });
});

describe("cluster layer, day 2 on EKS", () => {
    let prod: Plan;
    let extended: Plan;
    before(async () => {
        [prod, extended] = await Promise.all([
            planOf("prod-eks"),
            // A cluster still on 1.33 (past standard support), in extended support until it is upgraded.
            planOf("prod-eks", {
                config: {
                    kubernetesVersion: "1.33",
                    aws: { ...(readStackFile("prod-eks").config.aws as Obj), extendedSupport: true },
                    database: { ...(readStackFile("prod-eks").config.database as Obj), extendedSupport: true },
                },
            }),
        ]);
    });
    const nodeGroups = (plan: Plan) => ofType(plan, "aws:eks/nodeGroup:NodeGroup");
    const addon = (plan: Plan, name: string) =>
        ofType(plan, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === name)!;

    it("upgrades the node groups with the control plane: every group runs kubernetesVersion", () => {
        expect(nodeGroups(prod).length).to.be.greaterThan(1);
        for (const group of nodeGroups(prod)) expect(group.inputs.version, group.name).to.equal("1.35");
        for (const group of nodeGroups(extended)) expect(group.inputs.version, group.name).to.equal("1.33");
    });

    it("runs vpc-cni, kube-proxy, coredns, the EBS CSI driver and the Pod Identity agent as managed add-ons at the minor's pins, the core ones after the nodes", () => {
        for (const [plan, minor] of [
            [prod, "1.35"],
            [extended, "1.33"],
        ] as const) {
            const groups = nodeGroups(plan).map((g) => g.urn);
            for (const [name, version] of [
                ["vpc-cni", EKS_ADDON_VERSIONS[minor].vpcCni],
                ["kube-proxy", EKS_ADDON_VERSIONS[minor].kubeProxy],
                ["coredns", EKS_ADDON_VERSIONS[minor].coredns],
                ["aws-ebs-csi-driver", EKS_ADDON_VERSIONS[minor].ebsCsi],
                ["eks-pod-identity-agent", EKS_ADDON_VERSIONS[minor].podIdentityAgent],
            ]) {
                const a = addon(plan, name);
                expect(a, name).to.not.equal(undefined);
                expect(a.inputs, `${minor} ${name}`).to.include({
                    addonVersion: version,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                });
                // The core ones wait for nodes; the Pod Identity agent comes before them, the EBS driver with storage.
                if (["vpc-cni", "kube-proxy", "coredns"].includes(name))
                    for (const g of groups) expect(a.dependencies, name).to.include(g);
            }
            // Not pinned: no source gives its versions per minor; EKS installs its default for the minor.
            expect(addon(plan, "aws-efs-csi-driver").inputs).to.not.have.property("addonVersion");
            const autoscaler = ofType(plan, "kubernetes:helm.sh/v3:Release").find(
                (r) => r.inputs.chart === "cluster-autoscaler",
            )!;
            expect(autoscaler.inputs.values.image, minor).to.deep.equal({
                tag: EKS_ADDON_VERSIONS[minor].clusterAutoscaler,
            });
        }
        const r = refused("prod-eks", { kubernetesVersion: "1.29" });
        expect(r.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:kubernetesVersion"]);
        expect(r.message).to.contain("1.32, 1.33, 1.34, 1.35");
    });

    it("pins every supported minor completely, with no gap (EKS upgrades one minor at a time)", () => {
        const minors = Object.keys(EKS_ADDON_VERSIONS);
        expect(minors).to.deep.equal(["1.32", "1.33", "1.34", "1.35"]);
        minors.forEach((minor, i) => {
            const pins = EKS_ADDON_VERSIONS[minor];
            for (const version of [pins.vpcCni, pins.coredns, pins.kubeProxy, pins.ebsCsi, pins.podIdentityAgent])
                expect(version, minor).to.match(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
            // kube-proxy and the autoscaler follow the control plane's minor.
            expect(pins.kubeProxy, minor).to.match(new RegExp(`^v${minor.replace(".", "\\.")}\\.`));
            expect(pins.clusterAutoscaler, minor).to.match(new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
            expect(EKS_END_OF_STANDARD_SUPPORT[minor], minor).to.match(/^\d{4}-\d{2}-\d{2}$/);
            if (i > 0) {
                const [major, previous] = minors[i - 1].split(".").map(Number);
                expect(minor, "the next minor").to.equal(`${major}.${previous + 1}`);
                expect(Date.parse(EKS_END_OF_STANDARD_SUPPORT[minor])).to.be.greaterThan(
                    Date.parse(EKS_END_OF_STANDARD_SUPPORT[minors[i - 1]]),
                );
            }
        });
    });

    it("enforces NetworkPolicy through the VPC CNI's network policy agent", () => {
        expect(JSON.parse(addon(prod, "vpc-cni").inputs.configurationValues)).to.deep.equal({
            enableNetworkPolicy: "true",
        });
    });

    it("pays for extended support only when aws.extendedSupport says so, and refuses STANDARD for a minor past standard support", () => {
        // prod-eks runs 1.35, in standard support until 2027-03-27: STANDARD, nothing billed beyond the base price.
        expect(the(prod, "aws:eks/cluster:Cluster").inputs.upgradePolicy).to.deep.equal({ supportType: "STANDARD" });
        expect(the(extended, "aws:eks/cluster:Cluster").inputs.upgradePolicy).to.deep.equal({
            supportType: "EXTENDED",
        });
        // 1.32 and 1.33 left standard support on 2026-03-23 and 2026-07-29 (endoflife.date/amazon-eks).
        for (const version of ["1.32", "1.33"]) {
            const r = refused("prod-eks", {
                kubernetesVersion: version,
                aws: { ...(readStackFile("prod-eks").config.aws as Obj), extendedSupport: false },
            });
            expect(
                r.issues.map((i) => i.key),
                version,
            ).to.deep.equal(["airflow-platform:aws.extendedSupport"]);
            expect(r.message).to.contain(
                `Kubernetes ${version} left EKS standard support on ${EKS_END_OF_STANDARD_SUPPORT[version]}`,
            );
        }
        expect(eksStandardSupportEnded("1.33", new Date("2026-07-28T23:59:59Z"))).to.equal(undefined);
        expect(eksStandardSupportEnded("1.33", new Date("2026-07-29T00:00:00Z"))).to.equal("2026-07-29");
        expect(eksStandardSupportEnded("1.32", new Date("2026-12-01T00:00:00Z"))).to.equal("2026-03-23");
        // 1.34 ends on 2026-12-02 and 1.35 on 2027-03-27: refused from that day on.
        expect(eksStandardSupportEnded("1.34", new Date("2026-12-01T23:59:59Z"))).to.equal(undefined);
        expect(eksStandardSupportEnded("1.34", new Date("2026-12-02T00:00:00Z"))).to.equal("2026-12-02");
        expect(eksStandardSupportEnded("1.35", new Date("2027-03-26T23:59:59Z"))).to.equal(undefined);
        expect(eksStandardSupportEnded("1.35", new Date("2027-03-27T00:00:00Z"))).to.equal("2027-03-27");
        // Every pinned minor has its date.
        expect(Object.keys(EKS_END_OF_STANDARD_SUPPORT)).to.deep.equal(Object.keys(EKS_ADDON_VERSIONS));
    });

    it("defaults kubernetesVersion to the pinned minor in standard support the longest, which KEDA is tested on", () => {
        const file = readStackFile("prod-eks");
        const { kubernetesVersion: _set, ...unset } = file.config;
        const config = parseStackConfig("prod-eks", unset, file.secrets);
        // STANDARD support (extendedSupport false in prod-eks) is accepted for the default: it has not ended.
        expect(config.kubernetesVersion).to.equal(DEFAULT_EKS_KUBERNETES_VERSION).and.to.equal("1.35");
        expect(config.aws?.extendedSupport).to.equal(false);
        const today = new Date(`${TEST_TODAY}T00:00:00Z`);
        const inSupport = Object.keys(EKS_ADDON_VERSIONS).filter((m) => !eksStandardSupportEnded(m, today));
        const longest = inSupport.sort((a, b) =>
            EKS_END_OF_STANDARD_SUPPORT[b].localeCompare(EKS_END_OF_STANDARD_SUPPORT[a]),
        )[0];
        expect(DEFAULT_EKS_KUBERNETES_VERSION).to.equal(longest);
        // KEDA's tested window (keda.sh compatibility matrix) holds the default and each minor of the way from 1.33.
        const [lowest, highest] = KEDA_TESTED_KUBERNETES.map((m) => Number(m.split(".")[1]));
        for (const minor of ["1.33", "1.34", DEFAULT_EKS_KUBERNETES_VERSION, file.config.kubernetesVersion as string])
            expect(Number(minor.split(".")[1]), minor).to.be.within(lowest, highest);
    });

    it("checks the end of standard support against the program's day: AIRFLOW_PLATFORM_TODAY, else the clock", () => {
        expect(process.env[TODAY_VARIABLE], "the tests' fixed day").to.equal(TEST_TODAY);
        const now = new Date("2030-01-02T03:04:05Z");
        expect(programToday({}, now)).to.equal(now);
        expect(programToday({ [TODAY_VARIABLE]: "" }, now)).to.equal(now);
        expect(programToday({ [TODAY_VARIABLE]: "2027-03-27" }, now).toISOString()).to.equal(
            "2027-03-27T00:00:00.000Z",
        );
        for (const bad of ["2027-3-27", "2027-02-30", "tomorrow"])
            expect(() => programToday({ [TODAY_VARIABLE]: bad }), bad).to.throw(
                `${TODAY_VARIABLE}="${bad}" is not a day`,
            );
        // The same prod-eks file: accepted on the tests' day, refused from the day 1.35 leaves standard support.
        const file = readStackFile("prod-eks");
        expect(parseStackConfig("prod-eks", file.config, file.secrets).kubernetesVersion).to.equal("1.35");
        process.env[TODAY_VARIABLE] = EKS_END_OF_STANDARD_SUPPORT["1.35"];
        try {
            const r = configError(() => parseStackConfig("prod-eks", file.config, file.secrets));
            expect(r.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:aws.extendedSupport"]);
            expect(r.message).to.contain("Kubernetes 1.35 left EKS standard support on 2027-03-27");
        } finally {
            process.env[TODAY_VARIABLE] = TEST_TODAY;
        }
    });

    it("balances the per-AZ on-demand groups: every node label that differs between them is ignored by the autoscaler", () => {
        // Recorded upstream data (test/fixtures/cluster-autoscaler/README.md): the comparator's built-in ignore list,
        // and what each label EKS and the kubelet put on a managed group's node takes its value from.
        const builtIn = JSON.parse(readFileSync(`${FIXTURES}/balancing-ignored-labels.json`, "utf8"));
        const nodeLabels: Record<string, string> = JSON.parse(
            readFileSync(`${FIXTURES}/eks-node-labels.json`, "utf8"),
        ).labels;
        const groups = nodeGroups(prod).filter((g) => /on-demand-\d+$/.test(g.name));
        expect(groups.length).to.be.greaterThan(1);
        const byUrn = new Map(prod.resources.map((r) => [r.urn, r]));
        // A node of each group, as its labels would be: our own, then EKS's and the kubelet's from their sources.
        const labelsOf = (group: PlannedResource): Record<string, string> => {
            const template = group.dependencies.find(
                (urn) => byUrn.get(urn)?.type === "aws:ec2/launchTemplate:LaunchTemplate",
            );
            expect(template, group.name).to.not.equal(undefined);
            const source: Record<string, unknown> = {
                capacityType: group.inputs.capacityType,
                nodegroup: group.urn,
                launchTemplate: template,
                region: "region",
                subnet: group.inputs.subnetIds,
                node: `${group.urn} node`,
                amiType: group.inputs.amiType,
                instanceTypes: group.inputs.instanceTypes,
                cluster: group.inputs.clusterName,
            };
            const derived = Object.entries(nodeLabels).map(([label, from]) => [label, JSON.stringify(source[from])]);
            return { ...Object.fromEntries(derived), ...(group.inputs.labels as Record<string, string>) };
        };
        const [first, ...others] = groups.map(labelsOf);
        const differing = Object.keys(first).filter((label) => others.some((labels) => labels[label] !== first[label]));
        expect(differing).to.include("eks.amazonaws.com/sourceLaunchTemplateId");
        const extraArgs = harness.helmValues(prod, "cluster-cluster-autoscaler").extraArgs as Record<string, unknown>;
        expect(extraArgs["balance-similar-node-groups"]).to.equal(true);
        // The chart renders `--<key up to the first _>=<value>` (cluster-autoscaler chart 9.50.1 deployment.yaml).
        const flagged = Object.entries(extraArgs)
            .filter(([key]) => key.split("_")[0] === "balancing-ignore-label")
            .map(([, label]) => label);
        const ignored = new Set([...builtIn.basicIgnoredLabels, ...builtIn.awsIgnoredLabels, ...flagged]);
        expect(differing.filter((label) => !ignored.has(label))).to.deep.equal([]);
    });

    it("lets the cluster autoscaler resize only its own cluster's Auto Scaling groups", () => {
        const policy = JSON.parse(
            ofType(prod, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "cluster-cluster-autoscaler-inline")!
                .inputs.policy,
        );
        const write = policy.Statement.find((s: Obj) => s.Action.includes("autoscaling:SetDesiredCapacity"));
        expect(write.Condition).to.deep.equal({
            StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/airflow-prod-eks": "owned" },
        });
        const unconditioned = clusterAutoscalerPolicy("x")
            .Statement.filter((s) => !s.Condition)
            .flatMap((s) => s.Action as string[]);
        expect(unconditioned.every((a) => /:(Describe|Get)/.test(a))).to.equal(true);
    });

    it("RDS: a postgresVersion bump may upgrade the major, storage autoscales, no paid extended support by default", () => {
        const instance = the(prod, "aws:rds/instance:Instance").inputs;
        expect(instance).to.include({
            allowMajorVersionUpgrade: true,
            maxAllocatedStorage: 200,
            engineLifecycleSupport: "open-source-rds-extended-support-disabled",
        });
        expect(the(extended, "aws:rds/instance:Instance").inputs.engineLifecycleSupport).to.equal(
            "open-source-rds-extended-support",
        );
        const r = refused("prod-eks", { database: { mode: "managed", storageGb: 100, maxStorageGb: 50 } });
        expect(r.issues.map((i) => i.key)).to.deep.equal(["airflow-platform:database.maxStorageGb"]);
    });

    it("RDS: the final snapshot's name is unique to the stack's lifetime, so a second destroy does not collide", () => {
        const instance = the(prod, "aws:rds/instance:Instance");
        const suffix = the(prod, "random:index/randomId:RandomId", "cluster-db-final-snapshot");
        expect(instance.inputs.skipFinalSnapshot).to.equal(false);
        expect(instance.inputs.finalSnapshotIdentifier).to.not.equal("airflow-prod-eks-final");
        expect(instance.dependencies).to.include(suffix.urn);
    });

    it("EFS: existing private subnets must be one per AZ (one mount target per AZ); the error names the key", () => {
        expect(
            subnetsSharingAZ([
                { subnet: "subnet-a", zone: "eu-west-1a" },
                { subnet: "subnet-b", zone: "eu-west-1a" },
                { subnet: "subnet-c", zone: "eu-west-1b" },
            ]),
        ).to.equal(
            "subnet-a and subnet-b are all in eu-west-1a: list one private subnet per availability zone (EFS takes one mount target per AZ)",
        );
        expect(
            subnetsSharingAZ([
                { subnet: "subnet-a", zone: "eu-west-1a" },
                { subnet: "subnet-b", zone: "eu-west-1b" },
            ]),
        ).to.equal(undefined);
        // A created VPC has one private subnet per AZ: one mount target each.
        expect(
            ofType(prod, "aws:efs/mountTarget:MountTarget")
                .map((m) => m.inputs.subnetId)
                .sort(),
        ).to.deep.equal(["subnet-private-0", "subnet-private-1", "subnet-private-2"]);
    });

    it("EFS: the plan reads each existing subnet's AZ and refuses two in one AZ; a mount target is deleted before its replacement", async () => {
        const aws = readStackFile("prod-eks").config.aws as Obj;
        const existing = (zones: Record<string, string>) =>
            planOf("prod-eks", {
                config: { aws: { ...aws, vpc: { existingVpcId: "vpc-0abc", privateSubnetIds: Object.keys(zones) } } },
                // What EC2 answers for each subnet: aws.ec2.getSubnet's availabilityZone.
                invokes: {
                    "aws:ec2/getSubnet:getSubnet": Object.entries(zones).map(([id, zone]) => ({
                        args: { id },
                        result: { id, availabilityZone: zone },
                    })),
                },
            });
        const shared = await existing({ "subnet-a": "eu-west-1a", "subnet-b": "eu-west-1a" }).then(
            () => undefined,
            (err: unknown) => String(err),
        );
        expect(shared, "two subnets in one AZ must fail the plan").to.be.a("string");
        expect(shared).to.contain("airflow-platform:aws.vpc.privateSubnetIds");
        expect(shared).to.contain("subnet-a and subnet-b are all in eu-west-1a");
        const apart = await existing({ "subnet-a": "eu-west-1a", "subnet-b": "eu-west-1b" });
        const targets = ofType(apart, "aws:efs/mountTarget:MountTarget");
        expect(targets.map((m) => m.inputs.subnetId).sort()).to.deep.equal(["subnet-a", "subnet-b"]);
        // One mount target per AZ: a new subnet in the same AZ cannot get its target while the old one exists
        // (MountTargetConflict), so the old one goes first.
        for (const plan of [prod, apart])
            for (const target of ofType(plan, "aws:efs/mountTarget:MountTarget"))
                expect(target.deleteBeforeReplace, target.name).to.equal(true);
    });

    it("EFS's StorageClass does not claim volume expansion (the driver has none)", () => {
        const efs = harness
            .kubeObjects(prod, "StorageClass")
            .find((c) => (c.inputs as Obj).provisioner === "efs.csi.aws.com")!;
        expect((efs.inputs as Obj).allowVolumeExpansion).to.equal(false);
        expect(efsStorageClass({ fileSystemId: "fs-1", retain: true }).allowVolumeExpansion).to.equal(false);
    });
});

describe("cluster layer, day 2: create-only fields, resized disks, fixed names, destroy", () => {
    let dev: Plan;
    let prodGke: Plan;
    let prodEks: Plan;
    let devEks: Plan;
    before(async () => {
        [dev, prodGke, prodEks, devEks] = await Promise.all([
            planOf("dev"),
            planOf("prod-gke"),
            planOf("prod-eks"),
            // As test/cluster-plan.test.ts's unprotected prod-eks variant, so the plan is shared.
            planOf("prod-eks", { config: { deletionProtection: false } }),
        ]);
    });

    it("RDS: engineLifecycleSupport is create-only (RDS keeps the value it was created or restored with)", () => {
        const rds = the(prodEks, "aws:rds/instance:Instance");
        expect(rds.inputs.engineLifecycleSupport).to.equal("open-source-rds-extended-support-disabled");
        expect(rds.ignoreChanges).to.include("engineLifecycleSupport");
    });

    it("Cloud SQL: the disk size diskAutoresize grew is not set back by a later up (which would replace the instance)", () => {
        const sql = the(prodGke, "gcp:sql/databaseInstance:DatabaseInstance");
        expect(sql.inputs.settings).to.include({ diskAutoresize: true, diskSize: 50 });
        expect(sql.ignoreChanges).to.include("settings.diskSize");
    });

    it("Service Networking: abandoned on destroy, and a re-created stack updates the abandoned connection's ranges", () => {
        const connection = the(prodGke, "gcp:servicenetworking/connection:Connection").inputs;
        expect(connection).to.include({ deletionPolicy: "ABANDON", updateOnCreationFail: true });
    });

    it("deletes the fixed-name GKE cluster, network and subnet and the EKS cluster before re-creating them", () => {
        const fixed = (plan: Plan) =>
            plan.resources.filter(
                (r) =>
                    [
                        "gcp:container/cluster:Cluster",
                        "gcp:compute/network:Network",
                        "aws:eks/cluster:Cluster",
                    ].includes(r.type) ||
                    (r.type === "gcp:compute/subnetwork:Subnetwork" && r.name === "cluster-subnet"),
            );
        for (const plan of [dev, prodGke])
            expect(
                fixed(plan)
                    .map((r) => r.type)
                    .sort(),
                plan.stack,
            ).to.have.length(3);
        for (const plan of [dev, prodGke, prodEks, devEks])
            for (const r of fixed(plan))
                expect(r.deleteBeforeReplace, `${plan.stack} ${r.type} ${r.name}`).to.equal(true);
        // In a protected stack Pulumi refuses the replacement at preview, before deleting anything.
        expect(the(prodGke, "gcp:container/cluster:Cluster").protect).to.equal(true);
        expect(the(dev, "gcp:container/cluster:Cluster").protect).to.equal(false);
        expect(the(devEks, "aws:eks/cluster:Cluster").protect).to.equal(false);
    });

    it("enables STS and IAM Credentials, which Workload Identity's impersonation of a Google service account needs", () => {
        for (const plan of [dev, prodGke]) {
            const apis = ofType(plan, "gcp:projects/service:Service").map((a) => a.inputs.service);
            expect(apis, plan.stack).to.include.members(["iamcredentials.googleapis.com", "sts.googleapis.com"]);
        }
    });
});

describe("cluster layer, EKS access entries: one per IAM principal", () => {
    const admins = "arn:aws:iam::123456789012:role/platform-admins";
    const entries = (readStackFile("prod-eks").config.aws as Obj).accessEntries as Obj[];
    const withEntries = (accessEntries: Obj[]) => ({
        aws: { ...(readStackFile("prod-eks").config.aws as Obj), accessEntries },
    });

    it("refuses an IAM principal listed twice in aws.accessEntries, naming the second item's key", () => {
        const r = refused(
            "prod-eks",
            withEntries([...entries, { principalArn: admins, accessPolicy: "AmazonEKSViewPolicy" }]),
        );
        expect(r.issues.map((i) => i.key)).to.deep.equal([
            `airflow-platform:aws.accessEntries[${entries.length}].principalArn`,
        ]);
        expect(r.message)
            .to.contain("is also aws.accessEntries[0].principalArn")
            .and.contain("one access entry per IAM principal");
    });

    it("refuses a devspace owner who already has an access entry, or owns a second devspace", () => {
        const file = readStackFile("dev");
        const template = (file.config.devspaces as Obj[])[0];
        const devspace = (name: string, aws: string) => ({ ...template, name, owner: { aws } });
        const eksDev = {
            ...file.config,
            cloud: "eks",
            gcp: undefined,
            aws: { region: "eu-west-1", accessEntries: [{ principalArn: admins }] },
            database: { mode: "bundled" },
            devspaces: [
                devspace("alice", admins),
                devspace("bob", "arn:aws:iam::123456789012:user/bob"),
                devspace("bob2", "arn:aws:iam::123456789012:user/bob"),
            ],
        };
        const r = configError(() => parseStackConfig("dev", eksDev, file.secrets));
        const access = r.issues
            .filter((i) => i.message.includes("one access entry per IAM principal"))
            .map((i) => i.key);
        expect(access).to.deep.equal([
            "airflow-platform:devspaces[0].owner.aws",
            "airflow-platform:devspaces[2].owner.aws",
        ]);
        // The reference stacks name each principal once.
        expect(() =>
            parseStackConfig("prod-eks", readStackFile("prod-eks").config, readStackFile("prod-eks").secrets),
        ).to.not.throw();
    });
});
