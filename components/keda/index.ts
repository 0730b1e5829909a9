/**
 * KEDA, the autoscaler behind the Airflow chart's Celery ScaledObject: its own pinned Helm release on the on-demand
 * nodes. Its CRDs are templates of the chart (`crds.install`), so they exist once this release is installed, and the
 * Airflow release waits for it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Placement } from "../cluster/types";
import { type KedaArgs, withKedaDefaults } from "./args";

export * from "./args";

/**
 * Chart and image version. KEDA 2.20 is tested on Kubernetes 1.33–1.35 (keda.sh/docs/2.20/operate/cluster, "Kubernetes
 * Compatibility"): the EKS default 1.35 and each step of a 1.33 cluster's upgrade. Chart 2.20.2 (kedacore/charts,
 * keda/Chart.yaml: kubeVersion >=v1.23.0-0) consumes the values below as 2.19.0 did; its CRDs stay keda.sh/v1alpha1.
 */
export const KEDA_VERSION = "2.20.2";
/** The lowest and highest Kubernetes minor KEDA_VERSION is tested on (the same compatibility matrix). */
export const KEDA_TESTED_KUBERNETES = ["1.33", "1.35"] as const;
export const KEDA_CHART_REPO = "https://kedacore.github.io/charts";
export const KEDA_NAMESPACE = "keda";
/**
 * The operator pod's label: it runs the ScaledObjects' triggers (the Celery query). keda/templates/manager/deployment.yaml
 * at kedacore/charts v2.20.2 sets `app.kubernetes.io/name: {{ .Values.operator.name }}`, default `keda-operator`.
 */
export const KEDA_OPERATOR_POD_LABELS = { "app.kubernetes.io/name": "keda-operator" } as const;

/**
 * The port KEDA's metrics API server and admission webhooks listen on. The Kubernetes API server calls both; a private
 * GKE control plane reaches nodes and pods only on TCP 443 and 10250 (GKE's default cluster firewall rules; the fix
 * GoogleCloudPlatform/prometheus-engine#212 made), so 10250 works on every cloud without the 6443 rule keda.sh asks for.
 */
export const KEDA_SERVING_PORT = 10250;

/** KEDA's production-ready requests (keda.sh, "Cluster Capacity"): 100m / 100Mi per deployment; memory limit = request x 10. */
const KEDA_POD = { requests: { cpu: "100m", memory: "100Mi" }, limits: { memory: "1000Mi" } };

export interface KedaValuesInput {
    /** Where KEDA's three deployments run: the on-demand pool. */
    placement: Placement;
}

/** The kedacore/keda chart's values: pinned images, requests, on-demand nodes, scaling rights only on Deployments and StatefulSets. */
export function kedaValues(input: KedaValuesInput): Record<string, unknown> {
    const tag = KEDA_VERSION;
    const pod = { ...KEDA_POD, requests: { ...KEDA_POD.requests }, limits: { ...KEDA_POD.limits } };
    return {
        image: {
            keda: { registry: "ghcr.io", repository: "kedacore/keda", tag },
            metricsApiServer: { registry: "ghcr.io", repository: "kedacore/keda-metrics-apiserver", tag },
            webhooks: { registry: "ghcr.io", repository: "kedacore/keda-admission-webhooks", tag },
            pullPolicy: "IfNotPresent",
        },
        crds: { install: true },
        // metrics-server/deployment.yaml: --secure-port, the container port and the probes; the Service stays on 443.
        service: { portHttps: 443, portHttpsTarget: KEDA_SERVING_PORT },
        webhooks: { port: KEDA_SERVING_PORT },
        // Without custom kinds the operator may scale only Deployments and StatefulSets (manager/clusterrole.yaml),
        // instead of the default `*/scale` on every API group.
        rbac: { create: true, enabledCustomScaledRefKinds: false },
        resources: { operator: pod, metricServer: { ...pod }, webhooks: { ...pod } },
        nodeSelector: { ...input.placement.nodeSelector },
        tolerations: input.placement.tolerations.map((t) => ({ ...t })),
    };
}

/** KEDA's operator, metrics API server and admission webhooks, in namespace `keda`. */
export class Keda extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
        // The token follows airflow-platform:<folder>:<Class>; the alias keeps the URNs of stacks made before.
        super(
            "airflow-platform:keda:Keda",
            name,
            {},
            {
                ...opts,
                aliases: [...(opts?.aliases ?? []), { type: "airflow-platform:index:Keda" }],
            },
        );
        const keda = withKedaDefaults(args);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: "keda",
                chart: "keda",
                version: KEDA_VERSION,
                repositoryOpts: { repo: KEDA_CHART_REPO },
                namespace: KEDA_NAMESPACE,
                createNamespace: true,
                values: kedaValues({ placement: keda.placement }),
                maxHistory: 10,
            },
            { parent: this, provider: keda.provider, dependsOn: keda.dependsOn },
        );
        this.namespace = this.release.namespace.apply((ns) => ns ?? KEDA_NAMESPACE);
        this.registerOutputs({ namespace: this.namespace });
    }
}
