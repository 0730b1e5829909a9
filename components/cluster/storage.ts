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
