/**
 * Reading every page of a Polaris console list, safely while the data changes.
 *
 * @module
 */

import { readPagesTogether } from "./pages_together.ts";

/** One page as {@link readAllPages} needs it. */
export interface ListPage<T> {
  /** Total matches the server reported for this query at the time of this page. */
  readonly amount: number;
  readonly rows: readonly T[];
}

/** Settings of {@link readAllPages}. */
export interface ReadAllPagesOptions<T> {
  /** Identity of a row; repeated rows (pages shifting) are kept once. */
  readonly idOf: (row: T) => string;
  /** Page size to ask for; Polaris caps it at 100 (reference §5). */
  readonly limit: number;
  /** How many times to start over when the list changes while paging. */
  readonly maxRestarts: number;
  /**
   * Pages in flight at once after the first (default 1: one after another). Page 1 gives the total
   * and the server's page size, so pages 2..n can be asked for together: the same requests, in a
   * fraction of the time.
   */
  readonly concurrency?: number;
}

/** How a pass whose pages reported different totals is described. */
const TOTAL_CHANGED = "the total changed";

/** Why {@link readAllPages} gave up: the list never held still for one full pass. */
export class UnstableListError extends Error {
  /** Passes made before giving up. */
  readonly passes: number;

  /** Creates the error; `detail` says what changed on the last pass. */
  constructor(detail: string, passes: number) {
    super(`Cannot read a consistent list: ${detail} on each of ${passes} passes`);
    this.name = "UnstableListError";
    this.passes = passes;
  }
}

/**
 * Returns every row of a paged list, walking `offset` by the rows received until
 * `offset >= amount` (reference §5), de-duplicated by id. A pass is trusted only if `amount`
 * stayed the same on every page and the distinct rows add up to it; otherwise rows were skipped
 * or repeated by concurrent writes (pages shift, and v1.18.1 sorts unstably), so it starts over
 * from offset 0, up to `maxRestarts` times, then rejects with {@link UnstableListError}: a
 * partial list must never pass for the whole (sync-rules §3). A page that brings only rows already read
 * (a server that ignores `offset`) loses the pass at once. Errors from `fetchPage` propagate as
 * is. With `concurrency` above 1, pages 2..n are asked for `concurrency` at a time, at offsets
 * spaced by the size of page 1; the same checks judge the pass, and the first page that fails
 * them stops it, so a made-up total costs a few requests, not one per page it claims.
 * Limit: a delete behind the cursor plus an insert ahead of it between two pages keeps both the
 * total and the distinct count, so that one swap goes unseen; the periodic resync repairs it.
 * Torn passes under an unchanged total are merged (`mergeTorn`): the rows of a listing that only
 * reorders are read whole over a few passes, where one pass never sees them all.
 */
export async function readAllPages<T>(
  fetchPage: (offset: number, limit: number) => Promise<ListPage<T>>,
  options: ReadAllPagesOptions<T>,
): Promise<T[]> {
  let detail = "";
  let restartsLeft = Math.max(0, options.maxRestarts);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  // The distinct rows of successive torn passes under one unchanged total (see `mergeTorn`).
  let merged: { amount: number; rows: Map<string, T> } | undefined;
  let pass = 0;
  while (true) {
    pass++;
    const first = await fetchPage(0, options.limit);
    const rows = new Map<string, T>();
    detail = concurrency > 1 && first.rows.length > 0 && first.rows.length < first.amount
      ? await readRestTogether(fetchPage, first, rows, options, concurrency)
      : await readRestInTurn(fetchPage, first, rows, options);
    if (detail === "" && rows.size !== first.amount) {
      detail = `${rows.size} distinct rows came for a total of ${first.amount}`;
    }
    if (detail === "") return [...rows.values()];
    if (detail.startsWith(TOTAL_CHANGED)) merged = undefined; // the data changed: nothing to merge
    const step = detail.startsWith(TOTAL_CHANGED)
      ? { merged: { amount: -1, rows: new Map<string, T>() }, complete: false, grew: false }
      : mergeTorn(merged, first.amount, rows);
    merged = step.merged;
    if (step.complete) return [...step.merged.rows.values()];
    // A pass that found rows no earlier pass had is progress, not a restart (up to a bound).
    const progress = step.grew && pass > 1 && pass < MAX_MERGED_PASSES;
    if (!progress) {
      if (restartsLeft === 0) break;
      restartsLeft--;
    }
  }
  throw new UnstableListError(detail, pass);
}

