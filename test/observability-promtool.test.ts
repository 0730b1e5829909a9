/**
 * Runs the real `promtool` (Debian package `prometheus`; `npm test` installs it through tools/ensure-tool.sh) on the
 * annotation-based scrape config (the Airflow mixin's rules: packages/airflow-mixin/test/promtool.test.ts). Fails,
 * never skips, when promtool is missing.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { annotatedPodsScrapeConfig, annotatedServicesScrapeConfig } from "../components/observability/values";

function promtool(args: string[], cwd: string): { code: number; output: string } {
    const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
    if (r.error)
        throw new Error(`promtool cannot run (${r.error.message}): run \`bash tools/ensure-tool.sh\` (npm test does)`);
    return { code: r.status ?? 1, output: `${r.stdout}\n${r.stderr}` };
}

describe("observability: promtool on the scrape config", function () {
    this.timeout(60000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "airflow-scrape-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("accepts the annotation-based pod and Service scrape jobs' relabelling (promtool check config)", () => {
        // Debian's promtool is built without Kubernetes service discovery: the same job over a static target checks
        // every relabel rule (actions, regexes, target labels); the Kubernetes SD block itself is a one-liner.
        const { kubernetes_sd_configs: sd, ...job } = annotatedPodsScrapeConfig();
        expect(sd).to.deep.equal([{ role: "pod" }]);
        const { kubernetes_sd_configs: serviceSd, ...serviceJob } = annotatedServicesScrapeConfig();
        expect(serviceSd).to.deep.equal([{ role: "endpoints" }]);
        const scrapeConfigs = [job, serviceJob].map((j) => ({
            ...j,
            static_configs: [{ targets: ["10.0.0.1:8080"] }],
        }));
        fs.writeFileSync(
            path.join(dir, "prometheus.yaml"),
            YAML.stringify({ global: { scrape_interval: "30s" }, scrape_configs: scrapeConfigs }),
        );
        const r = promtool(["check", "config", "--syntax-only", "prometheus.yaml"], dir);
        expect(r.code, r.output).to.equal(0);
    });
});
