/** Cross-checks between keys (contradictory pairs, per-cloud rules) that one field's schema cannot express. */
import { devspaceNamespace } from "../../components/devspace/namespace";
import { parseCpu, parseMemory } from "../../components/quantities";
import type { Cloud, RawStackConfig } from "./schema";
import type { ResolvedAirflowConfig } from "./resolved";
import { MULTISHARE_SIZE } from "../../components/cluster/storage";

/**
 * The config file's own cluster-layer checks: keys that mean something only with another key of the file, and what
 * spans two components. What GKE, EKS, Cloud SQL, RDS or the cluster component refuses is `checkClusterArgs`
 * (components/cluster/{gke,eks,existing}/checks.ts), which the loader runs on the cluster's Args (stacks/args/cluster.ts).
 */
export function checkClusterLayer(c: RawStackConfig, cloud: Cloud, problem: Problem) {
    const vpc = c.aws?.vpc;
    // The Args of a created VPC have no subnet IDs: without existingVpcId the subnets would be dropped silently.
    if (vpc && !vpc.existingVpcId && (vpc.privateSubnetIds || vpc.publicSubnetIds))
        problem(["aws", "vpc", "existingVpcId"], "is required with aws.vpc.privateSubnetIds / publicSubnetIds");
    // A multishare is 10Gi..128Gi: the StorageClass caps shares at 128Gi so that one instance holds 80 of them. The
    // size is the Airflow component's log volume, the limit the GKE cluster's storage class: a check across the two.
    const logs = c.airflow?.logs;
    if (cloud === "gke" && c.gcp?.sharedStorage === "enterprise-multishare" && logs?.mode === "shared-volume") {
        const bytes = parseMemory(logs.size);
        if (bytes < parseMemory(MULTISHARE_SIZE.min) || bytes > parseMemory(MULTISHARE_SIZE.max))
            problem(
                ["airflow", "logs", "size"],
                `must be between ${MULTISHARE_SIZE.min} and ${MULTISHARE_SIZE.max} with gcp.sharedStorage enterprise-multishare (a Filestore share)`,
                logs.size,
            );
    }
}

/** Records one issue: the key path, what is wrong, and the value given. */
export type Problem = (path: PropertyKey[], message: string, value?: unknown) => void;

export { MULTISHARE_SIZE };

/** A devspace's ceiling: several must fit on one dev node. */
export const DEVSPACE_MAX_QUOTA = { cpu: "2", memory: "4Gi" } as const;

/**
 * A devspace runs a small Airflow on the shared dev cluster and owns nothing outside its namespace. `givenNamespace`
 * is `airflow.namespace` as written in the stack file (the parsed config holds the schema default when it is unset).
 */
export function checkDevspace(c: RawStackConfig, givenNamespace: unknown, problem: Problem) {
    const namespace = devspaceNamespace(c.devspace!.developer);
    if (givenNamespace !== undefined && givenNamespace !== namespace)
        problem(
            ["airflow", "namespace"],
            `a devspace's namespace is devspace-<developer> (${namespace}): remove airflow.namespace`,
            givenNamespace,
        );
    if (c.devspaces.length > 0)
        problem(
            ["devspaces"],
            "is for the dev stack, which owns the devspaces' frames; a devspace stack names its own in devspace.developer",
        );
    if (c.environment === "prod") problem(["environment"], "a devspace is a dev environment: use dev", c.environment);
    if (c.database.mode === "managed")
        problem(["database", "mode"], "a devspace uses the chart's bundled Postgres", "managed");
    if (c.exposure.enabled)
        problem(["exposure", "enabled"], "a devspace has no load balancer; use kubectl port-forward", true);
    if (c.airflow?.logs.mode === "remote")
        problem(
            ["airflow", "logs", "mode"],
            "a devspace cannot bind cloud identities on the shared cluster; use shared-volume",
            "remote",
        );
    if (c.airflow?.executor === "celery")
        problem(
            ["airflow", "executor"],
            "a devspace runs its tasks on the KubernetesExecutor: use kubernetes or celery-kubernetes",
            "celery",
        );
    for (const key of ["gcp", "aws", "existing", "nodePools"] as const)
        if (c[key]) problem([key], "is not used by a devspace: the cluster comes from devspace.baseStack");
    if (c.controlPlane.authorizedNetworks)
        problem(
            ["controlPlane", "authorizedNetworks"],
            "is not used by a devspace: set it on devspace.baseStack's cluster",
        );
}

