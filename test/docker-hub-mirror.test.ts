/**
 * `images.dockerHubMirror`: every Docker Hub image the platform runs is pulled through the mirror. The scan reads the
 * planned Helm values over the charts' own defaults (test/fixtures: the Airflow chart's values.yaml, kube-prometheus-stack's
 * and grafana's), so an image a chart bump or a new release adds on Docker Hub fails here.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { dockerHubMirrorPullPolicy } from "../components/cluster/eks/specs";
import { isDockerHubRepository, viaDockerHubMirror } from "../components/images";
import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/offline/runtime";
import { configError, helmValues, ofType, planOf } from "./harness";

type Tree = Record<string, unknown>;
const MIRROR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub";
const WITH_MIRROR = { config: { images: { dockerHubMirror: MIRROR } } };

const fixture = (...p: string[]) => YAML.parse(fs.readFileSync(path.join(__dirname, "fixtures", ...p), "utf8")) as Tree;
const AIRFLOW_DEFAULTS = fixture("airflow-chart", "values.yaml");
const KPS_DEFAULTS = {
    ...fixture("observability", "kube-prometheus-stack-88.5.3.values.yaml"),
    grafana: merge(fixture("observability", "grafana-12.11.1.values.yaml"), {
        ...(fixture("observability", "kube-prometheus-stack-88.5.3.values.yaml").grafana as Tree),
    }),
};
/** Chart defaults by release name; a release not named here has no vendored defaults (see NOT_ON_DOCKER_HUB). */
const CHART_DEFAULTS: Record<string, Tree> = {
    "airflow-release": AIRFLOW_DEFAULTS,
    "observability-kube-prometheus-stack": KPS_DEFAULTS,
};
/** Releases whose charts pull nothing from Docker Hub (their defaults, read by hand), with where they pull from. */
const NOT_ON_DOCKER_HUB: Record<string, string> = {
    "observability-crds": "prometheus-operator-crds: no workload, CRDs only",
    "cluster-cluster-autoscaler": "registry.k8s.io/autoscaling/cluster-autoscaler",
    "cluster-ingress": "public.ecr.aws/eks/aws-load-balancer-controller",
    "keda-release": "ghcr.io/kedacore",
};

function merge(base: Tree, over: Tree): Tree {
    const out: Tree = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const b = out[k];
        out[k] =
            v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
                ? merge(b as Tree, v as Tree)
                : v;
    }
    return out;
}

/** Every image reference in a values tree (a `*repository` string, joined to a sibling `registry`), by its path. */
function imageReferences(tree: unknown, at = ""): { path: string; image: string }[] {
    if (!tree || typeof tree !== "object" || Array.isArray(tree)) return [];
    const node = tree as Tree;
    // A disabled component runs no pod: its image is never pulled.
    if (node.enabled === false) return [];
    const found: { path: string; image: string }[] = [];
    for (const [key, value] of Object.entries(node)) {
        // A templated value (the chart's own `{{ .Values.images.airflow.repository ... }}`) names an image found elsewhere.
        if (/repository$/i.test(key) && typeof value === "string" && value !== "" && !value.includes("{{")) {
            const registry = typeof node.registry === "string" && node.registry !== "" ? `${node.registry}/` : "";
            found.push({ path: `${at}${key}`, image: `${registry}${value}` });
        } else found.push(...imageReferences(value, `${at}${key}.`));
    }
    return found;
}

async function imagesOf(stack: string, options = {}) {
    const plan = await planOf(stack, options);
    return ofType(plan, "kubernetes:helm.sh/v3:Release").flatMap((release) => {
        const values = merge(CHART_DEFAULTS[release.name] ?? {}, helmValues(plan, release.name));
        return imageReferences(values).map((ref) => ({ ...ref, release: release.name }));
    });
}

