import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { alertmanagerConfig } from "../components/observability/values";
import { maskAlertmanagerSecrets } from "../tools/offline/alertmanager";
import { writePlan } from "../tools/plan";
import { SECRET, planOf } from "./harness";

/** Paths (a.b[0].c) of every leaf equal to a marker. */
function pathsOf(value: unknown, marker: string, at = ""): string[] {
    if (value === marker) return [at];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsOf(v, marker, `${at}[${i}]`));
    if (value && typeof value === "object")
        return Object.entries(value).flatMap(([k, v]) => pathsOf(v, marker, at ? `${at}.${k}` : k));
    return [];
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

/** Debian names the binary prometheus-alertmanager; upstream's is alertmanager. `npm test` installs it (tools/ensure-tool.sh). */
function alertmanagerBinary(): string {
    for (const name of ["prometheus-alertmanager", "alertmanager"])
        if (spawnSync("sh", ["-c", `command -v ${name}`]).status === 0) return name;
    throw new Error("Alertmanager is not installed: run `npm test`, whose pretest installs it (tools/ensure-tool.sh)");
}

/** The configuration as the real Alertmanager shows it in /api/v2/status, where it masks its secrets as <secret>. */
async function asAlertmanagerShowsIt(config: object): Promise<unknown> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alertmanager-"));
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), YAML.stringify(config));
    const port = await freePort();
    const child: ChildProcess = spawn(
        alertmanagerBinary(),
        [
            `--config.file=${path.join(dir, "alertmanager.yml")}`,
            `--storage.path=${dir}`,
            `--web.listen-address=127.0.0.1:${port}`,
            "--cluster.listen-address=",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    child.stderr!.on("data", (d) => (log += String(d)));
    try {
        // Up to 30 s: a loaded 2-core CI machine can be slow to start it.
        for (let attempt = 0; attempt < 300; attempt++) {
            try {
                const res = await fetch(`http://127.0.0.1:${port}/api/v2/status`);
                if (res.ok) return YAML.parse(((await res.json()) as { config: { original: string } }).config.original);
            } catch {
                // not listening yet
            }
            if (child.exitCode !== null) break;
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`Alertmanager did not answer on 127.0.0.1:${port}:\n${log}`);
    } finally {
        // Remove its storage only once it has exited: it writes there until then (ENOTEMPTY otherwise).
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill();
            await exited;
        }
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
}

describe("Alertmanager config in the plan", () => {
    const receivers = {
        slack: { apiUrl: "https://hooks.slack.com/services/T0/B0/abc", channel: "#airflow" },
        webhook: { url: "https://hooks.example.com/alerts?token=abc" },
        email: {
            to: "oncall@example.com",
            from: "airflow@example.com",
            smarthost: "smtp.example.com:587",
            username: "airflow",
            password: "pw",
        },
    };

    it("masks exactly the fields the real Alertmanager masks (and the webhook URL, which newer releases mask)", async function () {
        this.timeout(30000);
        const config = alertmanagerConfig(receivers);
        const shown = await asAlertmanagerShowsIt(config);
        const theirs = pathsOf(shown, "<secret>");
        expect(theirs, "Alertmanager masks the Slack URL and the SMTP password").to.include.members([
            "receivers[1].slack_configs[0].api_url",
            "receivers[1].email_configs[0].auth_password",
        ]);
        const ours = pathsOf(maskAlertmanagerSecrets(config), SECRET);
        expect(ours).to.include.members(theirs);
        expect(ours.filter((p) => !theirs.includes(p))).to.deep.equal(
            pathsOf(shown, receivers.webhook.url).length > 0 ? ["receivers[1].webhook_configs[0].url"] : [],
        );
    });

    it("shows the routing, receivers and non-secret fields of prod's Alertmanager config, never the keys", async () => {
        const plan = await planOf("prod-gke");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-am-"));
        writePlan(plan, dir);
        const resources = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8")) as Array<{
            type: string;
            inputs: { stringData?: Record<string, string> };
        }>;
        const secret = resources.find(
            (r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.stringData?.["alertmanager.yaml"] !== undefined,
        )!;
        const text = secret.inputs.stringData!["alertmanager.yaml"];
        expect(text).not.to.equal(SECRET);
        const config = YAML.parse(text) as {
            route: { receiver: string };
            receivers: { name: string; slack_configs?: { api_url: string; channel: string }[] }[];
        };
        expect(config.route.receiver).to.equal("airflow-platform");
        const slack = config.receivers.find((r) => r.slack_configs)!.slack_configs![0];
        expect(slack.api_url).to.equal(SECRET);
        expect(slack.channel).to.match(/^#/);
        expect(text).not.to.contain("hooks.slack.com");
        expect(fs.readFileSync(path.join(dir, "alertmanager.yaml"), "utf8")).to.equal(text);
    });
});
