/**
 * How a component states its defaults: one constant per component (`<NAME>_DEFAULTS` in its args.ts), which its
 * `with<Name>Defaults` reads and the config schema's `.default(...)`s read too, so a value is written once.
 */

/**
 * The type a defaults constant satisfies: any part of the component's resolved Args, read-only all the way down. With
 * `as const satisfies DefaultsOf<Resolved…>` a misspelt key or a wrong type fails the typecheck and the values keep
 * their literal types.
 */
export type DefaultsOf<T> = T extends readonly (infer E)[]
    ? readonly E[]
    : T extends object
      ? { readonly [K in keyof T]?: DefaultsOf<T[K]> }
      : T;

/** Freezes a defaults constant all the way down: whoever receives a piece of it cannot change it for everyone. */
export function frozen<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        for (const child of Object.values(value)) frozen(child);
        Object.freeze(value);
    }
    return value;
}
