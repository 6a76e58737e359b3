/**
 * Runs a batch write through validation then execution, in one of the two validation modes the
 * server versions differ in (reference §2): `whole-batch` (HEAD: one invalid item rejects the
 * batch; `responses[]` holds the failing items; top level = highest failing code) or `per-item`
 * (v1.18.1: a bad item fails alone; top level by `FormatBatchWriteResponse`).
 *
 * @module
 */

import { batchWriteCode, Code, collectCode } from "./codes.ts";
import { batchWriteBody, type JsonObject, wireResponse } from "./render.ts";
import type { DecodedMessage } from "./wire_decode.ts";

/** How invalid items of a batch are answered (see the module doc). */
export type ValidationMode = "per-item" | "whole-batch";

/** Options shared by the write operations. */
export interface WriteOptions {
  readonly validation: ValidationMode;
  readonly autoCreateNamespace: boolean;
  readonly autoCreateService: boolean;
}

/**
 * Runs a batch through validation then execution. In whole-batch mode a failing item stops the
 * batch; otherwise failing items are answered alone and the rest execute.
 */
export function runBatch(
  items: readonly DecodedMessage[],
  options: {
    readonly mode: ValidationMode;
    readonly check: (m: DecodedMessage) => number;
    readonly failed: (code: number, m: DecodedMessage) => JsonObject;
    readonly execute: (m: DecodedMessage, index: number) => JsonObject;
    /** Entry for a passing item in a rejected batch; omitted items are left out. */
    readonly passed?: () => JsonObject;
  },
): JsonObject {
  const checks = items.map(options.check);
  if (options.mode === "whole-batch" && checks.some((c) => c !== Code.ExecuteSuccess)) {
    const responses: JsonObject[] = [];
    items.forEach((m, i) => {
      if (checks[i] !== Code.ExecuteSuccess) responses.push(options.failed(checks[i], m));
      else if (options.passed !== undefined) responses.push(options.passed());
    });
    return batchWriteBody(collectCode(checks), responses);
  }
  const responses = items.map((m, i) =>
    checks[i] === Code.ExecuteSuccess ? options.execute(m, i) : options.failed(checks[i], m)
  );
  return batchWriteBody(batchWriteCode(responses.map((r) => r.code as number)), responses);
}

/** Returns a `v1.Response` with every field `null`, as jsonpb renders a nil item. */
export function allNullResponse(): JsonObject {
  const base = wireResponse(0);
  return Object.fromEntries(Object.keys(base).map((k) => [k, null]));
}

/** Tells whether two string maps hold the same entries. */
export function sameMap(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ak = Object.keys(a);
  return ak.length === Object.keys(b).length &&
    ak.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
