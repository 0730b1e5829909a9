/**
 * The Airflow mixin's committed render (packages/airflow-mixin/rendered/, its README's alert table) is what
 * `npm run mixin:render` writes, and it is what the platform deploys.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { mixinRender, MIXIN_README, platformMixin, RENDERED_DIR, renderedFiles } from "../tools/mixin-render";
import { REPO_ROOT } from "../tools/offline/runtime";
import { helmValues, kubeObjects, ofType, planOf } from "./harness";

describe("airflow-mixin: the committed render", function () {
    this.timeout(120000);
    const mixin = platformMixin();
    const files = mixinRender(mixin);
    const committed = (file: string) =>
        fs.existsSync(path.join(REPO_ROOT, file)) ? fs.readFileSync(path.join(REPO_ROOT, file), "utf8") : undefined;

    it("packages/airflow-mixin/rendered/ and the README's alert table are what `npm run mixin:render` writes", () => {
        const stale = [...files].filter(([file, content]) => committed(file) !== content).map(([file]) => file);
        const extra = renderedFiles().filter((file) => !files.has(file));
        expect(files.size).to.be.greaterThan(5);
        expect({ stale, extra }, "stale render: run `npm run mixin:render` and commit the result").to.deep.equal({
            stale: [],
            extra: [],
        });
    });

    it("the README's alert table has one row per alert, with its severity and `for`", () => {
        const readme = committed(MIXIN_README) ?? "";
        const alerts = mixin.alerts.flatMap((g) => g.rules).filter((r) => "alert" in r);
        expect(alerts.length).to.be.greaterThan(20);
        for (const rule of alerts) {
            const rows = readme.split("\n").filter((l) => l.startsWith(`| ${rule.alert} |`));
            expect(rows, rule.alert).to.have.length(1);
            expect(rows[0]).to.include(`| ${rule.labels.severity} | ${rule.for ?? "0s"} |`);
            expect(readme, rule.alert).to.include(`#### ${rule.alert}\n`);
        }
    });

    it("renders what the dev stack deploys: the PrometheusRule's groups, the dashboards' ConfigMaps, the mapping", async () => {
        const dev = await planOf("dev");
        const [rule] = kubeObjects(dev, "PrometheusRule").filter(
            (r) => (r.inputs.metadata as { name: string }).name === "airflow-platform",
        );
        expect((rule.inputs.spec as { groups: unknown }).groups).to.deep.equal(
            YAML.parse(files.get(path.join(RENDERED_DIR, "rules.yaml"))!).groups.concat(
                YAML.parse(files.get(path.join(RENDERED_DIR, "alerts.yaml"))!).groups,
            ),
        );
        const dashboards = ofType(dev, "kubernetes:core/v1:ConfigMap").flatMap((c) =>
            Object.entries((c.inputs.data ?? {}) as Record<string, string>).filter(([file]) =>
                file.startsWith("airflow-"),
            ),
        );
        expect(dashboards.map(([file]) => file).sort()).to.deep.equal(Object.keys(mixin.dashboards).sort());
        for (const [file, json] of dashboards)
            expect(JSON.parse(json), file).to.deep.equal(
                JSON.parse(files.get(path.join(RENDERED_DIR, "dashboards", file))!),
            );
        const statsd = helmValues(dev, "airflow-release").statsd as { overrideMappings: unknown[] };
        expect(statsd.overrideMappings).to.deep.equal(
            YAML.parse(files.get(path.join(RENDERED_DIR, "statsd-mapping.yaml"))!).mappings,
        );
    });

    it("promtool accepts the rendered rules files", () => {
        const r = spawnSync("promtool", ["check", "rules", "alerts.yaml", "rules.yaml"], {
            cwd: path.join(REPO_ROOT, RENDERED_DIR),
            encoding: "utf8",
        });
        if (r.error)
            throw new Error(
                `promtool cannot run (${r.error.message}): run \`bash tools/ensure-tool.sh\` (npm test does)`,
            );
        expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    });
});