/**
 * The devspaces a platform stack frames: unique names, quotas that fit on a dev node, and the owner's identity of the
 * stack's own cloud (the one its RBAC binds).
 */
export function checkDevspaceFrames(c: RawStackConfig, cloud: Cloud, problem: Problem) {
    const seen = new Set<string>();
    c.devspaces.forEach((entry, i) => {
        if (seen.has(entry.name))
            problem(["devspaces", i, "name"], "is listed twice: one devspace per name", entry.name);
        seen.add(entry.name);
        if (c.environment === "prod")
            problem(["devspaces"], "devspaces live on the shared dev cluster, not on a prod one");
        if (parseCpu(entry.quota.cpu) > parseCpu(DEVSPACE_MAX_QUOTA.cpu))
            problem(
                ["devspaces", i, "quota", "cpu"],
                `must be at most ${DEVSPACE_MAX_QUOTA.cpu} so that several devspaces fit on one node`,
                entry.quota.cpu,
            );
        if (parseMemory(entry.quota.memory) > parseMemory(DEVSPACE_MAX_QUOTA.memory))
            problem(
                ["devspaces", i, "quota", "memory"],
                `must be at most ${DEVSPACE_MAX_QUOTA.memory} so that several devspaces fit on one node`,
                entry.quota.memory,
            );
        if (cloud === "gke" && !entry.owner.gcp)
            problem(
                ["devspaces", i, "owner", "gcp"],
                "is required on a gke stack: the developer's Google account, which RBAC binds to the namespace",
            );
        if (cloud === "eks" && !entry.owner.aws)
            problem(
                ["devspaces", i, "owner", "aws"],
                "is required on an eks stack: the developer's IAM principal, which an access entry maps to the namespace",
            );
        if (cloud === "existing" && !entry.owner.gcp && !entry.owner.aws)
            problem(
                ["devspaces", i, "owner"],
                "name the developer's identity: gcp (a user name that is an e-mail) or aws (an IAM ARN)",
            );
    });
}

/** GitHub-hosted runner labels: their egress addresses are not stable ranges (GitHub docs, "About GitHub-hosted runners"). */
const GITHUB_HOSTED_RUNNER = /^(ubuntu|windows|macos)-/;

