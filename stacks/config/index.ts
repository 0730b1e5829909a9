/**
 * The stack configuration: one schema for everything a stack can set (schema.ts), its defaults (defaults.ts), the
 * cross-checks (checks.ts), and the loader that validates it once, before any resource is registered (load.ts).
 */
export * from "./schema";
export * from "./defaults";
export * from "./resolved";
export { DevspaceStackConfig, devspaceStackConfig } from "./devspace-stack";
export * from "./errors";
export { DEVSPACE_MAX_QUOTA, MULTISHARE_SIZE } from "./checks";
export { loadStackConfig, parseStackConfig } from "./load";
export { appliedDefaults } from "./applied";
export type { AppliedDefault } from "./applied";
