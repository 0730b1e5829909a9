/**
 * GkeCluster: a VPC-native, private-node GKE cluster with an on-demand pool and a spot pool, Workload Identity,
 * the Filestore CSI driver and a ReadWriteMany StorageClass, a ReadWriteOnce pd-balanced StorageClass (Retain in
 * production); plus the Cloud SQL metadata database when asked for.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterBase, ClusterParts } from "../base";
import { gkeUsesDnsEndpoint, openControlPlaneWarning } from "../control-plane";
import { createGkeIngressDriver } from "../ingress/gke";
import { gkeKubeconfig } from "../kubeconfig";
import { managedPlacements } from "../placement";
import { BLOCK_STORAGE_CLASS, SHARED_STORAGE_CLASS, filestoreStorageClass, pdBalancedStorageClass } from "../storage";
import type { ServiceAccountBinding, ServiceAccountBindingRequest } from "../types";
import { refuseArgs } from "../../validation";
import { type GkeClusterArgs, type ResolvedGkeClusterArgs, withGkeClusterDefaults } from "./args";
import { checkGkeClusterArgs } from "./checks";
import { CloudSqlDatabase } from "./database";
import { GkeWorkloadIdentityTarget, bindGkeServiceAccount, gkeNodeIdentity } from "./identity";
import { gkeNetwork } from "./network";
import { GkeNodePools, gkeControlPlane, gkeNodePools, gkeWorkersComputeClass } from "./nodes";

export type { GkeClusterArgs } from "./args";
export { withGkeClusterDefaults } from "./args";
export { checkCloudSqlArgs, checkGkeClusterArgs } from "./checks";

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

/** The GKE-specific parts a `GkeCluster` keeps for cloud-specific add-ons, beside the `Cluster` outputs. */
interface GkeParts extends ClusterParts {
    gcpProvider: gcp.Provider;
    networkName: pulumi.Output<string>;
    networkId: pulumi.Output<string>;
    cluster: gcp.container.Cluster;
    nodePools: GkeNodePools;
    identity: GkeWorkloadIdentityTarget;
}

/** The StorageClasses: Filestore (ReadWriteMany, task logs) and pd-balanced (ReadWriteOnce, Retain in production). */
function gkeStorageClasses(
    name: string,
    args: Pick<ResolvedGkeClusterArgs, "clusterName" | "sharedStorage" | "production">,
    networkName: pulumi.Output<string>,
    opts: { parent: pulumi.Resource; provider: k8s.Provider },
) {
    const storageClassSpec = (network: string) =>
        filestoreStorageClass({
            network,
            mode: args.sharedStorage,
            retain: args.production,
            className: SHARED_STORAGE_CLASS,
        });
    const shared = new k8s.storage.v1.StorageClass(
        `${name}-${SHARED_STORAGE_CLASS}`,
        {
            metadata: { name: SHARED_STORAGE_CLASS },
            ...storageClassSpec(args.clusterName),
            // The driver would otherwise look for the `default` network.
            parameters: networkName.apply((network) => storageClassSpec(network).parameters),
        },
        opts,
    );
    // Our own class, not GKE's standard-rwo: GKE manages that one and it always deletes the disk with the PVC.
    const block = new k8s.storage.v1.StorageClass(
        `${name}-${BLOCK_STORAGE_CLASS.gke}`,
        { metadata: { name: BLOCK_STORAGE_CLASS.gke }, ...pdBalancedStorageClass({ retain: args.production }) },
        opts,
    );
    return { shared, block };
}

/** The kubeconfig: the DNS endpoint unless `controlPlane.endpoint` is "ip", with gke-gcloud-auth-plugin. */
function gkeClusterKubeconfig(cluster: gcp.container.Cluster, dns: boolean): pulumi.Output<string> {
    // The DNS endpoint serves a publicly trusted certificate, not the cluster CA (kubeswitch#163, gcpdiag#115).
    const dnsEndpoint = dns
        ? cluster.controlPlaneEndpointsConfig.apply((c) => c.dnsEndpointConfig?.endpoint)
        : undefined;
    return pulumi.secret(
        pulumi
            .all([cluster.name, cluster.endpoint, cluster.masterAuth, dnsEndpoint])
            .apply(([clusterName, endpoint, auth, dnsName]) =>
                gkeKubeconfig(
                    dnsName
                        ? { name: clusterName, endpoint: dnsName }
                        : { name: clusterName, endpoint, caData: auth.clusterCaCertificate ?? "" },
                ),
            ),
    );
}

