/**
 * Freezes a plain data tree. Private to the config folder.
 *
 * @module
 */

/** Freezes `value` and every object and array inside it, then returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
