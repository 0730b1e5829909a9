/**
 * The Airflow component planned alone, on a fake cluster, from Args a program writes by hand (no stack config): what a
 * user of the component relies on, whatever stack it sits in.
 */
import { expect } from "chai";
import { Airflow, AirflowArgs, checkAirflowArgs, withAirflowDefaults } from "../components/airflow";
import type { PoolPlacements } from "../components/cluster/types";
import { ArgsError } from "../components/validation";
import { fakeCluster, planComponent } from "./fake-cluster";
import { airflowSettings } from "../stacks/args/airflow";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import { SECRET, allStrings, helmValues, kubeObjects } from "./harness";

type Obj = Record<string, any>;

const DAGS = { repo: "git@github.com:acme/dags.git" };
const KNOWN_HOSTS = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ncomponent-test-deploy-key\n-----END OPENSSH PRIVATE KEY-----";

/** The dotted paths of every `tolerations` list in a values tree that tolerates `taintKey`. */
function tolerating(values: unknown, taintKey: string, at: string[] = []): string[] {
    if (Array.isArray(values)) return values.flatMap((v, i) => tolerating(v, taintKey, [...at, String(i)]));
    if (!values || typeof values !== "object") return [];
    return Object.entries(values as Obj).flatMap(([key, value]) =>
        key === "tolerations" && Array.isArray(value)
            ? value.some((t: Obj) => t.key === taintKey)
                ? [[...at, key].join(".")]
                : []
            : tolerating(value, taintKey, [...at, key]),
    );
}

describe("Airflow component alone (fake cluster, hand-written Args)", () => {
    it("only the workers (Celery and the KubernetesExecutor pod template) tolerate the spot taint", async () => {
        let placement: PoolPlacements | undefined;
        const plan = await planComponent(() => {
            const cluster = fakeCluster();
            placement = cluster.placement;
            new Airflow("airflow", { cluster, dags: { repo: "https://github.com/acme/dags.git" } });
        });
        const values = helmValues(plan, "airflow-release") as Obj;
        expect(tolerating(values, "cloud.google.com/gke-spot")).to.deep.equal(["workers.tolerations"]);
        // The workers go where the cluster sends them (GKE: the workers' compute class); everything else on on-demand.
        expect(values.workers.nodeSelector).to.deep.equal(placement!.workers!.nodeSelector);
        for (const component of ["scheduler", "apiServer", "triggerer", "dagProcessor", "redis", "statsd"])
            expect(values[component].nodeSelector, component).to.deep.equal(placement!.onDemand.nodeSelector);
    });

    it("credentials given as plain strings and the generated keys never reach an input or an output in plain text", async () => {
        const plan = await planComponent(() => {
            const airflow = new Airflow("airflow", {
                cluster: fakeCluster(),
                dags: { ...DAGS, credentials: { kind: "ssh", privateKey: PRIVATE_KEY, knownHosts: KNOWN_HOSTS } },
            });
            return { adminPassword: airflow.adminPassword, namespace: airflow.namespace };
        });
        for (const resource of plan.resources)
            for (const text of allStrings(resource.inputs))
                expect(text.includes("component-test-deploy-key"), `${resource.type} ${resource.name}`).to.equal(false);
        expect(allStrings(plan.outputs).some((s) => s.includes("component-test-deploy-key"))).to.equal(false);
        expect(plan.outputs).to.deep.equal({ adminPassword: SECRET, namespace: "airflow" });
        const secrets = kubeObjects(plan, "Secret");
        expect(secrets.map((s) => s.name)).to.include("airflow-git-credentials");
        for (const s of secrets) expect(s.inputs.stringData, s.name).to.equal(SECRET);
        // The chart gets the Secret's name, never its content.
        expect((helmValues(plan, "airflow-release") as Obj).dags.gitSync).to.include({
            sshKeySecret: "airflow-git-credentials",
            knownHosts: KNOWN_HOSTS,
        });
    });

    it("refuses bad Args by name before creating anything: the chart's refusals and impossible combinations", async () => {
        const bad: AirflowArgs[] = [];
        const refusal = await planComponent(() => {
            const cluster = fakeCluster();
            const args: AirflowArgs = {
                cluster,
                version: "2.10.5",
                dags: { ...DAGS, credentials: { kind: "ssh", privateKey: PRIVATE_KEY, knownHosts: "" } },
                workers: { autoscaling: { minReplicas: 5, maxReplicas: 2 } },
            };
            bad.push(args);
            new Airflow("airflow", args);
        }).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(refusal).to.be.instanceOf(ArgsError);
        const error = refusal as ArgsError;
        expect(error.component).to.equal("Airflow");
        expect(error.issues.map((i) => i.path)).to.deep.equal([
            "version",
            "workers.autoscaling.minReplicas",
            "dags.credentials.knownHosts",
        ]);
        expect(error.message).to.include("This chart only supports Apache Airflow version 2.11.0 and above.");
        expect(error.message).to.include("must be at most `workers.autoscaling.maxReplicas` (2)");
        // The same check, as the config layer runs it, finds the same issues; good Args pass.
        expect(checkAirflowArgs(bad[0])).to.deep.equal(error.issues);
        expect(checkAirflowArgs({ dags: { repo: "https://github.com/acme/dags.git" } })).to.deep.equal([]);
        expect(checkAirflowArgs({ dags: DAGS, executor: "kubernetes", flower: { enabled: true } })).to.deep.equal([
            { path: "flower.enabled", message: "Flower monitors Celery workers; executor kubernetes has none" },
        ]);
    });

    it("a hand-written Args gets the defaults a stack gets when its config sets nothing but the DAG repository", () => {
        for (const stack of ["dev", "prod-gke"]) {
            const file = readStackFile(stack);
            const dags = { repo: "https://github.com/acme/dags.git" };
            // monitoring at its defaults too: the statsd exporter settings come from it.
            const config = parseStackConfig(stack, { ...file.config, monitoring: {}, airflow: { dags } }, {});
            expect(withAirflowDefaults(airflowSettings(config)), stack).to.deep.equal(
                withAirflowDefaults({ dags, production: config.production }),
            );
        }
    });
});
