/**
 * Pure: the EKS add-ons the cluster layer manages, pinned per Kubernetes minor. Raising `kubernetesVersion` upgrades
 * the control plane, then the node groups (`version`), then these add-ons, in that order.
 */

/** An EKS managed add-on: its name, the version for each supported minor, and its configuration values. */
export interface EksAddonSpec {
    addonName: string;
    addonVersion: string;
    /** JSON of the add-on's configuration schema (`aws eks describe-addon-configuration`); absent for defaults. */
    configurationValues?: string;
}

/**
 * Latest EKS add-on type versions per minor, from the Amazon EKS User Guide tables: "Amazon VPC CNI versions"
 * (managing-vpc-cni), "CoreDNS versions" (managing-coredns) and "kube-proxy versions" (managing-kube-proxy).
 */
export const EKS_ADDON_VERSIONS: Record<string, { vpcCni: string; coredns: string; kubeProxy: string }> = {
    "1.32": { vpcCni: "v1.20.1-eksbuild.3", coredns: "v1.11.4-eksbuild.24", kubeProxy: "v1.32.9-eksbuild.2" },
    "1.33": { vpcCni: "v1.20.1-eksbuild.3", coredns: "v1.12.4-eksbuild.1", kubeProxy: "v1.33.5-eksbuild.2" },
};

export const SUPPORTED_EKS_VERSIONS = Object.keys(EKS_ADDON_VERSIONS);

/**
 * End of EKS standard support per pinned minor (endoflife.date/amazon-eks; Amazon EKS User Guide, "Kubernetes version
 * lifecycle on EKS"). After it a minor runs only in extended support, billed at about 6x the control-plane price.
 */
export const EKS_END_OF_STANDARD_SUPPORT: Record<string, string> = { "1.32": "2026-03-23", "1.33": "2026-07-29" };

/** Pure: the end of standard support of `kubernetesVersion` if it is already past on `today`, else undefined. */
export function eksStandardSupportEnded(kubernetesVersion: string, today: Date): string | undefined {
    const end = EKS_END_OF_STANDARD_SUPPORT[kubernetesVersion];
    return end !== undefined && today.getTime() >= Date.parse(`${end}T00:00:00Z`) ? end : undefined;
}

/**
 * The core add-ons, as EKS managed add-ons with pinned versions. The VPC CNI enforces NetworkPolicy through its node
 * agent once `enableNetworkPolicy` is on (Amazon EKS User Guide, "Restrict Pod network traffic with Kubernetes network
 * policies"); without it a NetworkPolicy is accepted by the API and ignored.
 */
export function eksCoreAddons(kubernetesVersion: string): EksAddonSpec[] {
    const versions = EKS_ADDON_VERSIONS[kubernetesVersion];
    if (!versions)
        throw new Error(
            `no pinned EKS add-on versions for Kubernetes ${kubernetesVersion}: ${SUPPORTED_EKS_VERSIONS.join(", ")}`,
        );
    return [
        {
            addonName: "vpc-cni",
            addonVersion: versions.vpcCni,
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        },
        { addonName: "kube-proxy", addonVersion: versions.kubeProxy },
        { addonName: "coredns", addonVersion: versions.coredns },
    ];
}
