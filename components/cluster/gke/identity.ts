/** Identities of a GKE cluster: its nodes' service account, and Workload Identity bindings of Kubernetes accounts. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceAccountBinding, ServiceAccountBindingRequest } from "../types";
import { gcpAccountId, workloadIdentityMember } from "./specs";

export interface GkeNodeIdentity {
    account: gcp.serviceaccount.Account;
    /** Its project roles: the node pools wait for them. */
    roles: gcp.projects.IAMMember[];
}

/** Nodes run as a dedicated least-privilege service account, not the project's default compute account. */
export function gkeNodeIdentity(
    name: string,
    args: { clusterName: string; project: string },
    opts: { withGcp: pulumi.CustomResourceOptions; apis: pulumi.Resource[] },
): GkeNodeIdentity {
    const { withGcp, apis } = opts;
    const account = new gcp.serviceaccount.Account(
        `${name}-nodes`,
        { accountId: gcpAccountId(args.clusterName, "nodes"), displayName: `GKE nodes of ${args.clusterName}` },
        { ...withGcp, dependsOn: apis },
    );
    const roles = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"].map(
        (role) =>
            new gcp.projects.IAMMember(
                `${name}-nodes-${role.split("/")[1].split(".")[0]}`,
                { project: args.project, role, member: pulumi.interpolate`serviceAccount:${account.email}` },
                { ...withGcp, dependsOn: apis },
            ),
    );
    return { account, roles };
}

/** Where a GKE cluster's Workload Identity bindings go. */
export interface GkeWorkloadIdentityTarget {
    /** The cluster component's resource name: it prefixes the binding's resources. */
    resourceName: string;
    clusterName: string;
    project: string;
    /** The component (parent) and the GCP provider. */
    withGcp: pulumi.CustomResourceOptions;
    /** The workload identity pool `<project>.svc.id.goog` exists once the cluster does: bindings wait for it. */
    identityPoolReady: pulumi.Resource[];
}

/** GKE Workload Identity: a Google service account the Kubernetes one may impersonate, with bucket access. */
export function bindGkeServiceAccount(
    target: GkeWorkloadIdentityTarget,
    request: ServiceAccountBindingRequest,
): ServiceAccountBinding {
    const { withGcp } = target;
    const prefix = `${target.resourceName}-${request.name}`;
    const account = new gcp.serviceaccount.Account(
        `${prefix}-gsa`,
        {
            accountId: gcpAccountId(target.clusterName, request.name),
            displayName: pulumi.interpolate`${request.namespace}/${request.serviceAccountName} (Workload Identity)`,
        },
        { ...withGcp, dependsOn: target.identityPoolReady },
    );
    const workloadIdentity = new gcp.serviceaccount.IAMMember(
        `${prefix}-workload-identity`,
        {
            serviceAccountId: account.name,
            role: "roles/iam.workloadIdentityUser",
            member: pulumi
                .all([request.namespace, request.serviceAccountName])
                .apply(([ns, sa]) => workloadIdentityMember(target.project, ns, sa)),
        },
        // "Identity Pool does not exist" until the cluster with Workload Identity has been created.
        { ...withGcp, dependsOn: target.identityPoolReady },
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
