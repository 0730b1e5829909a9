/** A devspace's namespace name; no Pulumi imports, so the config checks and the alert routing can share it. */

/** Every devspace's namespace starts with this: Alertmanager routes their alerts to no receiver by it. */
export const DEVSPACE_NAMESPACE_PREFIX = "devspace-";

/** The namespace of a developer's devspace. */
export const devspaceNamespace = (developer: string) => `${DEVSPACE_NAMESPACE_PREFIX}${developer}`;
