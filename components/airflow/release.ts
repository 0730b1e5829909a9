/**
 * The one `helm.v3.Release` of the official chart: values from `airflowValues` (values.ts), the checksums of the
 * component's Secrets spliced in as their own Outputs, and a wait for every object it references by name.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AIRFLOW_STATSD_PREFIX, airflowStatsdMappings } from "@airflow-platform/airflow-mixin";
import type { AirflowScope } from "./namespace";
import {
    type AirflowSecretNames,
    type AirflowValuesInput,
    type LogsPlan,
    type SecretChecksums,
    airflowValues,
    checksumOf,
} from "./values";

/** The chart's repository; the version comes from `chartVersion`. */
export const AIRFLOW_CHART_REPO = "https://airflow.apache.org";

/** Which of the component's Secrets (by suffix) each group of pods reads. */
const SECRETS_READ_BY: Record<keyof SecretChecksums, string[]> = {
    airflow: [
        "fernet-key",
        "webserver-secret-key",
        "api-secret-key",
        "jwt-secret",
        "metadata",
        "broker-url",
        "git-credentials",
    ],
    pgbouncer: ["pgbouncer-config", "pgbouncer-stats"],
    redis: ["redis-password"],
    flower: ["flower"],
};

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The values as a plain tree down to each placeholder leaf, which becomes its Output; every other branch is an Output
 * of the resolved values. Pulumi serializes nested Outputs one by one, so an unknown checksum leaves the rest known.
 */
function spliceOutputs(resolved: pulumi.Output<Tree>, shape: Tree, leaves: Map<unknown, pulumi.Output<string>>): Tree {
    const holdsLeaf = (v: unknown): boolean => leaves.has(v) || (isTree(v) && Object.values(v).some(holdsLeaf));
    return Object.fromEntries(
        Object.entries(shape).map(([key, value]) => {
            if (leaves.has(value)) return [key, leaves.get(value)];
            const branch = resolved.apply((r) => r[key] as Tree);
            return [key, isTree(value) && holdsLeaf(value) ? spliceOutputs(branch, value, leaves) : branch];
        }),
    );
}

/**
 * sha256 over the named Secrets' data ("" when none of them exists). Not secret: a hash of generated keys reveals
 * nothing, and a secret value would hide the whole of the release's values in the plan.
 */
function secretsChecksum(
    data: Record<string, pulumi.Output<Record<string, string>>>,
    suffixes: string[],
): pulumi.Output<string> {
    const present = suffixes.filter((suffix) => data[suffix] !== undefined);
    if (present.length === 0) return pulumi.output("");
    const all = pulumi
        .all(present.map((suffix) => data[suffix]))
        .apply((objects) => checksumOf(present.map((suffix, i) => [suffix, objects[i]])));
    return pulumi.unsecret(all);
}

/** What the release reads from the parts before it. */
export interface AirflowReleaseInput {
    databaseMode: AirflowValuesInput["databaseMode"];
    secretNames: AirflowSecretNames;
    /** The data of the component's Secrets, by suffix: their checksums roll the pods reading them. */
    secretData: Record<string, pulumi.Output<Record<string, string>>>;
    logs: pulumi.Output<LogsPlan>;
    /** Every object the release references by name: it waits for all of them. */
    referenced: pulumi.Resource[];
    flowerRuns: boolean;
    kedaRuns: boolean;
}

/** The chart's release, waiting for the namespace, the cluster, the caller's dependsOn, the referenced objects and KEDA. */
export function createAirflowRelease(scope: AirflowScope, input: AirflowReleaseInput): k8s.helm.v3.Release {
    const { name, airflow, releaseName } = scope;
    const { cluster } = airflow;
    const { namespace, callerDeps, inNamespace } = scope.namespace;
    const { secretData, kedaRuns } = input;
    // Checksums are unknown until the generated secrets exist: only their annotation leaves wait, the rest of the
    // values stays readable in a preview.
    const groups = (Object.keys(SECRETS_READ_BY) as (keyof SecretChecksums)[]).filter((group) =>
        SECRETS_READ_BY[group].some((suffix) => secretData[suffix] !== undefined),
    );
    const placeholders = Object.fromEntries(
        groups.map((group) => [group, `[checksum of the ${group} secrets]`]),
    ) as unknown as SecretChecksums;
    const valuesInput = (logsPlan: LogsPlan, blockStorageClassName: string | undefined): AirflowValuesInput => ({
        airflow,
        releaseName,
        placement: cluster.placement,
        databaseMode: input.databaseMode,
        secretNames: input.secretNames,
        logs: logsPlan,
        baseUrl: airflow.baseUrl,
        statsdMappings: airflowStatsdMappings({ ttl: airflow.statsd.mappingTtl, prefix: AIRFLOW_STATSD_PREFIX }),
        statsdPrefix: AIRFLOW_STATSD_PREFIX,
        statsdExporterImageTag: airflow.statsd.exporterImageTag,
        flowerUrlPrefix: input.flowerRuns ? airflow.flower.urlPrefix : undefined,
        production: airflow.production,
        blockStorageClassName,
        kedaInstalled: kedaRuns,
        secretChecksums: placeholders,
    });
    const resolved = pulumi
        .all([input.logs, cluster.blockStorageClassName])
        .apply(([logsPlan, blockStorageClassName]) => airflowValues(valuesInput(logsPlan, blockStorageClassName)));
    const leaves = new Map<unknown, pulumi.Output<string>>(
        groups.map((group) => [placeholders[group], secretsChecksum(secretData, SECRETS_READ_BY[group])]),
    );
    // The tree's shape does not depend on the log plan or the storage class: any stand-in gives the same keys.
    const shape = airflowValues(valuesInput({ mode: "shared-volume", claimName: "" }, undefined));
    return new k8s.helm.v3.Release(
        `${name}-release`,
        {
            name: releaseName,
            namespace: scope.namespace.name,
            chart: "airflow",
            version: airflow.chartVersion,
            repositoryOpts: { repo: AIRFLOW_CHART_REPO },
            values: spliceOutputs(resolved, shape, leaves),
            // No `--wait`: Helm runs post-install/upgrade hooks only after the wait, and every Airflow pod waits for
            // the migration hook in an init container, so waiting would deadlock (apache/airflow#32003). Helm still
            // waits for the hook Jobs themselves and fails the release if the migration fails.
            skipAwait: true,
            // Airflow's migrations only go forward: rolling a failed upgrade back to the old image would run old code
            // on a new schema, so no `atomic`; `cleanupOnFail` removes what a failed upgrade added.
            atomic: false,
            cleanupOnFail: true,
            // For the hooks: the migration, image pulls and a spot node scale-up can take several minutes.
            timeout: 900,
            maxHistory: 10,
        },
        {
            ...inNamespace,
            // The ScaledObject's CRD comes with the KEDA release.
            dependsOn: [
                ...(namespace ? [namespace] : []),
                ...cluster.readiness,
                ...callerDeps,
                ...input.referenced,
                ...(kedaRuns && airflow.keda !== true && airflow.keda ? [airflow.keda] : []),
            ],
        },
    );
}