/** Builds every part of a GKE cluster under `parent`, in dependency order. */
function gkeParts(name: string, args: ResolvedGkeClusterArgs, parent: pulumi.ComponentResource): GkeParts {
    const managedDatabase = args.database.mode === "managed";
    // Explicit provider: never the ambient gcp:project / gcp:region of whoever runs `pulumi up`.
    const gcpProvider = new gcp.Provider(
        `${name}-gcp`,
        {
            project: args.project,
            region: args.region,
            defaultLabels: { "airflow-platform-stack": args.stack, "managed-by": "pulumi" },
        },
        { parent },
    );
    const withGcp: pulumi.CustomResourceOptions = { parent, provider: gcpProvider };
    const openWarning = openControlPlaneWarning(args);
    if (openWarning) pulumi.log.warn(openWarning, parent);

    const apis = requiredApis(managedDatabase).map(
        (service) =>
            new gcp.projects.Service(
                `${name}-api-${service.split(".")[0]}`,
                // Other stacks of the project may use the same APIs: never disable them on destroy.
                { project: args.project, service, disableOnDestroy: false, disableDependentServices: false },
                withGcp,
            ),
    );
    const network = gkeNetwork(name, args, { withGcp, apis });
    const nodes = gkeNodeIdentity(name, args, { withGcp, apis });
    const cluster = gkeControlPlane(name, args, { network, nodes }, { withGcp, apis });
    const nodePools = gkeNodePools(name, args, { cluster, nodes }, { withGcp });

    const kubeconfig = gkeClusterKubeconfig(cluster, gkeUsesDnsEndpoint(args.controlPlane));
    const provider = new k8s.Provider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true },
        // Workloads need nodes: nothing is applied before the on-demand pool exists.
        { parent, dependsOn: [nodePools.onDemand] },
    );
    const computeClass = gkeWorkersComputeClass(name, nodePools, { parent, provider });
    const storageClasses = gkeStorageClasses(name, args, network.networkName, { parent, provider });

    const database =
        args.database.mode === "managed"
            ? new CloudSqlDatabase(
                  `${name}-db`,
                  {
                      database: args.database,
                      region: args.region,
                      stack: args.stack,
                      deletionProtection: args.deletionProtection,
                      networkId: network.networkId,
                      gcpProvider,
                      dependsOn: apis,
                      privateServicesAccess: args.network.privateServicesAccess,
                      networkCreatedByStack: network.network !== undefined,
                  },
                  { parent },
              )
            : undefined;

    const ingress = args.ingress
        ? createGkeIngressDriver(
              `${name}-ingress`,
              {
                  namePrefix: args.clusterName,
                  loadBalancer: args.ingress.loadBalancer,
                  project: args.project,
                  region: args.region,
                  createdNetwork: network.network?.id,
                  provider,
              },
              { ...withGcp, dependsOn: apis },
          )
        : undefined;

    return {
        outputs: {
            clusterName: cluster.name,
            // GKE reports a bare IP; the interface's endpoint is a URL, as on EKS and in a kubeconfig.
            endpoint: cluster.endpoint.apply((ip) => `https://${ip}`),
            kubeconfig,
            provider,
            placement: managedPlacements("gke"),
            sharedStorageClassName: storageClasses.shared.metadata.name,
            blockStorageClassName: storageClasses.block.metadata.name,
            database: database?.connection,
            readiness: [
                nodePools.onDemand,
                ...nodePools.spot,
                nodePools.fallback,
                computeClass,
                storageClasses.shared,
                storageClasses.block,
            ],
            ingress,
        },
        gcpProvider,
        networkName: network.networkName,
        networkId: network.networkId,
        cluster,
        nodePools,
        identity: {
            resourceName: name,
            clusterName: args.clusterName,
            project: args.project,
            withGcp,
            identityPoolReady: [cluster, ...apis],
        },
    };
}

/**
 * A regional GKE cluster with private nodes, its own pools (on-demand, spot per machine family, the workers'
 * fallback) and storage classes; Cloud SQL with `database.mode` managed.
 */
export class GkeCluster extends ClusterBase<GkeParts> {
    /** For cloud-specific add-ons (ingress): the explicit GCP provider, project, region and VPC network. */
    readonly gcpProvider: gcp.Provider;
    readonly project: string;
    readonly region: string;
    readonly networkName: pulumi.Output<string>;
    /** Network ID, `projects/<project>/global/networks/<name>`. */
    readonly networkId: pulumi.Output<string>;
    readonly cluster: gcp.container.Cluster;
    /** The control plane's pool, one spot pool per machine family, and the workers' on-demand fallback. */
    readonly nodePools: GkeNodePools;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(): a refused GkeCluster registers nothing.
        refuseArgs("GkeCluster", checkGkeClusterArgs(args));
        const gke = withGkeClusterDefaults(args);
        super("airflow-platform:cluster:GkeCluster", name, opts, (parent) => gkeParts(name, gke, parent));
        this.project = gke.project;
        this.region = gke.region;
        this.gcpProvider = this.parts.gcpProvider;
        this.networkName = this.parts.networkName;
        this.networkId = this.parts.networkId;
        this.cluster = this.parts.cluster;
        this.nodePools = this.parts.nodePools;
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
        return bindGkeServiceAccount(this.parts.identity, request);
    }
}
