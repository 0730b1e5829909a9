/**
 * Kubernetes resource quantities (the subset the config schema admits): CPU as millicores, memory as bytes; and the
 * project's container resources convention. Pure; used by the config checks, the devspace request count, Prometheus'
 * retention size and every chart's values.
 */

/** Requests for one container, as Kubernetes quantities; the memory request is also its limit. */
export interface Resources {
    /** CPU request, such as "250m" or "2". */
    readonly cpu: string;
    /** Memory request and limit, such as "512Mi" or "4Gi". */
    readonly memory: string;
}

const MEMORY_UNITS: Record<string, number> = {
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
};

/** "250m" -> 250, "2" -> 2000, "0.5" -> 500. Throws on anything else. */
export function parseCpu(quantity: unknown): number {
    const text = String(quantity).trim();
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
    if (!match) throw new Error(`not a CPU quantity: ${JSON.stringify(quantity)}`);
    const n = Number(match[1]);
    return Math.round(match[2] === "m" ? n : n * 1000);
}

/** "512Mi" -> 536870912, "4Gi", "1G", "1000". Throws on anything else. */
export function parseMemory(quantity: unknown): number {
    const text = String(quantity).trim();
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
    if (!match) throw new Error(`not a memory quantity: ${JSON.stringify(quantity)}`);
    return Math.round(Number(match[1]) * MEMORY_UNITS[match[2] ?? ""]);
}

/** 250 -> "250m", 2000 -> "2". */
export const formatCpu = (millis: number) => (millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`);
/** Whole GiB as "4Gi", else MiB to one decimal. */
export const formatMemory = (bytes: number) =>
    bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3}Gi` : `${Math.round((bytes / 1024 ** 2) * 10) / 10}Mi`;

/** Requests, and a memory limit equal to the request (config documents it so): no surprise OOM on a busy node. */
export function containerResources(r: Resources) {
    return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memory } };
}
