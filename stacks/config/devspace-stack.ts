/** A devspace stack's config, narrowed: the loader refuses `stackKind: devspace` without a `devspace` section. */
import { ConfigError, fullKey } from "./errors";
import type { StackConfig } from "./resolved";
import type { DevspaceConfig } from "./schema";

/** The resolved config of a devspace stack: its `devspace` section is there. */
export type DevspaceStackConfig = StackConfig & { readonly stackKind: "devspace"; readonly devspace: DevspaceConfig };

/** `config` as a devspace stack's; a ConfigError naming `devspace` for a platform stack or one without the section. */
export function devspaceStackConfig(config: StackConfig): DevspaceStackConfig {
    const { devspace } = config;
    if (config.stackKind === "devspace" && devspace !== undefined)
        return { ...config, stackKind: "devspace", devspace };
    const missing = devspace === undefined ? " and no devspace section" : "";
    throw new ConfigError(config.stack, [
        {
            key: fullKey(["devspace"]),
            message: `a devspace stack needs stackKind devspace and a devspace section; this one has stackKind ${config.stackKind}${missing}`,
        },
    ]);
}
