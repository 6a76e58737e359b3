/**
 * Reading a whole Polaris console list: every page, validated, consistent.
 *
 * @module
 */

import type * as v from "valibot";
import { isRetryableCode, PolarisCode } from "./codes.ts";
import { PolarisProtocolError, PolarisRequestError } from "./errors.ts";
import type { PolarisAnswer, PolarisHttp } from "./http.ts";
import { type ListPage, readAllPages, UnstableListError } from "./read_all_pages.ts";
import { readPagesTogether } from "./pages_together.ts";
import { PageSchema, parseWith, rowsSchema } from "./schemas.ts";

/** One list to read. */
export interface ListSpec<S extends v.GenericSchema> {
  /** The key of the rows in the answer, also used in messages. */
  readonly what: "namespaces" | "services" | "aliases" | "instances";
  readonly path: string;
  /** The filter; `offset` and `limit` are added per page. */
  readonly filter: URLSearchParams;
  /** Schema of one row. */
  readonly row: S;
  /** Identity of a row, for de-duplication across pages. */
  readonly idOf: (row: v.InferOutput<S>) => string;
  /** Times to start over when the list changes while paging. */
  readonly maxRestarts: number;
  /** Pages in flight at once after the first (default 1). */
  readonly pageConcurrency?: number;
}

/**
 * Returns every row of a list (pages of 100 until `offset >= amount`, reference §5), each
 * validated. Rejects with `PolarisRequestError` when a page fails or the list never holds still,
 * and with `PolarisProtocolError` when a page does not match its schema: never a partial or empty
 * list in place of a failure (SPEC §3).
 */
export async function listAll<S extends v.GenericSchema>(
  http: PolarisHttp,
  spec: ListSpec<S>,
): Promise<v.InferOutput<S>[]> {
  const { what, path } = spec;
  const pages = pageReader(http, spec);
  try {
    return await readAllPages(pages.fetchPage, {
      idOf: spec.idOf,
      limit: PAGE_LIMIT,
      maxRestarts: spec.maxRestarts,
      concurrency: spec.pageConcurrency,
    });
  } catch (error) {
    if (!(error instanceof UnstableListError)) throw error;
    const last = pages.last();
    throw new PolarisRequestError(`Cannot list ${what}: ${error.message}`, {
      method: "GET",
      path,
      code: last?.code,
      status: last?.status,
      retryable: true,
      attempts: error.passes,
      cause: error,
    });
  }
}

/**
 * Hands every page of a list to `onRows` as it arrives and keeps nothing: for callers that need
 * one fact per row (the sweep wants service names, not 1.5M instances held at once). Pages 2..n
 * are read `pageConcurrency` at a time. Without ids there is no de-duplication, so the pass is
 * judged by counts: it resolves `false` when the total changed between pages, a page came back
 * empty or began with a row that began an earlier page (a server that ignores `offset`), or the
 * rows do not add up to the total (rows written or deleted while paging may have been missed), and
 * the caller decides whether to read again. Such a page stops the pass: no page after it is asked
 * for. Rejects when any page fails.
 */
export async function scanAll<S extends v.GenericSchema>(
  http: PolarisHttp,
  spec: Omit<ListSpec<S>, "maxRestarts">,
  onRows: (rows: readonly v.InferOutput<S>[]) => void,
): Promise<boolean> {
  const { fetchPage } = pageReader(http, spec);
  const first = await fetchPage(0, PAGE_LIMIT);
  onRows(first.rows);
  if (first.rows.length === 0) return first.amount === 0;
  // Only the id of each page's first row is kept: a few thousand strings for a million rows.
  const starts = new Set([spec.idOf(first.rows[0])]);
  let rows = first.rows.length;
  const wrong = await readPagesTogether(fetchPage, first, {
    limit: PAGE_LIMIT,
    concurrency: spec.pageConcurrency ?? 1,
    onPage: (offset, page) => {
      if (page.amount !== first.amount) return "the total changed";
      if (page.rows.length === 0) return `an empty page came at offset ${offset}`;
      const start = spec.idOf(page.rows[0]);
      if (starts.has(start)) return `the page at offset ${offset} began like an earlier one`;
      starts.add(start);
      rows += page.rows.length;
      onRows(page.rows);
      return "";
    },
  });
  return wrong === "" && rows === first.amount;
}

/** Polaris' page size cap (reference §5). */
const PAGE_LIMIT = 100;

/** Fetches one validated page of a list; `last()` is the last answer, for error reports. */
function pageReader<S extends v.GenericSchema>(
  http: PolarisHttp,
  spec: Pick<ListSpec<S>, "what" | "path" | "filter" | "row">,
): {
  fetchPage: (offset: number, limit: number) => Promise<ListPage<v.InferOutput<S>>>;
  last: () => PolarisAnswer | undefined;
} {
  const { what, path } = spec;
  const rows = rowsSchema(spec.row);
  let last: PolarisAnswer | undefined;
  const fetchPage = async (offset: number, limit: number) => {
    const query = new URLSearchParams(spec.filter);
    query.set("offset", String(offset));
    query.set("limit", String(limit));
    const answer = await http.call({
      method: "GET",
      path,
      query,
      countRows: (data) => rowCount(data, what),
    });
    last = answer;
    const init = {
      method: "GET",
      path,
      code: answer.code,
      status: answer.status,
      attempts: answer.attempts,
    };
    if (answer.code !== PolarisCode.ExecuteSuccess) {
      const info = answer.info ? ` (${answer.info})` : "";
      throw new PolarisRequestError(
        `Cannot list ${what} at offset ${offset}: Polaris answered ${answer.code}${info}`,
        { ...init, retryable: isRetryableCode(answer.code) },
      );
    }
    const page = parseWith(PageSchema, answer.data);
    const parsed = parseWith(rows, (answer.data as Record<string, unknown>)[what]);
    if (!page.ok || !parsed.ok) {
      const issues = [
        ...(page.ok ? [] : page.issues),
        ...(parsed.ok ? [] : parsed.issues.map((i) => `${what}.${i}`)),
      ];
      throw new PolarisProtocolError(
        `Cannot read the ${what} page at offset ${offset}: ${issues.join("; ")}`,
        { ...init, retryable: false, issues },
      );
    }
    return { amount: page.value.amount, rows: parsed.value ?? [] };
  };
  return { fetchPage, last: () => last };
}

function rowCount(data: unknown, key: string): number | undefined {
  const rows = typeof data === "object" && data !== null
    ? (data as Record<string, unknown>)[key]
    : undefined;
  return Array.isArray(rows) ? rows.length : undefined;
}
