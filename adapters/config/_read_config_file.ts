/**
 * Reads and parses the `--config` file. Private to the config folder.
 *
 * @module
 */

import { parseDocument } from "yaml";
import { isMap, show } from "./_values.ts";

/**
 * Returns the config file as a map without its `null` values, or the message (without the
 * `Cannot start: ` prefix) saying why it cannot be used: unreadable, not YAML, not a map.
 */
export function readConfigFile(
  path: string,
  io: { readonly readTextFile: (path: string) => string; readonly warnings: string[] },
): Record<string, unknown> | string {
  const { readTextFile, warnings } = io;
  if (path.trim() === "") return `--config is ""; expected a file path`;
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `--config is ${show(path)}; expected a readable file (${reason})`;
  }
  const document = parseDocument(text, { uniqueKeys: true });
  const invalid = (message: string) =>
    `the config file ${show(path)} is not valid YAML; ${message.split("\n")[0].replace(/:$/, "")}`;
  if (document.errors.length > 0) return invalid(document.errors[0].message);
  let data: unknown;
  try {
    // toJS throws on an unresolved alias or an alias bomb (more than maxAliasCount expansions)
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error));
  }
  if (data === null || data === undefined) {
    warnings.push(`The config file ${show(path)} is empty; using defaults and flags`);
    return {};
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    const kind = Array.isArray(data) ? "a list" : `the ${typeof data} ${show(data)}`;
    const expected = "expected a map of keys such as serverAddress and clusterName";
    return `the config file ${show(path)} holds ${kind}; ${expected}`;
  }
  return withoutNulls(data as Record<string, unknown>);
}

/** Returns a copy of a map tree without its `null` map values (YAML `key:` means "not set"). */
function withoutNulls(map: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (value === null) continue;
    result[key] = isMap(value)
      ? withoutNulls(value)
      : Array.isArray(value)
      ? value.map((item) => isMap(item) ? withoutNulls(item) : item)
      : value;
  }
  return result;
}
