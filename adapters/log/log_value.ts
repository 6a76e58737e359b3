/**
 * Turns arbitrary log field values into plain JSON data, so that a log line never throws and an
 * error keeps its message and its whole `cause` chain (STYLE: errors keep their `cause`).
 *
 * @module
 */

/** How deep nested objects and cause chains are followed before they are cut. */
const MAX_DEPTH = 8;

/** A log field value as plain JSON data. */
export type LogValue =
  | null
  | boolean
  | number
  | string
  | readonly LogValue[]
  | { readonly [key: string]: LogValue };

/**
 * Returns `value` as plain JSON data: errors become `{ name, message, cause? }` (plus their own
 * enumerable fields such as a Polaris `code`), dates ISO strings, bigints strings, maps objects,
 * sets arrays; cycles become `"[Circular]"` and very deep values `"[Truncated]"`.
 *
 * @example
 * ```ts
 * import { toLogValue } from "./log_value.ts";
 * const value = toLogValue(new Error("Cannot list", { cause: new Error("timeout") }));
 * if (JSON.stringify(value) !== '{"name":"Error","message":"Cannot list","cause":{"name":"Error","message":"timeout"}}') {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function toLogValue(value: unknown): LogValue {
  return convert(value, new Set(), 0);
}

/**
 * Returns an error's message followed by the messages of its cause chain, joined by
 * `"; caused by: "`. Text log lines use it so a reader sees the root cause on the same line.
 */
export function errorChainText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && parts.length < MAX_DEPTH && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      parts.push(
        current.name === "Error" ? current.message : `${current.name}: ${current.message}`,
      );
      current = current.cause;
    } else {
      parts.push(typeof current === "string" ? current : JSON.stringify(toLogValue(current)));
      current = undefined;
    }
  }
  return parts.join("; caused by: ");
}

function convert(value: unknown, seen: Set<object>, depth: number): LogValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    case "undefined":
      return null;
    case "symbol":
      return value.toString();
    case "function":
      return `[Function ${value.name || "anonymous"}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  seen.add(object);
  try {
    return convertObject(object, seen, depth + 1);
  } finally {
    seen.delete(object);
  }
}

function convertObject(object: object, seen: Set<object>, depth: number): LogValue {
  if (object instanceof Error) return convertError(object, seen, depth);
  if (object instanceof Date) {
    return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  }
  if (Array.isArray(object)) return object.map((item) => convert(item, seen, depth));
  if (object instanceof Set) return [...object].map((item) => convert(item, seen, depth));
  if (object instanceof Map) {
    const result: Record<string, LogValue> = {};
    for (const [key, item] of object) result[String(key)] = convert(item, seen, depth);
    return result;
  }
  const result: Record<string, LogValue> = {};
  for (const [key, item] of Object.entries(object)) {
    if (item !== undefined) result[key] = convert(item, seen, depth);
  }
  return result;
}

function convertError(error: Error, seen: Set<object>, depth: number): LogValue {
  const result: Record<string, LogValue> = { name: error.name, message: error.message };
  for (const [key, item] of Object.entries(error)) {
    if (item !== undefined && !(key in result) && key !== "cause" && key !== "stack") {
      result[key] = convert(item, seen, depth);
    }
  }
  if (error instanceof AggregateError) {
    result.errors = error.errors.map((item) => convert(item, seen, depth));
  }
  if (error.cause !== undefined) result.cause = convert(error.cause, seen, depth);
  return result;
}
