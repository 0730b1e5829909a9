/**
 * What the Airflow chart (or the component) refuses, as `ArgsIssue`s by their path in `AirflowSettings`. Messages name
 * other Args in backticks (`workers.concurrency`); the stack layer reports each issue under its config key.
 */
import type { ArgsIssue } from "../validation";
import { parseMemory } from "../quantities";
import { type AirflowSettings, CELERY_WORKER_BASE_MEMORY, withAirflowDefaults } from "./args";

/**
 * The lowest Airflow each pinned chart version installs, with the chart's own words: its
 * `templates/check-values.yaml` fails the render below it (chart 1.20.0: `semverCompare "<2.11.0"`).
 */
export const CHART_AIRFLOW_SUPPORT: Record<string, { minimum: string; reason: string; newestMinor: string }> = {
    // newestMinor: the chart's appVersion (1.20.0 ships 3.1.8); Airflow 3.2 came with chart 1.22.0 (default 3.2.2), whose
    // values this repository has never checked, so a newer minor is refused rather than installed on an untested chart.
    "1.20.0": {
        minimum: "2.11.0",
        reason: "This chart only supports Apache Airflow version 2.11.0 and above.",
        newestMinor: "3.1",
    },
};

/** -1, 0 or 1 as version a is lower than, equal to or higher than version b (exact x.y.z versions). */
export function compareVersions(a: string, b: string): number {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number));
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

/**
 * airflow.cfg options the component sets from typed Args: through extraConfig they would fail the render or skip the
 * typed key's checks. Sections and options as airflow.cfg spells them (lower case).
 */
export const EXTRA_CONFIG_OWNED: Record<string, Record<string, string>> = {
    // NOTES.txt: `if ne .Values.executor (tpl .Values.config.core.executor $)` fails with "Please configure the executor with `executor`".
    core: { executor: "the chart refuses it unless it equals the chart's executor; set `executor`" },
    celery: { worker_concurrency: "the worker memory check would not see it; set `workers.concurrency`" },
};

/** Every refusal of the chart or of an impossible combination, in the order the Args declare them. Pure. */
export function checkAirflowArgs(args: AirflowSettings): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    const issue = (path: string, message: string) => issues.push({ path, message });
    const a = withAirflowDefaults(args);
    const major = Number(a.version.split(".")[0]);
    if (major < 2 || major > 3) issue("version", "must be a 2.x or 3.x release");
    const support = CHART_AIRFLOW_SUPPORT[a.chartVersion];
    if (support && compareVersions(a.version, support.minimum) < 0)
        issue(
            "version",
            `chart ${a.chartVersion} refuses it ("${support.reason}"); use ${support.minimum} or later, or a 3.x release`,
        );
    if (support && compareVersions(a.version, `${support.newestMinor}.999`) > 0)
        issue(
            "version",
            `is newer than chart ${a.chartVersion} supports (Airflow ${support.minimum} to ${support.newestMinor}.x, its appVersion's ` +
                `minor); a newer Airflow needs a newer \`chartVersion\` (docs/airflow.md, "Bumping the chart")`,
        );
    const workerMemory = parseMemory(a.resources.workers.memory);
    const needed =
        parseMemory(CELERY_WORKER_BASE_MEMORY) + a.workers.concurrency * parseMemory(a.workers.memoryPerTask);
    if (a.executor !== "kubernetes" && needed > workerMemory)
        issue(
            "workers.concurrency",
            `${a.workers.concurrency} tasks of \`workers.memoryPerTask\` ${a.workers.memoryPerTask} beside the worker's ` +
                `${CELERY_WORKER_BASE_MEMORY} do not fit in resources.workers.memory ${a.resources.workers.memory} (the memory limit: one OOM kills every task ` +
                `on the worker); lower it, raise the memory, or leave it unset to derive it`,
        );
    for (const [section, entries] of Object.entries(a.extraConfig))
        for (const [option, value] of Object.entries(entries)) {
            const path = `extraConfig.${section}.${option}`;
            const owner = EXTRA_CONFIG_OWNED[section.toLowerCase()]?.[option.toLowerCase()];
            if (owner) issue(path, `is set by the program: ${owner}`);
            // configmaps/configmap.yaml writes each value as `{{ tpl ($val | toString) $Global }}`.
            if (value.includes("{{"))
                issue(
                    path,
                    'must not contain "{{": the chart renders every airflow.cfg value with Helm\'s tpl, so it would run as template code (or fail the release)',
                );
            if (/[\r\n]/.test(value))
                issue(path, "must be one line: airflow.cfg is written line by line into the chart's ConfigMap");
        }
    const scaling = a.workers.autoscaling;
    // worker-deployment.yaml renders `replicas` only without KEDA: a fixed count beside autoscaling would be ignored.
    if (scaling.enabled && a.executor !== "kubernetes" && a.workers.replicas !== undefined)
        issue(
            "workers.replicas",
            "is ignored while `workers.autoscaling.enabled` is true (KEDA's ScaledObject owns the worker count): " +
                "set `workers.autoscaling.minReplicas` for warm workers, or turn autoscaling off for a fixed count",
        );
    if (scaling.enabled && scaling.minReplicas > scaling.maxReplicas)
        issue(
            "workers.autoscaling.minReplicas",
            `must be at most \`workers.autoscaling.maxReplicas\` (${scaling.maxReplicas})`,
        );
    if (a.executor === "CeleryKubernetesExecutor" && major >= 3)
        issue(
            "executor",
            'Airflow 3 removed CeleryKubernetesExecutor; use "celery-kubernetes" (the multi-executor CeleryExecutor,KubernetesExecutor, ' +
                'where a task picks its pod with executor="KubernetesExecutor")',
        );
    if (a.flower.enabled && a.executor === "kubernetes")
        issue("flower.enabled", "Flower monitors Celery workers; executor kubernetes has none");
    const credentials = a.dags.credentials;
    if (credentials.kind === "ssh") {
        if (!credentials.knownHosts)
            issue(
                "dags.credentials.knownHosts",
                "is required with credentials ssh: without it git-sync skips host key checking",
            );
        if (!a.dags.repo.startsWith("git@") && !a.dags.repo.startsWith("ssh://"))
            issue("dags.repo", "must be an ssh URL (git@… or ssh://…) when credentials is ssh");
    }
    if (credentials.kind === "https") {
        if (!credentials.username) issue("dags.credentials.username", "is required when `dags.credentials` is https");
        if (!a.dags.repo.startsWith("https://"))
            issue("dags.repo", "must be an https:// URL when credentials is https");
    }
    return issues;
}
