/**
 * `node -r ts-node/register/transpile-only tools/ci-stacks.ts`: the stacks CI delivers, read from every Pulumi.<stack>.yaml
 * (its `cloud`, `environment` and `delivery` section), as GitHub Actions matrices. Each stack's job logs in to its
 * own backend with its own cloud's credentials, in its own GitHub environment, on the runner its config names: adding
 * a stack, or moving one to a self-hosted runner, is a config change, not a workflow edit.
 * Prints `<name>=<json>` lines for $GITHUB_OUTPUT: preview, deploy-dev, deploy-prod, drift.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { deliverySchema } from "../stacks/config/schema";

const PROJECT = "airflow-platform";
const key = (k: string) => `${PROJECT}:${k}`;

export interface CiStack {
    stack: string;
    /** Which login the setup action does: gcp (Workload Identity Federation) or aws (an IAM role by OIDC). */
    cloud: "gcp" | "aws";
    /** The config's environment: dev stacks deploy first, prod stacks after the health gate and an approval. */
    tier: "dev" | "staging" | "prod";
    /** `cloud-url` of pulumi/actions; empty for Pulumi Cloud. */
    backendUrl: string;
    /** Fully qualified stack name on that backend. */
    qualifiedName: string;
    /** `runs-on` labels. */
    runner: string[];
    /** GitHub environment of the deploy job: its identity (vars), secrets and required reviewers. */
    environment: string;
    /** GitHub environment of the preview and drift jobs: a read-only identity, no reviewers. */
    previewEnvironment: string;
}

/** The stacks CI delivers: platform stacks on gke or eks (devspaces are developers' own; `existing` has no CI login). */
export function ciStacks(root: string): CiStack[] {
    const stacks: CiStack[] = [];
    for (const file of fs
        .readdirSync(root)
        .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
        .sort()) {
        const stack = file.slice("Pulumi.".length, -".yaml".length);
        const config = (YAML.parse(fs.readFileSync(path.join(root, file), "utf8")) ?? {}).config ?? {};
        if ((config[key("stackKind")] ?? "platform") !== "platform") continue;
        const cloud = config[key("cloud")];
        if (cloud !== "gke" && cloud !== "eks") continue;
        const parsed = deliverySchema.safeParse(config[key("delivery")] ?? {});
        if (!parsed.success)
            throw new Error(
                `${file}: ${key("delivery")} is invalid: ${parsed.error.message} (npm run plan -- --stack ${stack} says more)`,
            );
        const delivery = parsed.data;
        const tier = config[key("environment")] ?? "dev";
        stacks.push({
            stack,
            cloud: cloud === "gke" ? "gcp" : "aws",
            tier,
            backendUrl: delivery.backendUrl ?? "",
            qualifiedName: `${delivery.organization}/${PROJECT}/${stack}`,
            runner: delivery.runner,
            environment: delivery.environment ?? (tier === "prod" ? "production" : stack),
            previewEnvironment: `preview-${stack}`,
        });
    }
    return stacks;
}

/** The matrices the workflows run, by output name. */
export function ciMatrices(stacks: CiStack[]): Record<string, { include: CiStack[] }> {
    return {
        preview: { include: stacks },
        drift: { include: stacks },
        "deploy-dev": { include: stacks.filter((s) => s.tier !== "prod") },
        "deploy-prod": { include: stacks.filter((s) => s.tier === "prod") },
    };
}

if (require.main === module) {
    const matrices = ciMatrices(ciStacks(path.resolve(__dirname, "..")));
    for (const [name, matrix] of Object.entries(matrices)) console.log(`${name}=${JSON.stringify(matrix)}`);
}
