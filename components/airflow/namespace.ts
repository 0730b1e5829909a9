/** The Airflow component's namespace, and what every part creating objects in it reads. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedAirflowArgs } from "./args";

/** The namespace the component's objects live in. */
export interface AirflowNamespace {
    /** Undefined when the caller owns the namespace (`createNamespace: false`). */
    namespace?: k8s.core.v1.Namespace;
    /** Its name: an Output of the Namespace when the component creates it, so a reader waits for it. */
    name: pulumi.Output<string>;
    /** The component's own dependsOn: children do not inherit a component's dependsOn, so it is handed down. */
    callerDeps: pulumi.Input<pulumi.Resource>[];
    /** Parent, provider and dependsOn (the Namespace, or the cluster's readiness, and the caller's) of its objects. */
    inNamespace: pulumi.CustomResourceOptions;
}

/** What every part of the component reads: its name, parent, resolved Args and namespace. */
export interface AirflowScope {
    /** The component's resource name: it prefixes every child's. */
    name: string;
    /** The component: every child's parent. */
    parent: pulumi.Resource;
    airflow: ResolvedAirflowArgs;
    releaseName: string;
    /** The chart's fullname: it prefixes the Kubernetes names of the objects the chart reads. */
    fullname: string;
    /** `protect` of the key-holding and stateful objects: losing the Fernet key makes stored connections unreadable. */
    protect: boolean;
    namespace: AirflowNamespace;
}

/** The namespace, created (after the cluster is ready) unless the caller owns it. */
export function createAirflowNamespace(
    name: string,
    airflow: ResolvedAirflowArgs,
    parent: pulumi.Resource,
    callerDependsOn: pulumi.ComponentResourceOptions["dependsOn"],
): AirflowNamespace {
    const { cluster } = airflow;
    const k8sOpts: pulumi.CustomResourceOptions = { parent, provider: cluster.provider };
    const namespace = !airflow.createNamespace
        ? undefined
        : new k8s.core.v1.Namespace(
              `${name}-ns`,
              {
                  metadata: {
                      name: airflow.namespace,
                      labels: { "app.kubernetes.io/part-of": "airflow-platform" },
                  },
              },
              { ...k8sOpts, dependsOn: cluster.readiness },
          );
    // A caller that owns the namespace passes it (or its guards) as the component's dependsOn.
    const callerDeps = Array.isArray(callerDependsOn)
        ? (callerDependsOn as pulumi.Input<pulumi.Resource>[])
        : callerDependsOn
          ? [callerDependsOn as pulumi.Input<pulumi.Resource>]
          : [];
    return {
        namespace,
        name: namespace ? namespace.metadata.name : pulumi.output(airflow.namespace),
        callerDeps,
        inNamespace: { ...k8sOpts, dependsOn: [...(namespace ? [namespace] : cluster.readiness), ...callerDeps] },
    };
}
