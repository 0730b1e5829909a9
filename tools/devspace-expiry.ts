/**
 * `npm run devspace-expiry [-- --today YYYY-MM-DD]`: the devspaces of the dev stack whose `expires` has passed, one
 * per line as `<name> <fully qualified devspace stack>`. The scheduled teardown (.github/workflows/devspaces.yml)
 * destroys each of those stacks, then asks for the entry's removal from Pulumi.dev.yaml (which removes the frame).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { baseStackDelivery, qualified, stackNameOf } from "./devstack";

export interface ExpiredDevspace {
    name: string;
    expires: string;
    stack: string;
}

/** The expired devspaces of a dev stack file, `today` being YYYY-MM-DD (UTC): expired means expires < today. */
export function expiredDevspaces(devStackFile: string, today: string): ExpiredDevspace[] {
    const config = (YAML.parse(devStackFile) ?? {}).config ?? {};
    const delivery = baseStackDelivery(devStackFile);
    const entries = (config["airflow-platform:devspaces"] ?? []) as { name: string; expires: string }[];
    return entries
        .filter((e) => String(e.expires) < today)
        .map((e) => ({ name: e.name, expires: String(e.expires), stack: qualified(delivery, stackNameOf(e.name)) }));
}

if (require.main === module) {
    const i = process.argv.indexOf("--today");
    const today = i >= 0 ? process.argv[i + 1] : new Date().toISOString().slice(0, 10);
    const text = fs.readFileSync(path.resolve(__dirname, "..", "Pulumi.dev.yaml"), "utf8");
    for (const d of expiredDevspaces(text, today)) console.log(`${d.name} ${d.stack}`);
}
