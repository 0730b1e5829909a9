/**
 * Docker Hub through a mirror: a pull-through cache (ECR) or a remote repository (Artifact Registry) serves Docker Hub's
 * images under `<mirror>/<namespace>/<name>`, official images under `library/` as Docker Hub itself names them.
 * ECR: docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working.html ("the /library prefix must be
 * included" for official images); Artifact Registry: cloud.google.com/artifact-registry/docs/repositories/remote-repo.
 */

/** The names Docker Hub goes by as the registry part of a reference. */
const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** The registry host of a repository reference (no tag), or undefined when it names none (Docker Hub's default). */
function registryHost(repository: string): string | undefined {
    const first = repository.split("/")[0];
    // The distribution reference grammar: a first component with a dot or a port, or "localhost", is a host.
    return repository.includes("/") && (/[.:]/.test(first) || first === "localhost") ? first : undefined;
}

/** Whether the repository reference (no tag) is pulled from Docker Hub. */
export function isDockerHubRepository(repository: string): boolean {
    const host = registryHost(repository);
    return host === undefined || DOCKER_HUB_HOSTS.has(host);
}

/** A Docker Hub repository's path on Docker Hub: `redis` is `library/redis`, `docker.io/grafana/grafana` is `grafana/grafana`. */
function dockerHubPath(repository: string): string {
    const path = registryHost(repository) === undefined ? repository : repository.slice(repository.indexOf("/") + 1);
    return path.includes("/") ? path : `library/${path}`;
}

/**
 * The repository to pull: a Docker Hub repository through the mirror, anything else (another registry) unchanged.
 * Without a mirror, the repository as given.
 */
export function viaDockerHubMirror(repository: string, mirror: string | undefined): string {
    if (mirror === undefined || !isDockerHubRepository(repository)) return repository;
    return `${mirror}/${dockerHubPath(repository)}`;
}

/**
 * The same for charts that split the reference into `registry` and `repository` (bitnami, grafana): undefined without a
 * mirror or for another registry's image, so the chart's own default stays.
 */
export function dockerHubMirrorParts(
    repository: string,
    mirror: string | undefined,
): { registry: string; repository: string } | undefined {
    if (mirror === undefined || !isDockerHubRepository(repository)) return undefined;
    return { registry: mirror, repository: dockerHubPath(repository) };
}
