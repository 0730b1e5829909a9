/**
 * airflow-platform: composition only. The stack's config decides which stack shape to build; components do the rest.
 */
import { devspaceStack } from "./stacks/devspace";
import { loadStackConfig } from "./stacks/config";
import { platformStack } from "./stacks/platform";

// Pulumi runs an exported function and takes what it returns as the stack outputs. Config is validated first, so a
// bad value stops the run before any resource is registered.
export = async () => {
    const config = loadStackConfig();
    return config.stackKind === "devspace" ? devspaceStack(config) : platformStack(config);
};
