/**
 * Sending a Polaris batch write as requests of at most 100 items and judging every item.
 *
 * @module
 */

import { failedRequest, judgeBatch, type JudgeOptions, planBatches } from "./batch.ts";
import { PolarisProtocolError, PolarisRequestError } from "./errors.ts";
import type { PolarisAnswer, PolarisHttp } from "./http.ts";
import type { ItemResult } from "./item_result.ts";
import { runBounded } from "../concurrency/limiter.ts";
import { BatchWriteSchema, parseWith } from "./schemas.ts";

/** One kind of batch write: where it goes, each item's body, and how items are judged. */
export interface BatchSpec<T> extends JudgeOptions<T> {
  readonly method: "POST" | "PUT";
  readonly path: string;
  readonly body: (item: T) => unknown;
}

/** How a batch is split and sent. */
export interface BatchLimits {
  /** Items per request, at most 100 (reference §6). */
  readonly batchSize: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
}

/**
 * Writes `items` and returns one result per item, in input order. Requests hold at most
 * `batchSize` distinct items (repeats go to later rounds, see `planBatches`); a request that fails
 * as a whole gives each of its items that failure. Never throws for a Polaris or network failure.
 */
export async function writeBatch<T>(
  http: PolarisHttp,
  items: readonly T[],
  spec: BatchSpec<T>,
  limits: BatchLimits,
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  const rounds = planBatches(items, (item) => spec.keysOf(item)[0], limits.batchSize);
  for (const chunks of rounds) {
    await runBounded(chunks, limits.concurrency, async (chunk) => {
      const sent = chunk.map((index) => items[index]);
      const judged = await sendBatch(http, sent, spec);
      chunk.forEach((index, position) => (results[index] = judged[position]));
    });
  }
  return results;
}

async function sendBatch<T>(
  http: PolarisHttp,
  sent: readonly T[],
  spec: BatchSpec<T>,
): Promise<ItemResult[]> {
  let answer: PolarisAnswer;
  try {
    answer = await http.call({
      method: spec.method,
      path: spec.path,
      body: sent.map(spec.body),
      items: sent.length,
    });
  } catch (error) {
    const failure = writeFailure(error);
    return sent.map(() => failure);
  }
  const parsed = parseWith(BatchWriteSchema, answer.data);
  if (!parsed.ok) {
    const failure = unreadableWrite(
      spec.method,
      spec.path,
      answer,
      spec.successCodes,
      parsed.issues,
    );
    return sent.map(() => failure);
  }
  const { code, info, responses } = parsed.value;
  return judgeBatch(sent, { code, info: info ?? "", responses: responses ?? [] }, spec);
}

/**
 * Returns the result of a write whose request failed as a whole (network, timeout, retries
 * exhausted). A garbled answer is marked retryable: every write the client makes is idempotent.
 * Anything but a `PolarisRequestError` is a bug and is rethrown.
 */
export function writeFailure(error: unknown): ItemResult {
  if (!(error instanceof PolarisRequestError)) throw error;
  return {
    ok: false,
    code: error.code,
    retryable: error instanceof PolarisProtocolError || error.retryable,
    message: error.message,
  };
}

/**
 * Returns the result of a write whose answer had a code but not the expected shape: the code's
 * verdict when it is a failure, else a retryable "cannot read" failure (the write may or may not
 * have been applied).
 */
export function unreadableWrite(
  method: string,
  path: string,
  answer: PolarisAnswer,
  successCodes: ReadonlySet<number>,
  issues: readonly string[],
): ItemResult {
  if (!successCodes.has(answer.code)) return failedRequest(answer.code, answer.info);
  return {
    ok: false,
    code: undefined,
    retryable: true,
    message: `Cannot read the answer to ${method} "${path}": ${issues.join("; ")}`,
  };
}
