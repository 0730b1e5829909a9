/**
 * The day the program checks dated facts against (EKS end of standard support, devspace expiry): today in UTC, or the
 * day AIRFLOW_PLATFORM_TODAY names, so that a plan can be checked as of another day (the tests run on a fixed one).
 */
export const TODAY_VARIABLE = "AIRFLOW_PLATFORM_TODAY";

/** Midnight UTC of AIRFLOW_PLATFORM_TODAY (YYYY-MM-DD) when it is set, else `now`; a malformed value is an error. */
export function programToday(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Date {
    const fixed = env[TODAY_VARIABLE];
    if (fixed === undefined || fixed === "") return now;
    const day = new Date(`${fixed}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fixed) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== fixed)
        throw new Error(`${TODAY_VARIABLE}="${fixed}" is not a day: use YYYY-MM-DD (UTC), or unset it for today`);
    return day;
}
