/**
 * Pure: the StorageClasses the cluster layer creates, per cloud: the ReadWriteMany class for Airflow task logs
 * (Filestore, EFS) and the ReadWriteOnce block class for the other volumes (pd-balanced, gp3 EBS). Components only
 * wrap these in a `k8s.storage.v1.StorageClass`.
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

/** How GKE provisions the ReadWriteMany class (`gcp.sharedStorage`). */
export type FilestoreMode = "basic-hdd" | "enterprise-multishare";

/** Size range of one Filestore multishare with max-volume-size 128Gi (GKE Filestore multishares documentation). */
export const MULTISHARE_SIZE = { min: "10Gi", max: "128Gi" } as const;

/** Largest share of a multishare instance: 128Gi lets one Enterprise instance hold 80 shares (the maximum). */
export const MULTISHARE_MAX_VOLUME_SIZE = MULTISHARE_SIZE.max;

/**
 * Filestore through GKE's managed CSI driver. `network` must name the cluster's VPC: the driver defaults to the
 * `default` network otherwise.
 * - `basic-hdd`: each PVC becomes its own zonal BASIC_HDD instance (100 GiB minimum through the CSI driver, but each
 *   instance under 1 TiB still consumes 1 TiB of Filestore quota). Right for one log volume per cluster.
 * - `enterprise-multishare`: each PVC becomes a share (10Gi..128Gi) of a regional Enterprise instance (1 TiB minimum,
 *   grown in 256 GiB steps) that holds up to 80 of them; `instance-storageclass-label` names the pool of instances the
 *   driver may pack this class's shares into. Right for a dev cluster with a log volume per devspace.
 */
export function filestoreStorageClass(args: {
    network: string;
    mode?: FilestoreMode;
    retain: boolean;
    className?: string;
}): StorageClassSpec {
    const reclaimPolicy = args.retain ? "Retain" : "Delete";
    if (args.mode === "enterprise-multishare")
        return {
            provisioner: "filestore.csi.storage.gke.io",
            parameters: {
                tier: "enterprise",
                multishare: "true",
                "max-volume-size": MULTISHARE_MAX_VOLUME_SIZE,
                "instance-storageclass-label": args.className ?? SHARED_STORAGE_CLASS,
                network: args.network,
            },
            // Retain in production: deleting the PVC must not delete the share holding the task logs.
            reclaimPolicy,
            // As GKE's own enterprise-multishare-rwx class: the driver learns the consumer's topology before it picks an instance.
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        };
    return {
        provisioner: "filestore.csi.storage.gke.io",
        // `standard` is the driver's name for BASIC_HDD.
        parameters: { tier: "standard", network: args.network },
        reclaimPolicy,
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
        // EFS is elastic and the driver implements no expansion: a resized claim would stay "resizing" forever.
        allowVolumeExpansion: false,
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
