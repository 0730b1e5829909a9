import { StackConfig } from "./config";

/** A developer's own Airflow on the shared dev cluster. TODO(issue 6). */
export function devspaceStack(config: StackConfig): Record<string, unknown> {
    throw new Error(`devspace stacks are not built yet (${config.stack})`);
}
