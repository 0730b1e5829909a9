/**
 * Devspaces: a developer's Airflow on the shared dev cluster. The dev stack owns each devspace's frame (frame.ts:
 * namespace, RBAC, quota, limits, network policies); the devspace stack deploys only into it (stacks/devspace.ts) and
 * checks first that the dev stack lists it, for this owner, and that it has not expired (access.ts).
 */
export * from "./access";
export * from "./args";
export * from "./frame";
export * from "./limits";
export * from "./namespace";
export * from "./requests";