/**
 * Passes at most when torn passes keep finding rows no earlier pass had: a 1,000-row listing whose
 * rows all tie in a fresh order per request needs about 8 passes of 10 pages to see every row.
 */
export const MAX_MERGED_PASSES = 24;

/**
 * Merges the rows of a torn pass (its distinct rows do not add up to its total) into those of the
 * torn passes before it, while the total stays the same: v1.18.1 sorts an instance listing by
 * modify time alone, unstably, and the MySQL store keeps that time to the second, so rows written
 * within one second come in a new order on each request and no single pass sees them all, though
 * nothing changed (docs/decisions.md §27). Complete once the merged rows add up to the total;
 * more distinct rows than the total means the data did change, and the merge starts again from
 * this pass. A later copy of a row replaces an earlier one. Limit, as for one pass: a delete and an
 * insert between passes keep the total, so a row deleted after an earlier pass saw it may stand in
 * for one inserted that no pass saw yet; the periodic resync repairs it.
 */
function mergeTorn<T>(
  merged: { amount: number; rows: Map<string, T> } | undefined,
  amount: number,
  rows: ReadonlyMap<string, T>,
): { merged: { amount: number; rows: Map<string, T> }; complete: boolean; grew: boolean } {
  if (!merged || merged.amount !== amount) {
    return { merged: { amount, rows: new Map(rows) }, complete: false, grew: false };
  }
  const before = merged.rows.size;
  for (const [id, row] of rows) merged.rows.set(id, row);
  if (merged.rows.size > amount) {
    return { merged: { amount, rows: new Map(rows) }, complete: false, grew: false };
  }
  return {
    merged,
    complete: merged.rows.size === amount,
    grew: merged.rows.size > before,
  };
}

/** One pass after page 1, page by page; returns what went wrong, or "". */
async function readRestInTurn<T>(
  fetchPage: (offset: number, limit: number) => Promise<ListPage<T>>,
  first: ListPage<T>,
  rows: Map<string, T>,
  options: ReadAllPagesOptions<T>,
): Promise<string> {
  let offset = 0;
  let page = first;
  while (true) {
    if (page.amount !== first.amount) {
      return `${TOTAL_CHANGED} from ${first.amount} to ${page.amount}`;
    }
    const before = rows.size;
    for (const row of page.rows) rows.set(options.idOf(row), row);
    if (offset > 0 && page.rows.length > 0 && rows.size === before) return repeated(offset);
    offset += page.rows.length;
    if (offset >= first.amount) return "";
    if (page.rows.length === 0) return `an empty page came at offset ${offset} of ${first.amount}`;
    page = await fetchPage(offset, options.limit);
  }
}

/**
 * What is wrong with a pass in which a page brought only rows already read: a server that ignores
 * `offset` would otherwise be paged through to its total, a request per page it claims.
 */
function repeated(offset: number): string {
  return `the page at offset ${offset} repeated rows already read`;
}

/** One pass after page 1, with up to `concurrency` pages in flight; returns what went wrong, or "". */
async function readRestTogether<T>(
  fetchPage: (offset: number, limit: number) => Promise<ListPage<T>>,
  first: ListPage<T>,
  rows: Map<string, T>,
  options: ReadAllPagesOptions<T>,
  concurrency: number,
): Promise<string> {
  const ids = new Set(first.rows.map(options.idOf));
  const pages = new Map<number, readonly T[]>();
  const wrong = await readPagesTogether(fetchPage, first, {
    limit: options.limit,
    concurrency,
    onPage: (offset, page) => {
      if (page.amount !== first.amount) {
        return `${TOTAL_CHANGED} from ${first.amount} to ${page.amount}`;
      }
      if (page.rows.length === 0) {
        return `an empty page came at offset ${offset} of ${first.amount}`;
      }
      const before = ids.size;
      for (const row of page.rows) ids.add(options.idOf(row));
      if (ids.size === before) return repeated(offset);
      pages.set(offset, page.rows);
      return "";
    },
  });
  // Rows in offset order, as one page after another would give them.
  for (const row of first.rows) rows.set(options.idOf(row), row);
  for (const offset of [...pages.keys()].sort((a, b) => a - b)) {
    for (const row of pages.get(offset)!) rows.set(options.idOf(row), row);
  }
  return wrong;
}
