/**
 * The stack config mapped to the Airflow component's Args, and the component's refusals mapped back to config keys.
 * The URLs are the exposure's (stacks/args/exposure.ts `exposureUrlsOf`), passed in: the component is told where it lives.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AirflowArgs, AirflowDatabase, AirflowSettings, GitCredentials } from "../../components/airflow/args";
import type { Cluster } from "../../components/cluster/types";
import { devspaceNamespace } from "../../components/devspace/namespace";
import type { ExposedUrls } from "../../components/exposure/urls";
import type { ArgsIssue } from "../../components/validation";
import type {
    DevspaceStackConfig,
    ImagesConfig,
    MonitoringConfig,
    ResolvedAirflowConfig,
    StackConfig,
} from "../config";
import type { Problem } from "../config/checks";

/** What `airflowSettings` reads of the config: the loader has these before the whole `StackConfig` exists. */
export interface AirflowSource {
    airflow: ResolvedAirflowConfig;
    production: boolean;
    monitoring: Pick<MonitoringConfig, "statsdMappingTtl" | "statsdExporterImageTag">;
    images: ImagesConfig;
    secrets: { dagsGitSshKey?: pulumi.Input<string>; dagsGitToken?: pulumi.Input<string> };
}

/** What only the program has: the cluster and the sibling components. */
export interface AirflowWiring {
    cluster: Cluster;
    /** Where the exposed UIs live (`exposureUrlsOf`). @default unset: not exposed */
    urls?: ExposedUrls;
    keda?: pulumi.Resource | true;
    /** @default true */
    createNamespace?: boolean;
}

function gitCredentials(source: AirflowSource): GitCredentials {
    const { dags } = source.airflow;
    // The loader's checkAirflow refuses a missing secret before any Args are built for a resource.
    const required = (value: pulumi.Input<string> | undefined, key: string) => {
        if (value === undefined)
            throw new Error(`airflow.dags.credentials is ${dags.credentials} but ${key} is not set`);
        return value;
    };
    switch (dags.credentials) {
        case "none":
            return { kind: "none" };
        case "ssh":
            return {
                kind: "ssh",
                privateKey: required(source.secrets.dagsGitSshKey, "dagsGitSshKey"),
                knownHosts: dags.knownHosts ?? "",
            };
        case "https":
            return {
                kind: "https",
                username: dags.username ?? "",
                token: required(source.secrets.dagsGitToken, "dagsGitToken"),
            };
    }
}

/** The release's settings from the resolved config (every default already applied by the loader). */
export function airflowSettings(source: AirflowSource): AirflowSettings {
    const a = source.airflow;
    return {
        namespace: a.namespace,
        version: a.version,
        chartVersion: a.chartVersion,
        image: { repository: a.image.repository, ...(a.image.tag !== undefined ? { tag: a.image.tag } : {}) },
        ...(source.images.dockerHubMirror !== undefined ? { dockerHubMirror: source.images.dockerHubMirror } : {}),
        executor: a.executor,
        kubernetesQueue: a.kubernetesQueue,
        workers: {
            ...(a.workers.replicas !== undefined ? { replicas: a.workers.replicas } : {}),
            concurrency: a.workers.concurrency,
            memoryPerTask: a.workers.memoryPerTask,
            terminationGracePeriodSeconds: a.workers.terminationGracePeriodSeconds,
            autoscaling: { ...a.workers.autoscaling },
        },
        tasks: { ...a.tasks },
        databaseCleanup: { ...a.databaseCleanup },
        apiServerReplicas: a.apiServerReplicas,
        schedulerReplicas: a.schedulerReplicas,
        triggererReplicas: a.triggererReplicas,
        dagProcessorReplicas: a.dagProcessorReplicas,
        dags: {
            repo: a.dags.repo,
            branch: a.dags.branch,
            subPath: a.dags.subPath,
            period: a.dags.period,
            credentials: gitCredentials(source),
        },
        logs:
            a.logs.mode === "remote"
                ? // The loader's checkAirflow refuses remote logs without a folder.
                  { kind: "bucket", baseFolder: a.logs.remoteBaseFolder ?? "" }
                : { kind: "shared-volume", size: a.logs.size },
        flower: { enabled: a.flower.enabled },
        resources: { ...a.resources },
        extraConfig: a.extraConfig,
        production: source.production,
        statsd: {
            mappingTtl: source.monitoring.statsdMappingTtl,
            exporterImageTag: source.monitoring.statsdExporterImageTag,
        },
    };
}

