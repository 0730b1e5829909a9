/**
 * `npm run health-gate -- --kubeconfig <file> [--namespace airflow] [--monitoring-namespace monitoring]
 * [--ui-service <name> --ui-port <port>] [--timeout 15m]`: the deploy workflow's gate between dev and prod. The
 * Airflow release skips Helm's await (apache/airflow#32003), so `pulumi up` succeeding says little; this waits until
 *   1. the scheduler's heartbeat reaches the shared Prometheus (the whole StatsD -> exporter -> scrape path works),
 *   2. the API server answers its health endpoint with a healthy metadatabase and scheduler,
 *   3. no DAG fails to import,
 * and fails with the reasons when they do not all hold before the timeout. It reaches both through `kubectl
 * port-forward`. The judging is pure and exported for the tests.
 */
import { ChildProcess, spawn } from "child_process";

/** PromQL of the gate; each answers one question, in the Airflow namespace only. */
export function healthQueries(namespace: string) {
    const ns = `namespace="${namespace}"`;
    return {
        // A counter that grows with every heartbeat: its rate is above zero while the scheduler runs.
        heartbeat: `sum(rate(airflow_scheduler_heartbeat{${ns}}[2m]))`,
        importErrors: `sum(airflow_dag_processing_import_errors{${ns}})`,
    };
}

/** The part of a Prometheus instant-query answer the gate reads (GET /api/v1/query). */
export interface PromResponse {
    status: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    error?: string;
}

/** The value of a one-series vector answer; undefined when there is no series (yet). */
export function scalarOf(response: PromResponse): number | undefined {
    if (response.status !== "success" || !response.data || response.data.result.length === 0) return undefined;
    return Number(response.data.result[0].value[1]);
}

export interface HealthSample {
    heartbeat: PromResponse;
    importErrors: PromResponse;
    /** The API server's health endpoint: HTTP status and body; undefined when it did not answer. */
    api?: { status: number; body: unknown };
}

/** Why the platform is not healthy yet; empty when it is. */
export function healthProblems(sample: HealthSample): string[] {
    const problems: string[] = [];
    const heartbeat = scalarOf(sample.heartbeat);
    if (heartbeat === undefined)
        problems.push("no scheduler heartbeat in Prometheus yet (airflow_scheduler_heartbeat)");
    else if (!(heartbeat > 0)) problems.push("the scheduler's heartbeat stopped (rate 0 over 2m)");
    const importErrors = scalarOf(sample.importErrors);
    if (importErrors === undefined)
        problems.push("no DAG processing report yet (airflow_dag_processing_import_errors)");
    else if (importErrors > 0) problems.push(`${importErrors} DAG file(s) fail to import`);
    if (!sample.api) problems.push("the API server does not answer");
    else if (sample.api.status !== 200)
        problems.push(`the API server's health endpoint answers HTTP ${sample.api.status}`);
    else {
        const body = (sample.api.body ?? {}) as Record<string, { status?: string } | undefined>;
        for (const part of ["metadatabase", "scheduler"])
            if (body[part]?.status !== "healthy")
                problems.push(`the API server reports ${part} ${body[part]?.status ?? "missing"}`);
    }
    return problems;
}

/** Airflow 3's health endpoint, then 2.x's. */
export const HEALTH_PATHS = ["/api/v2/monitor/health", "/health"];

interface GateArgs {
    kubeconfig: string;
    namespace: string;
    monitoringNamespace: string;
    uiService: string;
    uiPort: number;
    timeoutSeconds: number;
}

export function parseGateArgs(argv: string[]): GateArgs {
    const get = (flag: string, fallback?: string) => {
        const i = argv.indexOf(flag);
        const v = i >= 0 ? argv[i + 1] : fallback;
        if (v === undefined) throw new Error(`${flag} is required`);
        return v;
    };
    const timeout = get("--timeout", "15m");
    const match = /^(\d+)(s|m)$/.exec(timeout);
    if (!match) throw new Error(`--timeout ${timeout}: a duration such as 900s or 15m`);
    return {
        kubeconfig: get("--kubeconfig"),
        namespace: get("--namespace", "airflow"),
        monitoringNamespace: get("--monitoring-namespace", "monitoring"),
        uiService: get("--ui-service", "airflow-api-server"),
        uiPort: Number(get("--ui-port", "8080")),
        timeoutSeconds: Number(match[1]) * (match[2] === "m" ? 60 : 1),
    };
}

/** `kubectl port-forward` to a Service on a local port; resolves once kubectl says it forwards. */
function portForward(
    args: GateArgs,
    namespace: string,
    service: string,
    port: number,
    localPort: number,
): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
        const child = spawn("kubectl", [
            "--kubeconfig",
            args.kubeconfig,
            "-n",
            namespace,
            "port-forward",
            `svc/${service}`,
            `${localPort}:${port}`,
            "--address",
            "127.0.0.1",
        ]);
        child.stdout.on("data", (d: Buffer) => /Forwarding from/.test(d.toString()) && resolve(child));
        child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`kubectl port-forward svc/${service} exited with ${code}`)));
    });
}

async function sample(args: GateArgs): Promise<HealthSample> {
    const queries = healthQueries(args.namespace);
    const query = async (q: string): Promise<PromResponse> => {
        const res = await fetch(`http://127.0.0.1:19090/api/v1/query?query=${encodeURIComponent(q)}`);
        return (await res.json()) as PromResponse;
    };
    let api: HealthSample["api"];
    for (const p of HEALTH_PATHS) {
        const res = await fetch(`http://127.0.0.1:18080${p}`).catch(() => undefined);
        if (res && res.status !== 404) {
            api = { status: res.status, body: await res.json().catch(() => undefined) };
            break;
        }
    }
    return { heartbeat: await query(queries.heartbeat), importErrors: await query(queries.importErrors), api };
}

async function main(): Promise<number> {
    const args = parseGateArgs(process.argv.slice(2));
    // prometheus-operated is the Service the operator makes for every Prometheus it runs.
    const forwards = [
        await portForward(args, args.monitoringNamespace, "prometheus-operated", 9090, 19090),
        await portForward(args, args.namespace, args.uiService, args.uiPort, 18080),
    ];
    const deadline = Date.now() + args.timeoutSeconds * 1000;
    let problems: string[] = ["not checked yet"];
    try {
        while (Date.now() < deadline) {
            problems = healthProblems(
                await sample(args).catch((err: Error) => ({
                    heartbeat: { status: "error", error: err.message },
                    importErrors: { status: "error" },
                })),
            );
            if (problems.length === 0) {
                console.log("healthy: scheduler heartbeat in Prometheus, API server healthy, no import errors");
                return 0;
            }
            console.log(`waiting: ${problems.join("; ")}`);
            await new Promise((r) => setTimeout(r, 20_000));
        }
    } finally {
        for (const f of forwards) f.kill();
    }
    console.error(`::error::dev is not healthy after ${args.timeoutSeconds}s: ${problems.join("; ")}`);
    return 1;
}

if (require.main === module) {
    main().then(
        (status) => process.exit(status),
        (err: unknown) => {
            console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
            process.exit(1);
        },
    );
}
