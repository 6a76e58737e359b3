/**
 * Small helpers shared by the config loader's parts. Private to the config folder.
 *
 * @module
 */

/** A broken config rule, caught by `loadConfig` and returned as its one error message. */
export class ConfigError extends Error {}

/** Returns true for a YAML map (a plain object, not an array). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Shows a value as the user wrote it, for a message: JSON, cut when long, `missing` when absent. */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Returns `value` unless it is absent or blank (an empty environment variable means unset). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
