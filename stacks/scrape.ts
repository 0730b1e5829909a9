/** The scrape target of an Airflow release: the stack wires the Airflow component's statsd facts to Prometheus. */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Airflow } from "../components/airflow";
import type { Observability } from "../components/observability";
import { AirflowScrapeTarget } from "../components/observability/scrape-target";

/**
 * The ServiceMonitor of the Airflow component `airflow` (registered as `airflowName`), named `<airflowName>-scrape` as
 * it was when the component made it. With this program's `observability` it is that component's child and waits for
 * its CRDs release; without, the ServiceMonitor kind is another program's (a devspace's base stack). The aliases of
 * its old place under the Airflow component (typed as now, and as before issue 14's token change) keep its URN and its
 * ServiceMonitor's: `pulumi up` neither deletes nor recreates them.
 */
export function scrapeAirflow(
    airflowName: string,
    airflow: Airflow,
    provider: k8s.Provider,
    observability?: Observability,
): AirflowScrapeTarget {
    return new AirflowScrapeTarget(
        `${airflowName}-scrape`,
        {
            service: airflow.statsd,
            provider,
            dependsOn: [airflow.release, ...(observability ? [observability.crds] : [])],
        },
        {
            ...(observability ? { parent: observability } : {}),
            // The old token spelt out: deployed stacks hold it, and the engine derives aliases from the current parent's
            // aliases (pulumi/pulumi#9734), not surely from those of an alias's parent.
            aliases: [{ parent: airflow }, { parent: pulumi.createUrn(airflowName, "airflow-platform:index:Airflow") }],
        },
    );
}
