/**
 * Pure: EC2 instance type names, read the way the cluster autoscaler needs them. The autoscaler sizes a node group by
 * one of its instance types, so every type of a group must have the same vCPUs and memory (cluster-autoscaler AWS
 * README, "Using Mixed Instances Policies and Spot Instances"). Within one class letter and size that holds across
 * generations and vendors: m5, m6i, m6a and m7i .2xlarge are all 8 vCPU / 32 GiB; r*.2xlarge 8 / 64; c*.2xlarge 8 / 16.
 */

const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z0-9-]*)\.([a-z0-9]+)$/;

export interface InstanceTypeParts {
    /** The class letters: m (general purpose), c (compute), r (memory), t, x, ... */
    instanceClass: string;
    generation: number;
    /** Attribute letters after the generation: i (Intel), a (AMD), g (Graviton), d (local NVMe), n, -flex, ... */
    attributes: string;
    size: string;
}

export function parseInstanceType(type: string): InstanceTypeParts | undefined {
    const m = INSTANCE_TYPE.exec(type);
    return m ? { instanceClass: m[1], generation: Number(m[2]), attributes: m[3], size: m[4] } : undefined;
}

/** Graviton (arm64) types: a `g` among the attributes (m7g, c6gn, r8gd, t4g). Our groups run x86_64 images. */
export function isArm64(type: string): boolean {
    return parseInstanceType(type)?.attributes.includes("g") ?? false;
}

/** The group a spot type belongs to: class and size, e.g. `m-2xlarge`; unparseable names form their own group. */
export function instanceShape(type: string): string {
    const parts = parseInstanceType(type);
    return parts ? `${parts.instanceClass}-${parts.size}` : type.replace(/[^a-z0-9-]/g, "-");
}

/** Spot types grouped by shape, in the order they are listed (the first type of each group leads it). */
export function groupByShape(types: string[]): { shape: string; instanceTypes: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const type of types) groups.set(instanceShape(type), [...(groups.get(instanceShape(type)) ?? []), type]);
    return [...groups].map(([shape, instanceTypes]) => ({ shape, instanceTypes }));
}
