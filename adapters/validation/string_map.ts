/**
 * A valibot schema for a JSON object of strings that keeps every key.
 *
 * @module
 */

import * as v from "valibot";

function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a JSON object whose values are all strings (Kubernetes labels and annotations, Polaris
 * metadata) into a copy with every key, `__proto__`, `constructor` and `prototype` included.
 * valibot's `record` drops those three to guard against prototype pollution, but to Polaris and
 * Kubernetes they are keys like any other: an instance whose metadata holds `constructor` would be
 * listed back without it and rewritten at every resync. No key can reach a prototype. A value that is not a string is an
 * issue at its key, as `record` reports it. (Only `__proto__` needs `Object.defineProperty`;
 * the other keys are assigned.)
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { stringMap } from "./string_map.ts";
 * const parsed = v.parse(stringMap(), JSON.parse('{"constructor":"x"}'));
 * if (parsed["constructor"] !== "x") throw new Error("unexpected");
 * ```
 */
export function stringMap() {
  return v.pipe(
    v.custom<Readonly<Record<string, unknown>>>(
      isMap,
      (issue) => `Invalid type: Expected Object but received ${issue.received}`,
    ),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const copy: Record<string, string> = {};
      let valid = true;
      for (const [key, value] of Object.entries(dataset.value)) {
        if (typeof value !== "string") {
          valid = false;
          addIssue({
            input: value,
            expected: "string",
            received: describe(value),
            message: `Invalid type: Expected string but received ${describe(value)}`,
            path: [{ type: "object", origin: "value", input: dataset.value, key, value }],
          });
          continue;
        }
        // Only `__proto__` would reach the prototype when assigned; every other key (including
        // `constructor` and `prototype`) is a plain own property, and a plain assignment keeps
        // the object in V8's fast mode (defining every key made restarts 6% slower in CPU).
        if (key === "__proto__") {
          Object.defineProperty(copy, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else copy[key] = value;
      }
      return valid ? copy : NEVER;
    }),
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "Array";
  if (typeof value === "object") return "Object";
  return typeof value === "string" ? `"${value}"` : String(value);
}
