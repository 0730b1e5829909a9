/**
 * Pure: the ReadWriteMany StorageClass for Airflow task logs, per cloud. Components only wrap these in a
 * `k8s.storage.v1.StorageClass`.
 */

/** Name of the RWX StorageClass the cluster layer creates on GKE and EKS. */
export const SHARED_STORAGE_CLASS = "shared-rwx";

/** UID and GID the official Airflow image runs as (`airflow` user, root group). */
export const AIRFLOW_UID = "50000";
export const AIRFLOW_GID = "0";

export interface StorageClassSpec {
    provisioner: string;
    parameters: Record<string, string>;
    reclaimPolicy: "Delete" | "Retain";
    volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
    allowVolumeExpansion: boolean;
    mountOptions?: string[];
}

/** Filestore tiers the CSI driver accepts in `parameters.tier`; `standard` is BASIC_HDD. */
export type FilestoreTier = "standard" | "premium" | "enterprise" | "zonal";

/**
 * Filestore through GKE's managed CSI driver. `network` must name the cluster's VPC: the driver defaults to the
 * `default` network otherwise. Each PVC becomes one Filestore instance (BASIC_HDD: 1 TiB minimum, or 100 GiB on GKE
 * 1.33+), so one shared log volume is what the platform asks for.
 */
export function filestoreStorageClass(args: { network: string; tier?: FilestoreTier; retain: boolean }): StorageClassSpec {
    return {
        provisioner: "filestore.csi.storage.gke.io",
        parameters: { tier: args.tier ?? "standard", network: args.network },
        // Retain in production: deleting the PVC must not delete the instance holding the task logs.
        reclaimPolicy: args.retain ? "Retain" : "Delete",
        // Filestore BASIC instances are zonal: create them where the first consumer is scheduled.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

/**
 * EFS through the EFS CSI driver, dynamic provisioning with one access point per volume. The access point's POSIX
 * user (uid/gid) is what makes the directory writable for Airflow's 50000:0; NFS mount options cannot do that.
 */
export function efsStorageClass(args: { fileSystemId: string; retain: boolean }): StorageClassSpec {
    return {
        provisioner: "efs.csi.aws.com",
        parameters: {
            provisioningMode: "efs-ap",
            fileSystemId: args.fileSystemId,
            // Every client of the access point acts as 50000:0, so owner-only permissions suffice.
            directoryPerms: "700",
            uid: AIRFLOW_UID,
            gid: AIRFLOW_GID,
            basePath: "/airflow",
        },
        reclaimPolicy: args.retain ? "Retain" : "Delete",
        // EFS is regional: any AZ can mount it, so bind at once.
        volumeBindingMode: "Immediate",
        allowVolumeExpansion: true,
    };
}

/** The annotation that makes a StorageClass the cluster's default (PVCs without `storageClassName` get it). */
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** Names of the ReadWriteOnce StorageClasses the cluster layer creates. */
export const BLOCK_STORAGE_CLASS = { eks: "gp3", gke: "balanced-rwo" } as const;

/**
 * EBS gp3 through the EBS CSI driver (the `aws-ebs-csi-driver` add-on). Encrypted with the account's default EBS key;
 * the cluster's default class, since EKS 1.30+ marks none (its `gp2` class is no longer annotated default).
 */
export function ebsStorageClass(args: { retain: boolean }): StorageClassSpec {
    return {
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        // Retain in production: deleting a PVC (or the release) must not delete the volume of Prometheus or Postgres.
        reclaimPolicy: args.retain ? "Retain" : "Delete",
        // EBS volumes are zonal: create each in the zone of the node its first pod is scheduled to.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

/**
 * Balanced persistent disk (SSD-backed) through GKE's Compute Engine PD CSI driver: what GKE's own `standard-rwo`
 * provisions, but with Retain in production (GKE manages `standard-rwo` itself and it always deletes).
 */
export function pdBalancedStorageClass(args: { retain: boolean }): StorageClassSpec {
    return {
        provisioner: "pd.csi.storage.gke.io",
        parameters: { type: "pd-balanced" },
        reclaimPolicy: args.retain ? "Retain" : "Delete",
        // Zonal disks, as for EBS: bind where the first consumer runs.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}
