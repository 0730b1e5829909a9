/**
 * GkeCluster: a VPC-native, private-node GKE cluster with an on-demand pool and a spot pool, Workload Identity,
 * the Filestore CSI driver and a ReadWriteMany StorageClass, a ReadWriteOnce pd-balanced StorageClass (Retain in
 * production); plus the Cloud SQL metadata database when asked for.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GcpConfig, StackConfig } from "../../../stacks/config";
import {
    gkeControlPlaneEndpoints,
    gkeMasterAuthorizedNetworks,
    gkeUsesDnsEndpoint,
    openControlPlaneWarning,
} from "../control-plane";
import { gkeKubeconfig } from "../kubeconfig";
import { managedPlacements } from "../placement";
import { BLOCK_STORAGE_CLASS, SHARED_STORAGE_CLASS, filestoreStorageClass, pdBalancedStorageClass } from "../storage";
import {
    Cluster,
    DatabaseConnection,
    IngressDriver,
    PoolPlacements,
    ServiceAccountBinding,
    ServiceAccountBindingRequest,
} from "../types";
import { createGkeIngressDriver } from "../ingress/gke";
import { CloudSqlDatabase } from "./database";
import {
    GkeNodePoolSpec,
    cloudNatPorts,
    gcpAccountId,
    gkeMaintenancePolicy,
    gkeNodePoolSpec,
    gkeSpotPoolSpecs,
    workersComputeClass,
    workloadIdentityMember,
} from "./specs";

export interface GkeClusterArgs {
    /**
     * The resolved stack config. Reads `clusterName`, `gcp` (required), `nodePools`, `database` (a Cloud SQL
     * instance when `database.mode` is managed), `deletionProtection` (Pulumi `protect` on the cluster) and
     * `production` (Retain storage classes).
     */
    config: StackConfig;
}

/**
 * Google APIs the cluster layer uses, enabled by the stack. Enabling an API goes through Service Usage, and the
 * project-level IAM bindings through Cloud Resource Manager: those two cannot enable themselves, so a fresh project
 * needs `gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com` once (docs/cluster.md,
 * "Bootstrap a fresh project"). Every other resource waits for the APIs it uses.
 */
export function requiredApis(managedDatabase: boolean): string[] {
    const apis = [
        "compute.googleapis.com",
        "container.googleapis.com",
        "file.googleapis.com",
        "iam.googleapis.com",
        // Workload Identity: a pod's Kubernetes token is exchanged at STS, then impersonates its Google service
        // account through IAM Credentials (GKE docs, "Authenticate to Google Cloud APIs from GKE workloads":
        // enable the IAM Service Account Credentials API; google/kctf#194): without them a pod gets no Google token.
        "iamcredentials.googleapis.com",
        "sts.googleapis.com",
    ];
    return managedDatabase ? [...apis, "sqladmin.googleapis.com", "servicenetworking.googleapis.com"] : apis;
}

export class GkeCluster extends pulumi.ComponentResource implements Cluster {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly placement: PoolPlacements;
    readonly sharedStorageClassName: pulumi.Output<string>;
    readonly blockStorageClassName: pulumi.Output<string>;
    readonly database?: DatabaseConnection;
    readonly readiness: pulumi.Resource[];
    readonly ingress: IngressDriver;

    /** For cloud-specific add-ons (ingress): the explicit GCP provider, project, region and VPC network. */
    readonly gcpProvider: gcp.Provider;
    readonly project: string;
    readonly region: string;
    readonly networkName: pulumi.Output<string>;
    /** Network ID, `projects/<project>/global/networks/<name>`. */
    readonly networkId: pulumi.Output<string>;
    readonly cluster: gcp.container.Cluster;
    /** The control plane's pool, one spot pool per machine family, and the workers' on-demand fallback. */
    readonly nodePools: {
        onDemand: gcp.container.NodePool;
        spot: gcp.container.NodePool[];
        fallback: gcp.container.NodePool;
    };

    private readonly resourceName: string;
    private readonly clusterNameText: string;
    /** The workload identity pool `<project>.svc.id.goog` exists once the cluster does: bindings wait for it. */
    private identityPoolReady: pulumi.Resource[] = [];

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airflow-platform:cluster:GkeCluster", name, {}, opts);
        const config = args.config;
        const gcpConfig = config.gcp as GcpConfig;
        if (!gcpConfig) throw new Error("GkeCluster needs the gcp section of the stack config");
        this.resourceName = name;
        this.clusterNameText = config.clusterName;
        this.project = gcpConfig.project;
        this.region = gcpConfig.region;
        const net = gcpConfig.network;
        const managedDatabase = config.database.mode === "managed";

