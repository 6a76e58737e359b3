/**
 * Asking for the pages after the first of a Polaris console list, several at a time.
 *
 * @module
 */

/** One page of a list: the total the server reported with it, and its rows. */
export interface TotalAndRows<T> {
  readonly amount: number;
  readonly rows: readonly T[];
}

/** Settings of {@link readPagesTogether}. */
export interface PagesTogetherOptions<T> {
  /** Page size to ask for. */
  readonly limit: number;
  /** Pages in flight at once. */
  readonly concurrency: number;
  /**
   * Judges each page as it arrives, in arrival order: "" to go on, or what is wrong with the
   * pass, which stops it (no further page is asked for).
   */
  readonly onPage: (offset: number, page: TotalAndRows<T>) => string;
}

/**
 * Asks for the pages after `first` at offsets spaced by its size (`first.rows.length`) up to
 * `first.amount`, at most `concurrency` at a time, and hands each to `onPage`. The next offset is
 * chosen only when a request ends, so a total the server made up (billions, for a list of a
 * hundred rows) costs the requests until the first page that betrays it, not a request or even an
 * array slot per page it claims. Resolves with what `onPage` found wrong, or "" once every page
 * came; rejects with the first failed request once the others in flight have ended, having asked
 * for no page after it.
 *
 * @example
 * ```ts
 * import { readPagesTogether } from "./pages_together.ts";
 * const offsets: number[] = [];
 * const wrong = await readPagesTogether(
 *   (offset) => Promise.resolve({ amount: 250, rows: offset < 250 ? ["row"] : [] }),
 *   { amount: 250, rows: new Array(100).fill("row") },
 *   { limit: 100, concurrency: 4, onPage: (offset) => (offsets.push(offset), "") },
 * );
 * if (wrong !== "" || offsets.join() !== "100,200") throw new Error("unexpected");
 * ```
 */
export async function readPagesTogether<T>(
  fetchPage: (offset: number, limit: number) => Promise<TotalAndRows<T>>,
  first: TotalAndRows<T>,
  options: PagesTogetherOptions<T>,
): Promise<string> {
  const stride = first.rows.length;
  if (stride === 0) return first.amount === 0 ? "" : `an empty first page of ${first.amount}`;
  let next = stride;
  let wrong = "";
  let failure: { readonly error: unknown } | undefined;
  const worker = async () => {
    while (wrong === "" && failure === undefined && next < first.amount) {
      const offset = next;
      next += stride;
      try {
        const page = await fetchPage(offset, options.limit);
        if (wrong === "" && failure === undefined) wrong = options.onPage(offset, page);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const pages = Math.ceil((first.amount - stride) / stride);
  const workers = Math.max(0, Math.min(Math.max(1, options.concurrency), pages));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return wrong;
}
