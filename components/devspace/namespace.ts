/** A devspace's names; no Pulumi imports, so the config checks, the cluster layer and the alert routing can share them. */

/** Every devspace's namespace starts with this: Alertmanager routes their alerts to no receiver by it. */
export const DEVSPACE_NAMESPACE_PREFIX = "devspace-";

/** The namespace of a developer's devspace. */
export const devspaceNamespace = (developer: string) => `${DEVSPACE_NAMESPACE_PREFIX}${developer}`;

/** The Kubernetes group an EKS access entry gives a devspace's owner; the frame's RoleBinding binds it to one namespace. */
export const devspaceGroup = (developer: string) => `airflow-platform:devspace:${developer}`;
