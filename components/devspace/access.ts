/**
 * Pure: may this devspace stack deploy? Its name must be in the dev stack's `devspaces` list, the owner it declares
 * must be the one listed, and its expiry must not have passed. RBAC enforces the same in the cluster (the owner can
 * only write its own namespace); this check refuses early, with a message that says what to do.
 */
import type { DevspaceAccessRequest } from "./args";
import type { DevspaceFrameOutput } from "./frame";

/** Why the devspace may not deploy, as [config key, message]; undefined when it may. `today` is YYYY-MM-DD (UTC). */
export function devspaceAccessProblem(
    devspace: DevspaceAccessRequest,
    frames: DevspaceFrameOutput[] | undefined,
    today: string,
): { key: string; message: string } | undefined {
    const listed = (frames ?? []).map((f) => f.name);
    const frame = (frames ?? []).find((f) => f.name === devspace.developer);
    if (!frame)
        return {
            key: "devspace.developer",
            message:
                `"${devspace.developer}" is not in the devspaces list of ${devspace.baseStack} ` +
                `(${listed.length ? `it lists ${listed.join(", ")}` : "it lists none"}): ask the platform team to add ` +
                "{ name, owner, expires } to its airflow-platform:devspaces and deploy it; the dev stack creates the namespace",
        };
    const owners = [frame.owner.gcp, frame.owner.aws].filter((o): o is string => Boolean(o));
    if (!owners.includes(devspace.owner))
        return {
            key: "devspace.owner",
            message:
                `devspace "${devspace.developer}" belongs to ${owners.join(" / ")} in ${devspace.baseStack}, not to ` +
                `${devspace.owner}: pick another name (npm run devstack -- up <name>) or ask its owner`,
        };
    if (frame.expires < today)
        return {
            key: "devspace.developer",
            message:
                `devspace "${devspace.developer}" expired on ${frame.expires}: ask the platform team to extend its ` +
                "expires in the dev stack's devspaces, or remove it (npm run devstack -- down)",
        };
    return undefined;
}

/** Today in UTC as YYYY-MM-DD, the format of `expires`. */
export const todayUtc = (now: Date = new Date()) => now.toISOString().slice(0, 10);
