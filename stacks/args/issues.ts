/** A component's refusals of its Args (components/validation.ts), reported under the config keys that set them. */
import type { ArgsIssue } from "../../components/validation";
import { ConfigIssue, fullKey } from "../config/errors";

/**
 * Each issue under its config key: `keys` maps an Args path to the key path that sets it; a path it does not list is
 * taken as the same path under `prefix` (e.g. a devspace frame's `quota.cpu` under `devspaces[0]`).
 */
export function issuesAtKeys(
    component: string,
    issues: ArgsIssue[],
    keys: Record<string, PropertyKey[]>,
    prefix: PropertyKey[] = [],
): ConfigIssue[] {
    return issues.map((issue) => ({
        key: fullKey(keys[issue.path] ?? [...prefix, ...issue.path.split(".")]),
        message: `${issue.message} (refused by the ${component} component)`,
    }));
}
