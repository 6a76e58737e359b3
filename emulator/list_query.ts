/**
 * Query-string rules shared by the list endpoints (reference §5): repeated keys comma-joined,
 * allowed keys, empty values, paging (`offset`, `limit` ≤100), `*` wildcards and Go's bool parse.
 *
 * @module
 */

import { Code } from "./codes.ts";

/** A parsed query: keys in request order, repeated keys joined by `,` (`ParseQueryParams`). */
export type Query = ReadonlyMap<string, string>;

/** Paging of a list answer. */
export interface Paging {
  readonly offset: number;
  readonly limit: number;
}

/** The Polaris cap on `limit` (`QueryMaxLimit`). */
export const MAX_QUERY_LIMIT = 100;

/** Reads a query string, joining repeated keys with commas. */
export function readQuery(params: URLSearchParams): Query {
  const out = new Map<string, string>();
  for (const key of params.keys()) {
    if (!out.has(key)) out.set(key, params.getAll(key).join(","));
  }
  return out;
}

/** Returns 400103 when a key is not allowed or has an empty value, else 200000. */
export function checkKeys(query: Query, allowed: ReadonlySet<string>): number {
  for (const [key, value] of query) {
    if (!allowed.has(key) || value === "") return Code.InvalidParameter;
  }
  return Code.ExecuteSuccess;
}

/** Parses `offset` (default 0) and `limit` (default 100, capped at 100); bad values are 400103. */
export function readPaging(query: Query): Paging | { readonly code: number } {
  const parse = (raw: string | undefined, fallback: number): number | undefined => {
    if (raw === undefined) return fallback;
    return /^\+?\d+$/.test(raw) ? Number(raw) : undefined;
  };
  const offset = parse(query.get("offset"), 0);
  const limit = parse(query.get("limit"), MAX_QUERY_LIMIT);
  if (offset === undefined || limit === undefined) return { code: Code.InvalidParameter };
  return { offset, limit: Math.min(limit, MAX_QUERY_LIMIT) };
}

/**
 * Matches a value against a Polaris wildcard (`utils.IsWildMatch`, case-sensitive): `*` alone
 * matches everything, `abc*` is a prefix, `*abc` a suffix, `*abc*` a substring; any other `*`
 * is literal.
 */
export function wildMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const lead = pattern.startsWith("*");
  const trail = pattern.endsWith("*");
  if (lead && trail && pattern.length >= 2) return value.includes(pattern.slice(1, -1));
  if (trail) return value.startsWith(pattern.slice(0, -1));
  if (lead) return value.endsWith(pattern.slice(1));
  return value === pattern;
}

/** Tells whether a pattern holds a wildcard in {@link wildMatch}'s sense. */
export function isWild(pattern: string): boolean {
  return pattern.startsWith("*") || pattern.endsWith("*");
}

/** Parses a bool as Go's `strconv.ParseBool`; `undefined` when it does not parse. */
export function parseGoBool(raw: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}

/** Parses a non-negative integer; `undefined` when it does not parse. */
export function parseUint(raw: string): number | undefined {
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Pairs the comma lists `keys` and `values` by position. Returns `[]` when both are absent and
 * `undefined` when only one is given or the counts differ.
 */
export function pairLists(
  keys: string | undefined,
  values: string | undefined,
): Array<readonly [string, string]> | undefined {
  if (keys === undefined && values === undefined) return [];
  if (keys === undefined || values === undefined) return undefined;
  const k = keys.split(",");
  const v = values.split(",");
  if (k.length !== v.length) return undefined;
  return k.map((key, i) => [key, v[i]] as const);
}

/** Orders records newest first (`mtime` sequence descending), then by id descending. */
export function byMtimeThenIdDesc(
  a: { readonly seq: number; readonly id: string },
  b: { readonly seq: number; readonly id: string },
): number {
  if (a.seq !== b.seq) return b.seq - a.seq;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Returns one page of a sorted list. */
export function page<T>(items: readonly T[], paging: Paging): T[] {
  return items.slice(paging.offset, paging.offset + paging.limit);
}
