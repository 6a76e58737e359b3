/**
 * The outcome of one item of a Polaris write.
 *
 * @module
 */

import type { ItemAnswer } from "../../domain/judge_writes.ts";
import { isRetryableCode } from "./codes.ts";

/**
 * The outcome of one item of a Polaris write, judged from its own code (sync-rules §3).
 * `ok: false` carries the Polaris code (undefined when no code applies: network failure, or an
 * item that Polaris skipped because other items of its batch were invalid), whether trying again
 * may succeed, and a message for logs and the debug endpoint. Alias create reports an alias that
 * already exists as `{ ok: false, code: 400201, retryable: false }`: the caller must check who
 * owns it before anything else.
 */
export type ItemResult = ItemAnswer;

/**
 * Returns the result for an item answered with `code`: success when `code` is in
 * `successCodes`, otherwise a failure whose retryability follows the code.
 */
export function itemResultFromCode(
  code: number,
  info: string,
  successCodes: ReadonlySet<number>,
): ItemResult {
  if (successCodes.has(code)) return { ok: true, code };
  return {
    ok: false,
    code,
    retryable: isRetryableCode(code),
    message: `Polaris answered ${code}${info ? `: ${info}` : ""}`,
  };
}
