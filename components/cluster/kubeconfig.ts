/**
 * Pure: kubeconfig documents for the managed clusters. Neither embeds a credential: GKE uses gke-gcloud-auth-plugin
 * and EKS `aws eks get-token`, so the kubeconfig is only sensitive because it names the endpoint and the CA.
 */
import * as YAML from "yaml";

interface ClusterEndpoint {
    /** Name of the cluster, context and user in the kubeconfig. */
    name: string;
    /** Host name or IP of the API server, without scheme. */
    endpoint: string;
    /** Base64 PEM of the cluster CA; unset for an endpoint with a publicly trusted certificate (GKE's DNS endpoint). */
    caData?: string;
}

function kubeconfig(c: ClusterEndpoint, exec: Record<string, unknown>): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: c.name,
                cluster: {
                    server: `https://${c.endpoint.replace(/^https:\/\//, "")}`,
                    ...(c.caData !== undefined ? { "certificate-authority-data": c.caData } : {}),
                },
            },
        ],
        contexts: [{ name: c.name, context: { cluster: c.name, user: c.name } }],
        "current-context": c.name,
        users: [{ name: c.name, user: { exec } }],
    });
}

/** GKE: the gke-gcloud-auth-plugin exec credential (the only one kubectl supports since 1.26). */
export function gkeKubeconfig(c: ClusterEndpoint): string {
    return kubeconfig(c, {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "gke-gcloud-auth-plugin",
        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
        provideClusterInfo: true,
        interactiveMode: "Never",
    });
}

/** EKS: `aws eks get-token` for the cluster, in the cluster's region. */
export function eksKubeconfig(c: ClusterEndpoint & { region: string }): string {
    return kubeconfig(c, {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", c.name, "--region", c.region, "--output", "json"],
        interactiveMode: "Never",
    });
}

/** The API server of a kubeconfig's context (the current one if unset), for the endpoint of an existing cluster. */
export function serverOfKubeconfig(text: string, context?: string): string | undefined {
    let doc: {
        "current-context"?: string;
        contexts?: { name: string; context?: { cluster?: string } }[];
        clusters?: { name: string; cluster?: { server?: string } }[];
    };
    try {
        doc = YAML.parse(text) ?? {};
    } catch {
        return undefined;
    }
    const contextName = context ?? doc["current-context"];
    const clusterName = doc.contexts?.find((c) => c.name === contextName)?.context?.cluster;
    return doc.clusters?.find((c) => c.name === clusterName)?.cluster?.server;
}
