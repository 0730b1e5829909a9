/**
 * Route ordering shared by every driver: a path prefix is matched before any prefix it contains, so `/` comes last
 * and cannot swallow `/grafana` or `/flower`.
 */
import type { IngressRoute } from "../types";

/** Routes from most to least specific: longer paths first, `/` last; ties broken by name for stable output. */
export function mostSpecificFirst(routes: readonly IngressRoute[]): IngressRoute[] {
    const names = new Set(routes.map((r) => r.name));
    if (names.size !== routes.length) throw new Error(`route names must be unique: ${routes.map((r) => r.name).join(", ")}`);
    const paths = new Set(routes.map((r) => r.path));
    if (paths.size !== routes.length) throw new Error(`route paths must be unique: ${routes.map((r) => r.path).join(", ")}`);
    return [...routes].sort((a, b) => segments(b.path) - segments(a.path) || b.path.length - a.path.length || a.name.localeCompare(b.name));
}

function segments(path: string): number {
    return path.split("/").filter((s) => s.length > 0).length;
}

/** A Kubernetes object name from parts: lower case, dashes, at most 63 characters. */
export function objectName(...parts: string[]): string {
    return parts
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 63)
        .replace(/-+$/, "");
}