        // Explicit provider: never the ambient gcp:project / gcp:region of whoever runs `pulumi up`.
        this.gcpProvider = new gcp.Provider(
            `${name}-gcp`,
            {
                project: gcpConfig.project,
                region: gcpConfig.region,
                defaultLabels: { "airflow-platform-stack": config.stack, "managed-by": "pulumi" },
            },
            { parent: this },
        );
        const withGcp: pulumi.CustomResourceOptions = { parent: this, provider: this.gcpProvider };
        const openWarning = openControlPlaneWarning(config);
        if (openWarning) pulumi.log.warn(openWarning, this);

        const apis = requiredApis(managedDatabase).map(
            (service) =>
                new gcp.projects.Service(
                    `${name}-api-${service.split(".")[0]}`,
                    // Other stacks of the project may use the same APIs: never disable them on destroy.
                    { project: gcpConfig.project, service, disableOnDestroy: false, disableDependentServices: false },
                    withGcp,
                ),
        );

        // Network: our own VPC and subnet with the secondary ranges, or existing ones by name. The network, subnet and
        // cluster have fixed names: a replacement (a ForceNew change such as datapathProvider, magic-modules#6657, or a
        // CIDR) deletes the old one first, or the create fails on the duplicate name; where `protect` is on, Pulumi
        // refuses the replacement at preview (pulumi/pulumi step_generator.go: "unable to replace resource").
        const network = net.existingNetwork
            ? undefined
            : new gcp.compute.Network(
                  `${name}-network`,
                  { name: config.clusterName, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
                  { ...withGcp, dependsOn: apis, deleteBeforeReplace: true },
              );
        this.networkName = network ? network.name : pulumi.output(net.existingNetwork as string);
        this.networkId = network
            ? network.id
            : pulumi.output(`projects/${gcpConfig.project}/global/networks/${net.existingNetwork}`);
        const subnetwork = net.existingSubnetwork
            ? undefined
            : new gcp.compute.Subnetwork(
                  `${name}-subnet`,
                  {
                      name: `${config.clusterName}-nodes`,
                      region: gcpConfig.region,
                      network: this.networkId,
                      ipCidrRange: net.nodesCidr,
                      // Private nodes reach Google APIs (Artifact Registry, GCS, Cloud SQL Admin) without NAT.
                      privateIpGoogleAccess: true,
                      secondaryIpRanges: [
                          { rangeName: net.podsRangeName, ipCidrRange: net.podsCidr },
                          { rangeName: net.servicesRangeName, ipCidrRange: net.servicesCidr },
                      ],
                  },
                  { ...withGcp, dependsOn: apis, deleteBeforeReplace: true },
              );
        const subnetworkName = subnetwork ? subnetwork.name : pulumi.output(net.existingSubnetwork as string);

        // Private nodes have no external IP: Cloud NAT lets them pull images from Docker Hub and clone DAGs from GitHub.
        const natDependencies: pulumi.Resource[] = [];
        if (network) {
            // Fixed names and one NAT per subnet range: a replacement must delete the old one first (a 409 otherwise).
            const router = new gcp.compute.Router(
                `${name}-router`,
                { name: `${config.clusterName}-router`, region: gcpConfig.region, network: network.id },
                { ...withGcp, dependsOn: apis, deleteBeforeReplace: true },
            );
            natDependencies.push(
                new gcp.compute.RouterNat(
                    `${name}-nat`,
                    {
                        name: `${config.clusterName}-nat`,
                        router: router.name,
                        region: gcpConfig.region,
                        natIpAllocateOption: "AUTO_ONLY",
                        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                        ...cloudNatPorts(),
                        logConfig: { enable: true, filter: "ERRORS_ONLY" },
                    },
                    { ...withGcp, deleteBeforeReplace: true },
                ),
            );
        }

        // Nodes run as a dedicated least-privilege service account, not the project's default compute account.
        const nodeAccount = new gcp.serviceaccount.Account(
            `${name}-nodes`,
            { accountId: gcpAccountId(config.clusterName, "nodes"), displayName: `GKE nodes of ${config.clusterName}` },
            { ...withGcp, dependsOn: apis },
        );
        const nodeRoles = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"].map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-nodes-${role.split("/")[1].split(".")[0]}`,
                    {
                        project: gcpConfig.project,
                        role,
                        member: pulumi.interpolate`serviceAccount:${nodeAccount.email}`,
                    },
                    { ...withGcp, dependsOn: apis },
                ),
        );

        this.cluster = new gcp.container.Cluster(
            `${name}-gke`,
            {
                name: config.clusterName,
                location: gcpConfig.region,
                network: this.networkId,
                subnetwork: subnetwork ? subnetwork.id : subnetworkName,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: {
                    clusterSecondaryRangeName: net.podsRangeName,
                    servicesSecondaryRangeName: net.servicesRangeName,
                },
                // The default pool cannot be spot or tainted: remove it and manage the pools ourselves. Until it is
                // removed it runs as our node account: hardened projects have no Compute Engine default account.
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: {
                    serviceAccount: nodeAccount.email,
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                },
                // Dataplane V2 (eBPF) enforces NetworkPolicy; the legacy datapath ignores it without Calico.
                datapathProvider: "ADVANCED_DATAPATH",
                maintenancePolicy: gkeMaintenancePolicy(gcpConfig.maintenanceWindow),
                releaseChannel: { channel: gcpConfig.releaseChannel },
                workloadIdentityConfig: { workloadPool: `${gcpConfig.project}.svc.id.goog` },
                privateClusterConfig: {
                    enablePrivateNodes: true,
                    enablePrivateEndpoint: false,
                    masterIpv4CidrBlock: net.masterIpv4CidrBlock,
                },
                // The public IP endpoint admits only controlPlane.authorizedNetworks; CI and developers use the DNS endpoint.
                masterAuthorizedNetworksConfig: gkeMasterAuthorizedNetworks(config.controlPlane.authorizedNetworks),
                controlPlaneEndpointsConfig: gkeControlPlaneEndpoints(config.controlPlane),
                // The PD CSI driver provisions the ReadWriteOnce volumes; explicit, as GKE asks Standard clusters to enable it.
                addonsConfig: {
                    gcpFilestoreCsiDriverConfig: { enabled: true },
                    gcePersistentDiskCsiDriverConfig: { enabled: true },
                },
                // The ingress driver routes through a Gateway (GKE's Gateway API controller).
                gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
                deletionProtection: config.deletionProtection,
                resourceLabels: { "airflow-platform-stack": config.stack },
            },
            // nodeConfig only describes the removed default pool: changing it would replace the cluster (ForceNew).
            {
                ...withGcp,
                protect: config.deletionProtection,
                deleteBeforeReplace: true,
                dependsOn: [...apis, ...natDependencies, ...nodeRoles],
                ignoreChanges: ["nodeConfig"],
            },
        );

        const pool = (spec: GkeNodePoolSpec) =>
            new gcp.container.NodePool(
                `${name}-${spec.name}`,
                {
                    // A prefix, not a fixed name: a change that replaces the pool (spot, service account, scopes)
                    // creates the new pool before deleting the old one, which a fixed name would collide with. machineType, diskType and diskSizeGb change in place (a surge upgrade)
                    // since terraform-provider-google v5.10 (GoogleCloudPlatform/magic-modules#9575).
                    namePrefix: `${spec.name}-`,
                    cluster: this.cluster.name,
                    location: gcpConfig.region,
                    // Per zone, at creation only; the autoscaler owns the count afterwards.
                    initialNodeCount: spec.totalMinNodeCount > 0 ? 1 : 0,
                    autoscaling: {
                        totalMinNodeCount: spec.totalMinNodeCount,
                        totalMaxNodeCount: spec.totalMaxNodeCount,
                        locationPolicy: spec.locationPolicy,
                    },
                    management: { autoRepair: true, autoUpgrade: true },
                    upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
                    nodeConfig: {
                        machineType: spec.machineType,
                        diskSizeGb: spec.diskSizeGb,
                        diskType: "pd-balanced",
                        spot: spec.spot,
                        labels: spec.labels,
                        taints: spec.taints,
                        serviceAccount: nodeAccount.email,
                        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                        workloadMetadataConfig: { mode: "GKE_METADATA" },
                        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                    },
                },
                { ...withGcp, dependsOn: nodeRoles, ignoreChanges: ["initialNodeCount"] },
            );
        this.nodePools = {
            onDemand: pool(gkeNodePoolSpec("onDemand", config.nodePools.onDemand)),
            spot: gkeSpotPoolSpecs(config.nodePools.spot).map(pool),
            fallback: pool(gkeNodePoolSpec("fallback", config.nodePools.fallback)),
        };

        this.clusterName = this.cluster.name;
        // GKE reports a bare IP; the interface's endpoint is a URL, as on EKS and in a kubeconfig.
        this.endpoint = this.cluster.endpoint.apply((ip) => `https://${ip}`);
        // The DNS endpoint serves a publicly trusted certificate, not the cluster CA (kubeswitch#163, gcpdiag#115).
        const dnsEndpoint = gkeUsesDnsEndpoint(config.controlPlane)
            ? this.cluster.controlPlaneEndpointsConfig.apply((c) => c.dnsEndpointConfig?.endpoint)
            : undefined;
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth, dnsEndpoint])
                .apply(([clusterName, endpoint, auth, dns]) =>
                    gkeKubeconfig(
                        dns
                            ? { name: clusterName, endpoint: dns }
                            : { name: clusterName, endpoint, caData: auth.clusterCaCertificate ?? "" },
                    ),
                ),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            // Workloads need nodes: nothing is applied before the on-demand pool exists.
            { parent: this, dependsOn: [this.nodePools.onDemand] },
        );
        this.placement = managedPlacements("gke");

        // The workers' pools in order: spot pools first, the on-demand fallback last (the pools carry its label and taint).
        const computeClass = new k8s.apiextensions.CustomResource(
            `${name}-workers-compute-class`,
            workersComputeClass({
                spot: this.nodePools.spot.map((p) => p.name),
                fallback: this.nodePools.fallback.name,
            }),
            { parent: this, provider: this.provider },
        );

        const storageClassSpec = (network: string) =>
            filestoreStorageClass({
                network,
                mode: gcpConfig.sharedStorage,
                retain: config.production,
                className: SHARED_STORAGE_CLASS,
            });
        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-${SHARED_STORAGE_CLASS}`,
            {
                metadata: { name: SHARED_STORAGE_CLASS },
                ...storageClassSpec(config.clusterName),
                // The driver would otherwise look for the `default` network.
                parameters: this.networkName.apply((network) => storageClassSpec(network).parameters),
            },
            { parent: this, provider: this.provider },
        );
        this.sharedStorageClassName = storageClass.metadata.name;

        // Our own class, not GKE's standard-rwo: GKE manages that one and it always deletes the disk with the PVC.
        const blockClass = new k8s.storage.v1.StorageClass(
            `${name}-${BLOCK_STORAGE_CLASS.gke}`,
            { metadata: { name: BLOCK_STORAGE_CLASS.gke }, ...pdBalancedStorageClass({ retain: config.production }) },
            { parent: this, provider: this.provider },
        );
        this.blockStorageClassName = blockClass.metadata.name;

        if (managedDatabase) {
            const db = new CloudSqlDatabase(
                `${name}-db`,
                {
                    config,
                    networkId: this.networkId,
                    gcpProvider: this.gcpProvider,
                    dependsOn: apis,
                    privateServicesAccess: net.privateServicesAccess,
                },
                { parent: this },
            );
            this.database = db.connection;
        }

        this.ingress = createGkeIngressDriver(
            `${name}-ingress`,
            {
                stack: config,
                project: this.project,
                region: this.region,
                createdNetwork: network?.id,
                provider: this.provider,
            },
            { ...withGcp, dependsOn: apis },
        );

        this.identityPoolReady = [this.cluster, ...apis];
        this.readiness = [
            this.nodePools.onDemand,
            ...this.nodePools.spot,
            this.nodePools.fallback,
            computeClass,
            storageClass,
            blockClass,
        ];
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            sharedStorageClassName: this.sharedStorageClassName,
            blockStorageClassName: this.blockStorageClassName,
        });
    }

    /** GKE Workload Identity: a Google service account the Kubernetes one may impersonate, with bucket access. */
    bindServiceAccount(request: ServiceAccountBindingRequest): ServiceAccountBinding {
        const withGcp: pulumi.CustomResourceOptions = { parent: this, provider: this.gcpProvider };
        const prefix = `${this.resourceName}-${request.name}`;
        const account = new gcp.serviceaccount.Account(
            `${prefix}-gsa`,
            {
                accountId: gcpAccountId(this.clusterNameText, request.name),
                displayName: pulumi.interpolate`${request.namespace}/${request.serviceAccountName} (Workload Identity)`,
            },
            { ...withGcp, dependsOn: this.identityPoolReady },
        );
        const workloadIdentity = new gcp.serviceaccount.IAMMember(
            `${prefix}-workload-identity`,
            {
                serviceAccountId: account.name,
                role: "roles/iam.workloadIdentityUser",
                member: pulumi
                    .all([request.namespace, request.serviceAccountName])
                    .apply(([ns, sa]) => workloadIdentityMember(this.project, ns, sa)),
            },
            // "Identity Pool does not exist" until the cluster with Workload Identity has been created.
            { ...withGcp, dependsOn: this.identityPoolReady },
        );
        const bucketBindings = (request.bucketAccess ?? []).map(
            (bucket, i) =>
                new gcp.storage.BucketIAMMember(
                    `${prefix}-bucket-${i}`,
                    {
                        bucket,
                        role: "roles/storage.objectAdmin",
                        member: pulumi.interpolate`serviceAccount:${account.email}`,
                    },
                    withGcp,
                ),
        );
        // Resolve only once the Kubernetes service account may impersonate the Google one and reach its buckets:
        // a pod started earlier gets permission errors.
        const identity = pulumi
            .all([account.email, workloadIdentity.id, ...bucketBindings.map((b) => b.id)])
            .apply(([email]) => email);
        return {
            annotations: identity.apply((email): Record<string, string> => ({
                "iam.gke.io/gcp-service-account": email,
            })),
            identity,
        };
    }
}
