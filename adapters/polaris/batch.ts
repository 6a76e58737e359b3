/**
 * Splitting Polaris batch writes into requests, and judging each item of the answers.
 *
 * @module
 */

import { isRetryableCode } from "./codes.ts";
import { type ItemResult, itemResultFromCode } from "./item_result.ts";
import type { ItemResponse } from "./schemas.ts";

/**
 * Splits `items` into requests of at most `size` items, as input indices grouped in rounds.
 * Round r holds the r-th occurrence of every key, so no request carries the same key twice
 * (Polaris answers a duplicate with 400208 or applies both in any order, reference §1.4), and
 * sending the rounds one after another applies duplicates in input order.
 *
 * @example
 * ```ts
 * import { planBatches } from "./batch.ts";
 * const rounds = planBatches(["a", "b", "a", "c"], (k) => k, 2);
 * if (JSON.stringify(rounds) !== "[[[0,1],[3]],[[2]]]") throw new Error("unexpected");
 * ```
 */
export function planBatches<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  size: number,
): number[][][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`Cannot split a batch into requests of "${size}" items`);
  }
  const seen = new Map<string, number>();
  const rounds: number[][] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(index);
  });
  return rounds.map((indices) => {
    const chunks: number[][] = [];
    for (let i = 0; i < indices.length; i += size) chunks.push(indices.slice(i, i + size));
    return chunks;
  });
}

/** How {@link judgeBatch} recognises items and what counts as success. */
export interface JudgeOptions<T> {
  /** Keys that identify a sent item, e.g. its host/port tetrad and its instance id. */
  readonly keysOf: (item: T) => readonly string[];
  /** Keys that identify the item echoed in a response (empty when the echo is all null). */
  readonly echoKeysOf: (response: ItemResponse) => readonly string[];
  /** Codes that mean the item is applied (e.g. 200000 and 400201 on create). */
  readonly successCodes: ReadonlySet<number>;
}

/** The parts of a batch answer that {@link judgeBatch} reads. */
export interface BatchAnswer {
  readonly code: number;
  readonly info: string;
  readonly responses: readonly (ItemResponse | null)[];
}

/**
 * Returns one result per sent item, in input order, judged from the item's own response
 * (sync-rules §3). Responses are matched on the echoed item, not on their index: HEAD's whole-batch
 * validation lists only the failing items (reference §2). A positional match is used only for a
 * response without any echo when the lengths agree. An item without a response takes the
 * top-level verdict, except when Polaris judged other items one by one and rejected the batch
 * (4000xx-4009xx): then it was not applied because of its siblings and may be retried alone.
 */
export function judgeBatch<T>(
  sent: readonly T[],
  answer: BatchAnswer,
  options: JudgeOptions<T>,
): ItemResult[] {
  const byKey = new Map<string, number[]>();
  answer.responses.forEach((response, index) => {
    if (response?.code == null) return;
    for (const key of options.echoKeysOf(response)) {
      const list = byKey.get(key);
      if (list) list.push(index);
      else byKey.set(key, [index]);
    }
  });
  const used = new Set<number>();
  const matched: (number | undefined)[] = sent.map((item) => {
    for (const key of options.keysOf(item)) {
      const index = byKey.get(key)?.find((i) => !used.has(i));
      if (index !== undefined) {
        used.add(index);
        return index;
      }
    }
    return undefined;
  });
  if (answer.responses.length === sent.length) {
    matched.forEach((index, position) => {
      const response = answer.responses[position];
      if (
        index === undefined && response?.code != null && !used.has(position) &&
        options.echoKeysOf(response).length === 0
      ) {
        used.add(position);
        matched[position] = position;
      }
    });
  }
  const judgedOneByOne = used.size > 0 && answer.code >= 400000 && answer.code < 401000;
  return matched.map((index) => {
    const response = index === undefined ? undefined : answer.responses[index];
    if (response?.code != null) {
      return itemResultFromCode(response.code, response.info ?? "", options.successCodes);
    }
    if (options.successCodes.has(answer.code)) return { ok: true, code: answer.code };
    if (judgedOneByOne) {
      return {
        ok: false,
        code: undefined,
        retryable: true,
        message:
          `Not applied: Polaris rejected the batch with ${answer.code} because of other items`,
      };
    }
    return failedRequest(answer.code, answer.info);
  });
}

/** Returns the result every item of a request gets when Polaris refused the request as a whole. */
export function failedRequest(code: number, info: string): ItemResult {
  return {
    ok: false,
    code,
    retryable: isRetryableCode(code),
    message: `Polaris answered ${code}${info ? `: ${info}` : ""}`,
  };
}
