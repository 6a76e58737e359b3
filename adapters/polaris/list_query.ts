/**
 * Query strings of the Polaris console lists, checked before they are sent.
 *
 * @module
 */

/**
 * Returns the query for a list filter: each defined field under its server name, plus
 * metadata as the comma lists `keys`/`values` paired by position (reference §5). Throws
 * `TypeError` for what Polaris cannot express or rejects with 400103/400105: an empty value, or a
 * metadata key or value holding `,`; `maxPairs` caps the metadata pairs (services take one).
 */
export function listQuery(
  what: string,
  fields: Readonly<Record<string, string | undefined>>,
  metadata?: Readonly<Record<string, string>>,
  maxPairs = Infinity,
): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value === "") throw new TypeError(`Cannot list ${what}: filter "${name}" is empty`);
    query.set(name, value);
  }
  const pairs = Object.entries(metadata ?? {});
  if (pairs.length > maxPairs) {
    throw new TypeError(
      `Cannot list ${what}: Polaris filters on at most ${maxPairs} metadata pair(s), got ${pairs.length}`,
    );
  }
  for (const [key, value] of pairs) {
    for (const part of [key, value]) {
      if (part === "" || part.includes(",")) {
        throw new TypeError(
          `Cannot list ${what} by metadata "${key}"="${value}": Polaris cannot filter on an empty value or one holding ","`,
        );
      }
    }
  }
  if (pairs.length > 0) {
    query.set("keys", pairs.map(([key]) => key).join(","));
    query.set("values", pairs.map(([, value]) => value).join(","));
  }
  return query;
}