/** A devspace's Airflow: the stack's settings, in the devspace's namespace, syncing the developer's branch. */
export function devspaceAirflowSettings(config: DevspaceStackConfig): AirflowSettings {
    const { devspace } = config;
    const settings = airflowSettings(config);
    return {
        ...settings,
        namespace: devspaceNamespace(devspace.developer),
        // The developer's branch wins over airflow.dags.branch: that is what the devspace is for.
        dags: { ...settings.dags, branch: devspace.branch },
    };
}

/** The component's Args: the settings, the URLs the exposure settings give, the database and the wiring. */
export function airflowArgs(
    config: StackConfig,
    wiring: AirflowWiring,
    settings: AirflowSettings = airflowSettings(config),
): AirflowArgs {
    const { cluster, urls, ...components } = wiring;
    let database: AirflowDatabase = { kind: "bundled" };
    if (config.database.mode === "managed") {
        if (!cluster.database)
            throw new Error("database.mode is managed but the cluster layer has no managed database");
        database = { kind: "external", connection: cluster.database };
    }
    return {
        ...settings,
        ...(urls ? { baseUrl: urls.airflowBaseUrl } : {}),
        // Flower's path behind the shared load balancer (`[celery] flower_url_prefix`), when it is routed there.
        flower: {
            ...settings.flower,
            ...(urls?.flowerUrlPrefix !== undefined ? { urlPrefix: urls.flowerUrlPrefix } : {}),
        },
        database,
        // Key-holding and stateful objects follow `deletionProtection` (on in prod).
        protect: config.deletionProtection,
        cluster,
        ...components,
    };
}

/** Where an Args path was set in the config, when it is not `airflow.<path>`. */
const CONFIG_PATH_OF: Record<string, string[]> = {
    "dags.credentials": ["airflow", "dags", "credentials"],
    "dags.credentials.knownHosts": ["airflow", "dags", "knownHosts"],
    "dags.credentials.username": ["airflow", "dags", "username"],
    "dags.credentials.privateKey": ["dagsGitSshKey"],
    "dags.credentials.token": ["dagsGitToken"],
    "logs.baseFolder": ["airflow", "logs", "remoteBaseFolder"],
    "logs.size": ["airflow", "logs", "size"],
    "flower.urlPrefix": ["exposure", "flowerPath"],
    statsd: ["monitoring"],
    "statsd.mappingTtl": ["monitoring", "statsdMappingTtl"],
    "statsd.exporterImageTag": ["monitoring", "statsdExporterImageTag"],
};

/** The config path that set an Args path of the Airflow component. */
export function airflowConfigPath(argsPath: string): string[] {
    if (CONFIG_PATH_OF[argsPath]) return CONFIG_PATH_OF[argsPath];
    const [first, second, ...rest] = argsPath.split(".");
    // extraConfig's option names are airflow.cfg's, never split further.
    if (first === "extraConfig" && second !== undefined) return ["airflow", first, second, rest.join(".")];
    return ["airflow", ...argsPath.split(".")];
}

/** Reports the component's refusals under their config keys, with the configured value; Args named in backticks become their keys. */
export function reportAirflowIssues(issues: ArgsIssue[], airflow: ResolvedAirflowConfig, problem: Problem): void {
    for (const issue of issues) {
        const path = airflowConfigPath(issue.path);
        const message = issue.message.replace(/`([^`]+)`/g, (_, named: string) => airflowConfigPath(named).join("."));
        const value =
            path[0] === "airflow"
                ? path
                      .slice(1)
                      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], airflow)
                : undefined;
        problem(path, message, value);
    }
}
