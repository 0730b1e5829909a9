import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseStackConfig } from "../stacks/config";
import { PROVIDER_NAMESPACES } from "../stacks/config/load";
import { planStack, readStackFile } from "../tools/offline/runtime";
import { configError } from "./harness";

/** Parses a reference stack with changes applied, the way `pulumi up` would see it. */
function parse(stack: string, changes: Record<string, unknown> = {}, unset: string[] = []) {
    const file = readStackFile(stack);
    const config: Record<string, unknown> = { ...file.config, ...changes };
    for (const key of unset) delete config[key];
    return parseStackConfig(stack, config, file.secrets);
}

/** Parses a stack file written out as text, through the same YAML reading as the offline plan. */
function parseFile(yaml: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-traps-"));
    fs.writeFileSync(path.join(dir, "Pulumi.trap.yaml"), yaml);
    const file = readStackFile("trap", dir);
    // The runtime hands top-level values to the program as text, as Pulumi does.
    const asText = Object.fromEntries(
        Object.entries(file.config).map(([k, v]) => [k, typeof v === "object" ? v : String(v)]),
    );
    return parseStackConfig("trap", asText, file.secrets);
}

const keysOf = (err: ConfigError) => err.issues.map((i) => i.key);
const messageOf = (err: ConfigError, key: string) => err.issues.find((i) => i.key === key)?.message ?? "";

const eksFile = (extra: string[]) =>
    [
        "config:",
        "  airflow-platform:cloud: eks",
        "  airflow-platform:aws: {region: eu-west-1}",
        "  airflow-platform:airflow: {dags: {repo: 'https://example.com/dags.git'}}",
        ...extra,
    ].join("\n");

