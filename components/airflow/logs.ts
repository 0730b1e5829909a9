/** Task logs: a ReadWriteMany claim every pod mounts, or a bucket each log writer's service account may use. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceAccountBinding } from "../cluster/types";
import type { AirflowScope } from "./namespace";
import { LOG_WRITERS, type LogWriter, type LogsPlan } from "./values";

/** The logs as the values read them, and what the release must wait for. */
export interface AirflowLogsPart {
    plan: pulumi.Output<LogsPlan>;
    /** The claim the release references by name (none for a bucket). */
    referenced: pulumi.Resource[];
}

/** The log volume, or the log writers' bucket access through the cluster's workload identity. */
export function createAirflowLogs(scope: AirflowScope, services: { ui: string }): AirflowLogsPart {
    const { name, airflow, fullname } = scope;
    const { cluster } = airflow;
    const ns = scope.namespace.name;
    if (airflow.logs.kind === "shared-volume") {
        const claim = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-logs`,
            {
                metadata: {
                    name: `${fullname}-logs`,
                    namespace: ns,
                    // RWX classes often bind on first consumer; the release is that consumer, so do not wait here.
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: {
                    accessModes: ["ReadWriteMany"],
                    storageClassName: cluster.sharedStorageClassName,
                    resources: { requests: { storage: airflow.logs.size } },
                },
            },
            { ...scope.namespace.inNamespace, protect: scope.protect },
        );
        return {
            plan: claim.metadata.name.apply((claimName) => ({ mode: "shared-volume" as const, claimName })),
            referenced: [claim],
        };
    }
    const baseFolder = airflow.logs.baseFolder;
    const bucket = baseFolder.replace(/^(s3|gs):\/\//, "").split("/")[0];
    const serviceAccounts: Record<LogWriter, string> = {
        workers: `${fullname}-worker`,
        scheduler: `${fullname}-scheduler`,
        triggerer: `${fullname}-triggerer`,
        dagProcessor: `${fullname}-dag-processor`,
        // The chart names the UI's service account like its Service.
        ui: services.ui,
    };
    const bindings: [LogWriter, ServiceAccountBinding][] = LOG_WRITERS.map((who) => [
        who,
        cluster.bindServiceAccount({
            name: `${name}-logs-${who.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
            namespace: ns,
            serviceAccountName: serviceAccounts[who],
            bucketAccess: [bucket],
        }),
    ]);
    const plan = pulumi.all(bindings.map(([, b]) => b.annotations)).apply((annotations) => ({
        mode: "remote" as const,
        baseFolder,
        serviceAccountAnnotations: Object.fromEntries(bindings.map(([who], i) => [who, annotations[i]])),
    }));
    return { plan, referenced: [] };
}
