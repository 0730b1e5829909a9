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

/** What this stack pins for one Kubernetes minor on EKS. */
export interface EksMinorPins {
    /** Managed add-on versions. */
    vpcCni: string;
    coredns: string;
    kubeProxy: string;
    ebsCsi: string;
    podIdentityAgent: string;
    /** Image tag of registry.k8s.io/autoscaling/cluster-autoscaler, whose minor follows the control plane's. */
    clusterAutoscaler: string;
}

/**
 * Per minor. 1.32 and 1.33 add-ons: the Amazon EKS User Guide's tables (managing-vpc-cni, managing-coredns,
 * managing-kube-proxy). 1.34 and 1.35 add-ons, and aws-ebs-csi-driver for all four: the newest version
 * `aws eks describe-addon-versions --kubernetes-version <minor>` returned on 2026-03-05/06, as recorded by
 * cookpad/terraform-aws-eks (`hack/versions` → versions.tf on main for 1.35, branches release-1-34/-33/-32, PRs
 * #394-#398). eks-pod-identity-agent: awslabs/cdk-eks-blueprints' per-minor versionMap
 * (lib/addons/eks-pod-identity-agent/index.ts: v1.3.10-eksbuild.2 for 1.31-1.35, commits 2ae00be3 and 0b82904e, 2026).
 * Autoscaler images: kubernetes/kops' default per minor (pkg/model/components/clusterautoscaler.go).
 */
export const EKS_ADDON_VERSIONS: Record<string, EksMinorPins> = {
    "1.32": {
        vpcCni: "v1.20.1-eksbuild.3",
        coredns: "v1.11.4-eksbuild.24",
        kubeProxy: "v1.32.9-eksbuild.2",
        ebsCsi: "v1.56.0-eksbuild.1",
        podIdentityAgent: "v1.3.10-eksbuild.2",
        clusterAutoscaler: "v1.32.7",
    },
    "1.33": {
        vpcCni: "v1.20.1-eksbuild.3",
        coredns: "v1.12.4-eksbuild.1",
        kubeProxy: "v1.33.5-eksbuild.2",
        ebsCsi: "v1.56.0-eksbuild.1",
        podIdentityAgent: "v1.3.10-eksbuild.2",
        clusterAutoscaler: "v1.33.5",
    },
    "1.34": {
        vpcCni: "v1.21.1-eksbuild.3",
        coredns: "v1.13.2-eksbuild.1",
        kubeProxy: "v1.34.3-eksbuild.5",
        ebsCsi: "v1.56.0-eksbuild.1",
        podIdentityAgent: "v1.3.10-eksbuild.2",
        clusterAutoscaler: "v1.34.4",
    },
    "1.35": {
        vpcCni: "v1.21.1-eksbuild.3",
        coredns: "v1.13.2-eksbuild.1",
        kubeProxy: "v1.35.0-eksbuild.2",
        ebsCsi: "v1.56.0-eksbuild.1",
        podIdentityAgent: "v1.3.10-eksbuild.2",
        clusterAutoscaler: "v1.35.1",
    },
};

export const SUPPORTED_EKS_VERSIONS = Object.keys(EKS_ADDON_VERSIONS);

/** The managed add-ons pinned per minor, by EKS add-on name: the field of EksMinorPins that holds each one's version. */
export const EKS_PINNED_ADDONS = {
    "vpc-cni": "vpcCni",
    "kube-proxy": "kubeProxy",
    coredns: "coredns",
    "aws-ebs-csi-driver": "ebsCsi",
    "eks-pod-identity-agent": "podIdentityAgent",
} as const satisfies Record<string, keyof EksMinorPins>;

/**
 * Managed add-ons left on EKS's default version for the minor (EKS picks it at creation and never upgrades it), with
 * why. aws-efs-csi-driver: no source records its add-on versions per minor (cookpad/terraform-aws-eks' hack/versions
 * and awslabs/cdk-eks-blueprints, which installs the driver's Helm chart instead, cover it for none).
 */
export const EKS_UNPINNED_ADDONS: Record<string, string> = {
    "aws-efs-csi-driver": "no per-minor source of its EKS add-on versions",
};

/**
 * The version of a managed add-on on a pinned minor; undefined for one left on EKS's default (EKS_UNPINNED_ADDONS);
 * an error for an add-on that is in neither table, so that none is created without a decision.
 */
export function eksAddonVersion(addonName: string, kubernetesVersion: string): string | undefined {
    if (addonName in EKS_PINNED_ADDONS)
        return eksMinorPins(kubernetesVersion)[EKS_PINNED_ADDONS[addonName as keyof typeof EKS_PINNED_ADDONS]];
    if (addonName in EKS_UNPINNED_ADDONS) return undefined;
    throw new Error(`EKS add-on ${addonName} is neither pinned (EKS_ADDON_VERSIONS) nor listed in EKS_UNPINNED_ADDONS`);
}

/**
 * End of EKS standard support per pinned minor (endoflife.date/amazon-eks; Amazon EKS User Guide, "Kubernetes version
 * lifecycle on EKS": 14 months after EKS's release). After it a minor runs only in extended support, billed at about
 * 6x the control-plane price.
 */
export const EKS_END_OF_STANDARD_SUPPORT: Record<string, string> = {
    "1.32": "2026-03-23",
    "1.33": "2026-07-29",
    "1.34": "2026-12-02",
    "1.35": "2027-03-27",
};

/**
 * The minor of a stack that sets no `kubernetesVersion`: the pinned minor in standard support the longest (1.34 ends on
 * 2026-12-02). A cluster created on an older default moves one minor per `up` (docs/cluster.md, "Upgrades and maintenance").
 */
export const DEFAULT_EKS_KUBERNETES_VERSION = "1.35";

/** Pure: the end of standard support of `kubernetesVersion` if it is already past on `today`, else undefined. */
export function eksStandardSupportEnded(kubernetesVersion: string, today: Date): string | undefined {
    const end = EKS_END_OF_STANDARD_SUPPORT[kubernetesVersion];
    return end !== undefined && today.getTime() >= Date.parse(`${end}T00:00:00Z`) ? end : undefined;
}

/** The pins of a minor, or an error naming the supported ones (the config check refuses others first). */
export function eksMinorPins(kubernetesVersion: string): EksMinorPins {
    const pins = EKS_ADDON_VERSIONS[kubernetesVersion];
    if (!pins)
        throw new Error(
            `no pinned EKS add-on versions for Kubernetes ${kubernetesVersion}: ${SUPPORTED_EKS_VERSIONS.join(", ")}`,
        );
    return pins;
}

/**
 * The core add-ons, as EKS managed add-ons with pinned versions. The VPC CNI enforces NetworkPolicy through its node
 * agent once `enableNetworkPolicy` is on (Amazon EKS User Guide, "Restrict Pod network traffic with Kubernetes network
 * policies"); without it a NetworkPolicy is accepted by the API and ignored.
 */
export function eksCoreAddons(kubernetesVersion: string): EksAddonSpec[] {
    const versions = eksMinorPins(kubernetesVersion);
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
