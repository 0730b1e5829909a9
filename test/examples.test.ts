/**
 * examples/dags: the DAG snippets that show a DAG author how a task picks its executor. They must be valid Python and
 * use exactly the executor name (3.x) and queue (2.x) that the platform configures, or a task meant for its own pod
 * silently lands on a Celery worker (or nowhere).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { executorSetting } from "../components/airflow/values";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import { helmValues, planOf } from "./harness";

const EXAMPLES = path.join(__dirname, "..", "examples", "dags");
const read = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), "utf8");

/** Every `name="value",` keyword argument on a line of its own in a Python source (not the docstrings' mentions). */
function keywordValues(source: string, name: string): string[] {
    return [...source.matchAll(new RegExp(`^\\s+${name}="([^"]+)",?$`, "gm"))].map((m) => m[1]);
}

describe("examples/dags", () => {
    it("are valid Python (compiled by python3)", () => {
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "dags-pyc-"));
        try {
            for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".py"))) {
                execFileSync("python3", [
                    "-c",
                    "import py_compile,sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
                    path.join(EXAMPLES, file),
                    path.join(cache, `${file}c`),
                ]);
            }
        } finally {
            fs.rmSync(cache, { recursive: true, force: true });
        }
    });

    it("Airflow 3: the task's executor is one the dev stack's chart runs, and Celery is the default for the others", async () => {
        const executors = String(helmValues(await planOf("dev"), "airflow-release").executor).split(",");
        const asked = keywordValues(read("hybrid_executor_airflow3.py"), "executor");
        expect(asked).to.deep.equal(["KubernetesExecutor"]);
        expect(executors).to.include(asked[0]);
        // The first executor listed is the default one: the tasks that name none must go to Celery.
        expect(executors[0]).to.equal("CeleryExecutor");
    });

    it("Airflow 2: the task's queue is the kubernetes_queue CeleryKubernetesExecutor is given", () => {
        const file = readStackFile("dev");
        const airflow = { ...(file.config.airflow as Record<string, unknown>), version: "2.11.0" };
        const config = parseStackConfig("dev", { ...file.config, airflow }, file.secrets);
        const setting = executorSetting(config.airflow);
        expect(setting.executor).to.equal("CeleryKubernetesExecutor");
        expect(keywordValues(read("hybrid_executor_airflow2.py"), "queue")).to.deep.equal([
            setting.config.celery_kubernetes_executor.kubernetes_queue,
        ]);
    });
});