/** Delivery: a backend and secrets provider the stack's CI job has credentials for, and a runner that reaches the API. */
export function checkDelivery(c: RawStackConfig, cloud: Cloud, problem: Problem) {
    const d = c.delivery;
    const scheme = d.backendUrl?.split("://")[0];
    const foreign = cloud === "gke" ? ["s3", "awskms"] : cloud === "eks" ? ["gs", "gcpkms"] : [];
    const holds = cloud === "gke" ? "Google" : "AWS";
    if (scheme && foreign.includes(scheme))
        problem(
            ["delivery", "backendUrl"],
            `a ${cloud} stack's CI job holds ${holds} credentials only: use ${cloud === "gke" ? "gs://<bucket>" : "s3://<bucket>"} or Pulumi Cloud`,
            d.backendUrl,
        );
    for (const k of ["secretsProvider", "devspaceSecretsProvider"] as const) {
        const provider = d[k]?.split("://")[0];
        if (provider && foreign.includes(provider))
            problem(
                ["delivery", k],
                `a ${cloud} stack's CI job holds ${holds} credentials only: use ${cloud === "gke" ? "gcpkms://…" : "awskms://…"} or passphrase`,
                d[k],
            );
    }
    const bucket = scheme === "gs" || scheme === "s3";
    if (bucket && d.organization !== "organization")
        problem(
            ["delivery", "organization"],
            "must be `organization` with a bucket backend (the only organization a DIY backend knows)",
            d.organization,
        );
    const hosted = d.runner.some((label) => GITHUB_HOSTED_RUNNER.test(label));
    const restricted = Boolean(
        c.controlPlane.authorizedNetworks && !c.controlPlane.authorizedNetworks.includes("0.0.0.0/0"),
    );
    // GKE's DNS-based endpoint admits by IAM from anywhere; EKS has only IP allowlists, which hosted runners cannot match.
    if (cloud === "eks" && restricted && hosted)
        problem(
            ["delivery", "runner"],
            "GitHub-hosted runners have no stable address ranges to list in controlPlane.authorizedNetworks: set the labels of a " +
                "self-hosted runner inside the VPC (it reaches the private endpoint), e.g. [self-hosted, airflow-platform-prod-eks]",
            d.runner,
        );
    if (cloud === "eks" && restricted && !hosted && !c.controlPlane.privateAccessCidrs)
        problem(
            ["controlPlane", "privateAccessCidrs"],
            `is required with the self-hosted runner ${JSON.stringify(d.runner)}: list its subnet so that it reaches the private endpoint`,
        );
    if (c.controlPlane.privateAccessCidrs && cloud !== "eks")
        problem(
            ["controlPlane", "privateAccessCidrs"],
            "is for EKS; on GKE CI uses the DNS endpoint (controlPlane.endpoint)",
        );
    if (c.controlPlane.endpoint && cloud !== "gke")
        problem(
            ["controlPlane", "endpoint"],
            "is for GKE (its DNS-based endpoint); EKS offers only the IP endpoints",
            c.controlPlane.endpoint,
        );
}

/**
 * The config's own Airflow checks: secrets that must (or must not) come with the credentials, and the log bucket per
 * cloud. What the chart or the component refuses is `checkAirflowArgs` (components/airflow/checks.ts), which the loader
 * runs beside this.
 */
export function checkAirflow(
    a: ResolvedAirflowConfig,
    cloud: Cloud,
    secrets: Record<string, string>,
    problem: Problem,
) {
    if (a.dags.credentials === "ssh" && secrets.dagsGitSshKey === undefined)
        problem(["dagsGitSshKey"], "is required (as a secret) when airflow.dags.credentials is ssh");
    if (a.dags.credentials === "https" && secrets.dagsGitToken === undefined)
        problem(["dagsGitToken"], "is required (as a secret) when airflow.dags.credentials is https");
    if (secrets.dagsGitSshKey !== undefined && a.dags.credentials !== "ssh")
        problem(
            ["dagsGitSshKey"],
            `is set but airflow.dags.credentials is ${a.dags.credentials}: set credentials to ssh, or remove the key`,
        );
    if (secrets.dagsGitToken !== undefined && a.dags.credentials !== "https")
        problem(
            ["dagsGitToken"],
            `is set but airflow.dags.credentials is ${a.dags.credentials}: set credentials to https, or remove the token`,
        );
    if (a.logs.mode === "remote") {
        if (!a.logs.remoteBaseFolder)
            problem(["airflow", "logs", "remoteBaseFolder"], "is required when airflow.logs.mode is remote");
        else {
            const expected = cloud === "eks" ? "s3://" : cloud === "gke" ? "gs://" : undefined;
            if (expected && !a.logs.remoteBaseFolder.startsWith(expected))
                problem(
                    ["airflow", "logs", "remoteBaseFolder"],
                    `must be a ${expected} URL on ${cloud}`,
                    a.logs.remoteBaseFolder,
                );
        }
    }
}
