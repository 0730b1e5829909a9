/** A devspace's LimitRange defaults and the quota's limit factors: pure constants the frame and its checks share. */

/** Requests a container gets from the LimitRange when it sets none: enough for a sidecar, not for Airflow itself. */
export const DEFAULT_CONTAINER_REQUEST = { cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi" } as const;
/** Limits of a container that sets none: memory is not compressible, so a runaway container stops here. */
export const DEFAULT_CONTAINER_LIMIT = { cpu: "500m", memory: "256Mi", "ephemeral-storage": "1Gi" } as const;
/** A container's memory limit may be at most 4 times its request (the defaults are exactly 4); CPU may burst freely. */
export const LIMIT_REQUEST_RATIO = { memory: "4" } as const;
/** The quota's limits over its requests: CPU bursts (it is compressible), memory and ephemeral storage less so. */
export const LIMIT_FACTOR = { cpu: 4, memory: 2, ephemeralStorage: 2 } as const;