describe("Docker Hub mirror (images.dockerHubMirror)", function () {
    this.timeout(300_000);

    describe("viaDockerHubMirror", () => {
        it("puts official images under library/, as ECR's pull-through cache and Docker Hub name them", () => {
            expect(viaDockerHubMirror("redis", MIRROR)).to.equal(`${MIRROR}/library/redis`);
            expect(viaDockerHubMirror("docker.io/library/busybox", MIRROR)).to.equal(`${MIRROR}/library/busybox`);
        });
        it("keeps a namespaced Docker Hub image's path and leaves other registries alone", () => {
            expect(viaDockerHubMirror("apache/airflow", MIRROR)).to.equal(`${MIRROR}/apache/airflow`);
            expect(viaDockerHubMirror("docker.io/grafana/grafana", MIRROR)).to.equal(`${MIRROR}/grafana/grafana`);
            expect(viaDockerHubMirror("quay.io/prometheus/statsd-exporter", MIRROR)).to.equal(
                "quay.io/prometheus/statsd-exporter",
            );
            expect(viaDockerHubMirror("localhost:5000/airflow", MIRROR)).to.equal("localhost:5000/airflow");
            expect(viaDockerHubMirror("apache/airflow", undefined)).to.equal("apache/airflow");
        });
    });

    for (const stack of ["dev", "prod-eks"]) {
        it(`${stack}: without a mirror, the charts still pull from Docker Hub (the scan sees them)`, async () => {
            const onHub = (await imagesOf(stack)).filter((r) => isDockerHubRepository(r.image));
            expect(onHub.map((r) => r.image)).to.include.members([
                "apache/airflow",
                "redis",
                "docker.io/grafana/grafana",
            ]);
        });

        it(`${stack}: with images.dockerHubMirror, no image of any release is left on Docker Hub`, async () => {
            const plan = await planOf(stack, WITH_MIRROR);
            const releases = ofType(plan, "kubernetes:helm.sh/v3:Release").map((r) => r.name);
            const unaccounted = releases.filter((r) => !(r in CHART_DEFAULTS) && !(r in NOT_ON_DOCKER_HUB));
            expect(unaccounted, "a release whose chart defaults nobody checked for Docker Hub images").to.deep.equal(
                [],
            );
            const images = await imagesOf(stack, WITH_MIRROR);
            expect(images.filter((r) => isDockerHubRepository(r.image))).to.deep.equal([]);
            expect(images.map((r) => r.image)).to.include.members([
                `${MIRROR}/apache/airflow`,
                `${MIRROR}/grafana/grafana`,
                `${MIRROR}/library/busybox`,
            ]);
        });
    }

    it("dev: Redis, PgBouncer's images and the bundled Postgres go through the mirror, tags kept from the chart", async () => {
        const values = helmValues(await planOf("dev", WITH_MIRROR), "airflow-release") as Tree;
        const images = values.images as Record<string, Tree>;
        expect(images.redis).to.deep.equal({ repository: `${MIRROR}/library/redis` });
        expect(images.pgbouncer).to.deep.equal({ repository: `${MIRROR}/apache/airflow` });
        expect(images.pgbouncerExporter).to.deep.equal({ repository: `${MIRROR}/apache/airflow` });
        expect((values.postgresql as Tree).image).to.deep.equal({
            registry: MIRROR,
            repository: "bitnamilegacy/postgresql",
        });
    });

    it("prod-eks: the node role may create and import the cache's repositories on a first pull, under its prefix only", async () => {
        const [plain, mirrored] = await Promise.all([planOf("prod-eks"), planOf("prod-eks", WITH_MIRROR)]);
        const grants = (plan: Awaited<ReturnType<typeof planOf>>) =>
            ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("-nodes-docker-hub-mirror"));
        expect(grants(plain), "no mirror, no grant").to.deep.equal([]);
        const [grant] = grants(mirrored);
        expect(grant, "the grant with an ECR pull-through cache of the cluster's region").to.not.equal(undefined);
        // The kubelet pulls with the node role (the one the node groups run as).
        const nodeRole = ofType(mirrored, "aws:iam/role:Role").find((r) => r.name === "cluster-nodes")!;
        expect((grant.inputs as Tree).role).to.equal(nodeRole.name);
        expect(grant.dependencies).to.include(nodeRole.urn);
        expect(JSON.parse((grant.inputs as { policy: string }).policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                    Resource: ["arn:aws:ecr:eu-west-1:123456789012:repository/docker-hub/*"],
                },
            ],
        });
        // No node starts pulling before the grant exists.
        for (const group of ofType(mirrored, "aws:eks/nodeGroup:NodeGroup"))
            expect(group.dependencies, group.name).to.include(grant.urn);
    });

    it("grants nothing for a mirror that is not an ECR pull-through cache of the cluster's region", () => {
        expect(dockerHubMirrorPullPolicy(MIRROR, "eu-west-1")).to.not.equal(undefined);
        expect(dockerHubMirrorPullPolicy(MIRROR, "us-east-1"), "another region's cache").to.equal(undefined);
        expect(dockerHubMirrorPullPolicy("europe-west1-docker.pkg.dev/p/docker-hub", "eu-west-1")).to.equal(undefined);
        expect(
            dockerHubMirrorPullPolicy("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "eu-west-1"),
            "no prefix",
        ).to.equal(undefined);
        expect(dockerHubMirrorPullPolicy("mirror.example.com/docker-hub", "eu-west-1")).to.equal(undefined);
        expect(dockerHubMirrorPullPolicy(undefined, "eu-west-1")).to.equal(undefined);
        const nested = dockerHubMirrorPullPolicy("210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/hub", "eu-west-1");
        expect(nested?.Statement[0].Resource).to.deep.equal([
            "arn:aws:ecr:eu-west-1:210987654321:repository/team/hub/*",
        ]);
    });

    it("refuses a mirror with a scheme or a trailing slash, naming the key", () => {
        const file = readStackFile("dev");
        for (const bad of [`https://${MIRROR}`, `${MIRROR}/`]) {
            const err = configError(() =>
                parseStackConfig("dev", { ...file.config, images: { dockerHubMirror: bad } }, file.secrets),
            );
            expect(err.message).to.contain("images.dockerHubMirror").and.to.contain("without scheme");
        }
    });
});
