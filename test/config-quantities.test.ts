import { expect } from "chai";
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../components/quantities";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe("quantities: the one Kubernetes quantity parser (config checks, devspace requests, Prometheus retention)", () => {
    it("reads CPU as millicores: millis, whole and fractional cores", () => {
        expect([parseCpu("250m"), parseCpu("2"), parseCpu("0.5"), parseCpu("1500m")]).to.deep.equal([
            250, 2000, 500, 1500,
        ]);
    });

    it("reads memory as bytes in binary and decimal units, and plain bytes", () => {
        expect([parseMemory("512Mi"), parseMemory("4Gi"), parseMemory("1Ti"), parseMemory("64Ki")]).to.deep.equal([
            512 * MiB,
            4 * GiB,
            1024 * GiB,
            64 * 1024,
        ]);
        expect([
            parseMemory("1G"),
            parseMemory("1T"),
            parseMemory("500M"),
            parseMemory("1000"),
            parseMemory("1.5Gi"),
        ]).to.deep.equal([1e9, 1e12, 5e8, 1000, 1.5 * GiB]);
    });

    it("refuses what is not a quantity instead of guessing", () => {
        expect(() => parseCpu("two")).to.throw(/not a CPU quantity: "two"/);
        expect(() => parseCpu("1Gi")).to.throw(/CPU quantity/);
        expect(() => parseMemory("4GB")).to.throw(/not a memory quantity: "4GB"/);
        expect(() => parseMemory("")).to.throw(/memory quantity/);
    });

    it("formats back the way a quota is written", () => {
        expect([formatCpu(2000), formatCpu(250)]).to.deep.equal(["2", "250m"]);
        expect([formatMemory(4 * GiB), formatMemory(1536 * MiB), formatMemory(100.25 * MiB)]).to.deep.equal([
            "4Gi",
            "1536Mi",
            "100.3Mi",
        ]);
    });
});
