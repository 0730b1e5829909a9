/**
 * The StatsD lines one DAG sends over a day, per Airflow's metric tables and the code that emits them (legacy dotted
 * names plus the ID-less tagged twins; Airflow >= 2.6 job names): used to count the series and the exporter memory a
 * DAG costs through the mapping, and as the traffic of the end-to-end tests.
 */
export interface DagDayOptions {
    dagId: string;
    /** Number of tasks; task i is `task_<i>`. */
    tasks: number;
    /** DAG runs in the day (24 for an hourly DAG). */
    runs: number;
    /** Runs that fail (their first task is retried once, then fails); the rest succeed. Default 1. */
    failedRuns?: number;
    major: 2 | 3;
    /** Queues the tasks are spread over (Celery queue and the KubernetesExecutor queue on 2.x). */
    queues?: string[];
    /** The DAG file's stem. */
    dagFile?: string;
}

export function dagDayOfStatsdLines(o: DagDayOptions): string[] {
    const lines: string[] = [];
    const p = "airflow";
    const queues = o.queues ?? ["default"];
    const file = o.dagFile ?? o.dagId;
    const failed = o.failedRuns ?? 1;
    // The DAG processor parses the file every 30 seconds by default: 2880 times a day.
    for (let parse = 0; parse < 2880; parse += 1) {
        lines.push(
            `${p}.dag_processing.last_duration.${file}:${400 + (parse % 50)}|ms`,
            `${p}.dag_processing.last_duration:400|ms`,
        );
        lines.push(`${p}.dag_processing.last_run.seconds_ago.${file}:${parse % 30}|g`);
        lines.push(`${p}.dag_processing.last_num_of_db_queries.${file}:3|g`);
        if (o.major === 2) lines.push(`${p}.dag_processing.last_runtime.${file}:0.4|g`);
    }
    for (let run = 0; run < o.runs; run += 1) {
        const runFails = run < failed;
        lines.push(`${p}.dagrun.dependency-check.${o.dagId}:12|ms`, `${p}.dagrun.dependency-check:12|ms`);
        lines.push(`${p}.dagrun.schedule_delay.${o.dagId}:2400|ms`, `${p}.dagrun.schedule_delay:2400|ms`);
        for (let t = 0; t < o.tasks; t += 1) {
            const task = `task_${t}`;
            const queue = queues[t % queues.length];
            const fails = runFails && t === 0;
            // A failing task is retried once: up_for_retry, then failed.
            for (const state of fails ? ["up_for_retry", "failed"] : ["success"]) {
                // The scheduler reports task instances per state each loop, then 0 for the ones that left the state.
                for (const gauge of ["scheduled", "queued", "running"]) {
                    lines.push(`${p}.ti.${gauge}.${queue}.${o.dagId}.${task}:1|g`, `${p}.ti.${gauge}:1|g`);
                    lines.push(`${p}.ti.${gauge}.${queue}.${o.dagId}.${task}:0|g`);
                }
                lines.push(
                    `${p}.dag.${o.dagId}.${task}.scheduled_duration:40|ms`,
                    `${p}.task.scheduled_duration:40|ms`,
                );
                lines.push(`${p}.dag.${o.dagId}.${task}.queued_duration:900|ms`, `${p}.task.queued_duration:900|ms`);
                lines.push(`${p}.ti.start.${o.dagId}.${task}:1|c`, `${p}.ti.start:1|c`);
                if (o.major === 2) {
                    lines.push(
                        `${p}.task.cpu_usage.${o.dagId}.${task}:35|g`,
                        `${p}.task.mem_usage.${o.dagId}.${task}:4|g`,
                    );
                } else {
                    lines.push(
                        `${p}.task.cpu_usage_percent.${o.dagId}.${task}:35|g`,
                        `${p}.task.memory_mb.${o.dagId}.${task}:310|g`,
                    );
                }
                lines.push(`${p}.dag.${o.dagId}.${task}.duration:${5000 + t}|ms`, `${p}.task.duration:5000|ms`);
                lines.push(`${p}.ti.finish.${o.dagId}.${task}.${state}:1|c`, `${p}.ti.finish:1|c`);
                lines.push(`${p}.${state === "success" ? "ti_successes" : "ti_failures"}:1|c`);
                lines.push(`${p}.operator_${state === "success" ? "successes" : "failures"}_PythonOperator:1|c`);
                lines.push(`${p}.operator_${state === "success" ? "successes" : "failures"}:1|c`);
                if (o.major === 2) {
                    const rc = state === "success" ? 0 : 1;
                    lines.push(
                        `${p}.local_task_job.task_exit.${9000 + run * o.tasks + t}.${o.dagId}.${task}.${rc}:1|c`,
                    );
                    lines.push(`${p}.local_task_job.task_exit:1|c`);
                }
                lines.push(`${p}.job_start:1|c`, `${p}.job_end:1|c`);
            }
            if (fails) break;
        }
        lines.push(`${p}.task_instance_created_PythonOperator:${o.tasks}|c`, `${p}.task_instance_created:${o.tasks}|c`);
        const runState = runFails ? "failed" : "success";
        lines.push(`${p}.dagrun.duration.${runState}.${o.dagId}:60000|ms`, `${p}.dagrun.duration.${runState}:60000|ms`);
        if (!runFails)
            lines.push(
                `${p}.dagrun.${o.dagId}.first_task_scheduling_delay:3100|ms`,
                `${p}.dagrun.first_task_scheduling_delay:3100|ms`,
            );
    }
    return lines;
}
