/**
 * Keys the chosen executor, cloud or mode never reads. Set explicitly, they mislead: each becomes an error where the
 * belief it creates loses work or data (tasks queued where no worker listens, backups that do not exist), and a warning
 * where it only does nothing.
 */
import type { Problem } from "./checks";
import type { ResolvedAirflowConfig } from "./resolved";
import type { Cloud } from "./schema";

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** What decides whether a key is read. */
export interface ReadContext {
    /** The config as the stack file gives it, before defaults: only keys set there are checked. */
    raw: Obj;
    cloud: Cloud;
    databaseMode: "bundled" | "managed";
    airflow?: ResolvedAirflowConfig;
}

/** Whether Airflow runs CeleryKubernetesExecutor, the only executor that reads `[celery_kubernetes_executor] kubernetes_queue`. */
export function usesCeleryKubernetesExecutor(a: ResolvedAirflowConfig): boolean {
    return a.executor === "CeleryKubernetesExecutor" || (a.executor === "celery-kubernetes" && a.majorVersion === 2);
}

export function checkIgnoredKeys(ctx: ReadContext, problem: Problem, warn: Problem) {
    const { raw, cloud, databaseMode, airflow } = ctx;
    const given = (...path: string[]) => {
        let v: unknown = raw;
        for (const p of path) v = asObj(v)[p];
        return v;
    };
    const set = (...path: string[]) => given(...path) !== undefined;

    if (airflow && set("airflow", "kubernetesQueue") && !usesCeleryKubernetesExecutor(airflow))
        problem(
            ["airflow", "kubernetesQueue"],
            airflow.majorVersion === 3
                ? 'is not read on Airflow 3 (no CeleryKubernetesExecutor): a task with queue="kubernetes" would wait on a Celery queue no worker ' +
                      'serves. Remove the key and give such tasks executor="KubernetesExecutor" (docs/runbooks.md, upgrading to 3.x)'
                : `is read only by CeleryKubernetesExecutor; airflow.executor "${airflow.executor}" ignores it: remove it`,
            given("airflow", "kubernetesQueue"),
        );
    if (airflow?.executor === "kubernetes")
        for (const key of ["replicas", "concurrency"])
            if (set("airflow", "workers", key))
                warn(
                    ["airflow", "workers", key],
                    "has no effect with airflow.executor kubernetes: there are no Celery workers",
                    given("airflow", "workers", key),
                );
    if (airflow?.executor === "kubernetes" && set("airflow", "resources", "redis"))
        warn(
            ["airflow", "resources", "redis"],
            "has no effect with airflow.executor kubernetes: Redis is Celery's broker and is not installed",
        );

    if (databaseMode === "bundled") {
        // Backups and HA that do not exist must not look configured.
        for (const key of ["backupRetentionDays", "highAvailability"])
            if (set("database", key))
                problem(
                    ["database", key],
                    "is for a managed database (database.mode managed); the bundled Postgres has no backups or standby",
                    given("database", key),
                );
        for (const key of ["tier", "storageGb", "postgresVersion"])
            if (set("database", key))
                warn(
                    ["database", key],
                    "has no effect with the bundled Postgres (database.mode bundled)",
                    given("database", key),
                );
    }
    if (set("kubernetesVersion") && cloud !== "eks")
        warn(
            ["kubernetesVersion"],
            cloud === "gke"
                ? "has no effect on gke: the release channel (gcp.releaseChannel) picks and upgrades the version"
                : "has no effect on an existing cluster",
            given("kubernetesVersion"),
        );
    if (cloud === "existing") {
        // An existing cluster keeps its own node pools and API endpoint: this program creates neither.
        if (set("nodePools"))
            warn(
                ["nodePools"],
                "has no effect on an existing cluster: its pools are its own (describe them in existing.placement)",
            );
        if (set("controlPlane", "authorizedNetworks"))
            warn(
                ["controlPlane", "authorizedNetworks"],
                "has no effect on an existing cluster: restrict its API endpoint where the cluster is managed",
            );
    }
    const exposure = asObj(raw.exposure);
    if (exposure.enabled === true) {
        if (set("exposure", "awsLoadBalancerControllerVersion") && cloud !== "eks")
            warn(
                ["exposure", "awsLoadBalancerControllerVersion"],
                `has no effect on ${cloud}: the AWS Load Balancer Controller runs on eks only`,
            );
        if (set("exposure", "gkeProxyOnlySubnetCidr") && (cloud !== "gke" || exposure.public === true))
            warn(["exposure", "gkeProxyOnlySubnetCidr"], "is read only by an internal Gateway on gke");
        if (set("exposure", "tls", "managedCertificate") && (cloud !== "gke" || exposure.public !== true))
            warn(["exposure", "tls", "managedCertificate"], "is read only by a public Gateway on gke");
    } else
        for (const key of Object.keys(exposure).filter((k) => k !== "enabled"))
            warn(["exposure", key], "has no effect while exposure.enabled is false");
    const monitoring = asObj(raw.monitoring);
    if (monitoring.enabled === false)
        for (const key of Object.keys(monitoring).filter((k) => k !== "enabled" && k !== "namespace"))
            warn(["monitoring", key], "has no effect while monitoring.enabled is false");
    if (airflow?.logs.mode === "remote" && set("airflow", "logs", "size"))
        warn(["airflow", "logs", "size"], "has no effect with airflow.logs.mode remote: there is no log volume");
}
