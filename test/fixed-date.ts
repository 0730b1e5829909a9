/**
 * Every test runs on one fixed day (AIRFLOW_PLATFORM_TODAY), so that no verdict changes when a pinned EKS minor leaves
 * standard support or a listed devspace expires; tests of the dates themselves pass their own days.
 */
import { TODAY_VARIABLE } from "../stacks/today";

/** The day the tests run on: the day prod-eks moved to 1.35 (1.34 leaves standard support the day after). */
export const TEST_TODAY = "2026-12-01";
process.env[TODAY_VARIABLE] = TEST_TODAY;
