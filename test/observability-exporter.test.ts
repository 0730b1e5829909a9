/** The statsd-exporter as the program deploys it: mapping hash on its pods, memory sized from the computed figure. */
import { expect } from "chai";
import { parseMemory } from "../components/quantities";
import {
    airflowStatsdMappings,
    exporterMemoryMiB,
    fleetMemoryMiB,
    MEMORY_HEADROOM,
    PROD_FLEET,
    STATSD_MAPPING_CHECKSUM_ANNOTATION,
    statsdMappingChecksum,
} from "@airflow-platform/airflow-mixin";
import { helmValues, planOf } from "./harness";

type Obj = Record<string, any>;

describe("observability: the statsd-exporter as deployed", () => {
    it("rolls the exporter's pod when the mapping changes (it reads the file only at start)", async () => {
        for (const stack of ["dev", "prod-gke"]) {
            const statsd = helmValues(await planOf(stack), "airflow-release").statsd as Obj;
            const hash = statsd.podAnnotations?.[STATSD_MAPPING_CHECKSUM_ANNOTATION];
            expect(hash, stack).to.equal(statsdMappingChecksum(statsd.overrideMappings));
            expect(hash).to.match(/^[0-9a-f]{64}$/);
        }
        const a = statsdMappingChecksum(airflowStatsdMappings({ ttl: "48h" }));
        expect(statsdMappingChecksum(airflowStatsdMappings({ ttl: "48h" }))).to.equal(a);
        expect(statsdMappingChecksum(airflowStatsdMappings({ ttl: "24h" }))).to.not.equal(a);
    });

    it("gives the production exporter the memory a 1,000 x 10 fleet needs, with headroom, as request and limit", async () => {
        const statsd = helmValues(await planOf("prod-gke"), "airflow-release").statsd as Obj;
        const limitMiB = parseMemory(statsd.resources.limits.memory) / 2 ** 20;
        expect(parseMemory(statsd.resources.requests.memory) / 2 ** 20).to.equal(limitMiB);
        for (const major of [2, 3] as const) {
            const fleet = fleetMemoryMiB(PROD_FLEET.dags, PROD_FLEET.tasksPerDag, major);
            expect(limitMiB, `Airflow ${major}`).to.be.at.least(fleet.memoryMiB * MEMORY_HEADROOM);
            // Sized, not padded: within twice the need.
            expect(limitMiB).to.be.below(2 * fleet.memoryMiB);
        }
        // The summaries the old mapping used would not fit: 3 per task at the measured 39.6 KiB each.
        expect(
            exporterMemoryMiB({ series: 0, summaryChildren: 3 * PROD_FLEET.dags * PROD_FLEET.tasksPerDag }),
        ).to.be.above(1000);
    });
});