describe("config traps", () => {
    describe("namespaces", () => {
        it("refuses a misspelt project namespace instead of dropping the section, and names the right key", () => {
            const err = configError(() => parse("dev", { "airflow-plaform:exposure": { enabled: true } }));
            expect(keysOf(err)).to.include("airflow-plaform:exposure");
            expect(messageOf(err, "airflow-plaform:exposure")).to.contain("did you mean airflow-platform:exposure?");
        });

        it("accepts the providers' own namespaces, taken from the program's dependencies", () => {
            expect(PROVIDER_NAMESPACES).to.include.members(["aws", "gcp", "kubernetes", "random", "pulumi"]);
            expect(() =>
                parse("dev", { "gcp:project": "acme", "kubernetes:enableServerSideApply": "true" }),
            ).not.to.throw();
        });

        it("refuses the misspelt namespace through the runtime too, before any resource", async () => {
            const err = await planStack("dev", { config: { "airflow-plaform:exposure": { enabled: true } } }).then(
                () => undefined,
                (e: unknown) => e,
            );
            expect(err).to.be.instanceOf(ConfigError);
            expect((err as ConfigError).message).to.contain("airflow-plaform:exposure");
        });
    });

    describe("YAML numbers", () => {
        it("explains an unquoted 1.30 that YAML read as 1.3 (a top-level key, which Pulumi passes as text)", () => {
            const err = configError(() => parseFile(eksFile(["  airflow-platform:kubernetesVersion: 1.30"])));
            expect(err.message).to.contain('airflow-platform:kubernetesVersion = "1.3"');
            expect(err.message).to.contain('write "1.30"');
        });

        it("explains a number where a string key is meant inside an object", () => {
            const err = configError(() =>
                parseFile(eksFile(["  airflow-platform:database: {mode: managed, postgresVersion: 16}"])),
            );
            expect(messageOf(err, "airflow-platform:database.postgresVersion")).to.contain("quote it");
        });
    });

    describe("regions", () => {
        it("refuses a zone in gcp.region and aws.region, naming the region", () => {
            const gcp = configError(() =>
                parse("dev", { gcp: { ...(readStackFile("dev").config.gcp as object), region: "europe-west1-b" } }),
            );
            expect(messageOf(gcp, "airflow-platform:gcp.region")).to.contain("is a zone; the region is europe-west1");
            const aws = configError(() =>
                parse("prod-eks", {
                    aws: { ...(readStackFile("prod-eks").config.aws as object), region: "eu-west-1a" },
                }),
            );
            expect(messageOf(aws, "airflow-platform:aws.region")).to.contain("is a zone; the region is eu-west-1");
        });

        it("refuses a misspelt region with the one it is closest to", () => {
            const err = configError(() =>
                parse("dev", { gcp: { ...(readStackFile("dev").config.gcp as object), region: "europe-wset1" } }),
            );
            expect(messageOf(err, "airflow-platform:gcp.region")).to.contain("did you mean europe-west1?");
        });

        it("only warns about a well-formed name it does not know (the cloud may have opened a region since)", () => {
            const config = parse("dev", {
                gcp: { ...(readStackFile("dev").config.gcp as object), region: "xx-future7" },
            });
            expect(config.warnings.map((w) => w.key)).to.include("airflow-platform:gcp.region");
        });
    });

    describe("versions", () => {
        it("refuses chart versions whose values the tests have never checked", () => {
            const dev = readStackFile("dev").config;
            const err = configError(() =>
                parse("dev", {
                    airflow: { ...(dev.airflow as object), chartVersion: "1.22.0" },
                    monitoring: { kubePrometheusStackVersion: "80.0.0" },
                }),
            );
            expect(keysOf(err)).to.include.members([
                "airflow-platform:airflow.chartVersion",
                "airflow-platform:monitoring.kubePrometheusStackVersion",
            ]);
            expect(messageOf(err, "airflow-platform:airflow.chartVersion")).to.contain('"1.20.0"');
        });
    });

    describe("keys nothing reads", () => {
        it("refuses airflow.kubernetesQueue on Airflow 3, where tasks on that queue would never run", () => {
            const dev = readStackFile("dev").config;
            const err = configError(() =>
                parse("dev", { airflow: { ...(dev.airflow as object), version: "3.1.8", kubernetesQueue: "k8s" } }),
            );
            expect(messageOf(err, "airflow-platform:airflow.kubernetesQueue")).to.contain(
                'executor="KubernetesExecutor"',
            );
        });

        it("accepts airflow.kubernetesQueue where CeleryKubernetesExecutor reads it (2.x)", () => {
            const dev = readStackFile("dev").config;
            expect(() =>
                parse("dev", { airflow: { ...(dev.airflow as object), version: "2.11.0", kubernetesQueue: "k8s" } }),
            ).not.to.throw();
        });

        it("refuses backups and HA for the bundled Postgres, and warns about sizes nothing reads", () => {
            const err = configError(() => parse("dev", { database: { mode: "bundled", backupRetentionDays: 14 } }));
            expect(keysOf(err)).to.include("airflow-platform:database.backupRetentionDays");
            const config = parse("dev", { database: { mode: "bundled", tier: "db-custom-2-7680" } });
            expect(config.warnings.map((w) => w.key)).to.include("airflow-platform:database.tier");
        });

        it("warns about node pools and authorized networks on an existing cluster, which this program does not manage", () => {
            const config = parse("dev", {
                cloud: "existing",
                gcp: undefined,
                existing: { sharedStorageClassName: "nfs", context: "ctx" },
                nodePools: { spot: { maxNodes: 4 } },
                controlPlane: { authorizedNetworks: ["203.0.113.0/24"] },
            });
            expect(config.warnings.map((w) => w.key)).to.include.members([
                "airflow-platform:nodePools",
                "airflow-platform:controlPlane.authorizedNetworks",
            ]);
        });

        it("warns about kubernetesVersion on gke, where the release channel decides", () => {
            const config = parse("dev", { kubernetesVersion: "1.33" });
            expect(config.warnings.find((w) => w.key === "airflow-platform:kubernetesVersion")?.message).to.contain(
                "release channel",
            );
            expect(parse("dev").warnings).to.deep.equal([]);
        });
    });

    it("refuses a devspace.baseStack of another project", () => {
        const demo = readStackFile("devspace-demo").config;
        const err = configError(() =>
            parse("devspace-demo", { devspace: { ...(demo.devspace as object), baseStack: "acme/other-project/dev" } }),
        );
        expect(messageOf(err, "airflow-platform:devspace.baseStack")).to.contain('names project "other-project"');
    });

    describe("messages", () => {
        it("reports schema errors and cross-checks in one run", () => {
            const err = configError(() =>
                parse("dev", {
                    nodePools: { spot: { maxNodes: 0 } },
                    exposure: { enabled: true },
                    gcp: { ...(readStackFile("dev").config.gcp as object), zone: "europe-west1-b" },
                }),
            );
            expect(keysOf(err)).to.include.members([
                "airflow-platform:nodePools.spot.maxNodes",
                "airflow-platform:gcp.zone",
                "airflow-platform:exposure.host",
            ]);
        });

        it("does not repeat a refused key as a cross-check", () => {
            const err = configError(() => parse("dev", { gcp: { region: "europe-west1" } }));
            expect(keysOf(err)).to.deep.equal(["airflow-platform:gcp.project"]);
        });

        it("suggests the near-miss key", () => {
            const err = configError(() => parse("dev", { nodepools: {} }));
            expect(messageOf(err, "airflow-platform:nodepools")).to.contain("did you mean nodePools?");
            const typo = configError(() => parse("dev", { gcp: { project: "p", regoin: "europe-west1" } }));
            expect(messageOf(typo, "airflow-platform:gcp.regoin")).to.contain("did you mean region?");
        });

        it("gives the allowed range in every numeric error", () => {
            const err = configError(() =>
                parse("dev", {
                    nodePools: { spot: { maxNodes: 0 } },
                    database: { storageGb: 5 },
                    monitoring: { prometheus: { replicas: "two" } },
                }),
            );
            expect(messageOf(err, "airflow-platform:nodePools.spot.maxNodes")).to.contain("an integer from 1 to 1000");
            expect(messageOf(err, "airflow-platform:database.storageGb")).to.contain("an integer from 10 to 16384");
            expect(messageOf(err, "airflow-platform:monitoring.prometheus.replicas")).to.contain(
                "an integer from 1 to 3",
            );
        });
    });

    describe("the reference (docs/config.md)", () => {
        const doc = () => fs.readFileSync(path.resolve(__dirname, "..", "docs", "config.md"), "utf8");
        it("gives the devspace name limit", () => {
            expect(doc()).to.match(/`devspace\.developer`[^\n]*at most 32 characters/);
        });
        it("says what each environment changes", () => {
            const row = doc()
                .split("\n")
                .find((l) => l.startsWith("| `environment`"))!;
            for (const word of ["dev", "staging", "prod", "deletionProtection", "scheduler", "requests", "Retain"])
                expect(row).to.contain(word);
        });
    });
});
