/**
 * Polaris result codes as the emulator answers them, and the rules that turn item codes into the
 * top-level code of a batch (reference §2).
 *
 * @module
 */

import { PolarisCode } from "../domain/polaris_codes.ts";

/** The codes the emulator answers: the project's one table (`domain/polaris_codes.ts`). */
export const Code = PolarisCode;

const INFO: Readonly<Record<number, string>> = {
  200000: "execute success",
  200002: "no need to update",
  400000: "bad request",
  400001: "parse exception",
  400002: "empty request",
  400003: "batch size over the limit",
  400103: "invalid parameter",
  400104: "query parameter is empty",
  400105: "invalid query instance parameter",
  400110: "invalid namespace name",
  400120: "invalid service name",
  400121: "invalid service owners",
  400123: "invalid service metadata",
  400124: "invalid service ports",
  400128: "invalid service comment",
  400130: "invalid instance id",
  400131: "invalid instance host",
  400132: "invalid instance port",
  400133: "invalid service alias",
  400134: "invalid namespace with alias",
  400135: "invalid service alias owners",
  400136: "invalid instance protocol",
  400137: "invalid instance version",
  400138: "invalid instance logic set",
  400150: "invalid metadata",
  400201: "existed resource",
  400202: "not found resource",
  400203: "some services existed in namespace",
  400204: "some instances existed in service",
  400208: "the same instance request",
  400210: "some aliases existed in service",
  400301: "not found service",
  400303: "not found instance",
  400304: "not found service alias",
  400305: "not found namespace",
  400501: "service alias is not allowed to update",
  400504: "cannot create an alias for an alias",
  401001: "access is not approved",
  403003: "api is limited",
  500000: "execute exception",
};

/** Returns the English `info` text the emulator sends with a code. */
export function codeInfo(code: number): string {
  return INFO[code] ?? `code ${code}`;
}

/** Returns the HTTP status of a Polaris code: `code / 1000` (reference §2, `CalcCode`). */
export function httpStatusOf(code: number): number {
  return Math.floor(code / 1000);
}

/** Tells whether a code is a success (2xx family). */
export function isSuccess(code: number): boolean {
  return httpStatusOf(code) === 200;
}

/**
 * Returns the top-level code of a service, instance or alias-delete batch
 * (`api.FormatBatchWriteResponse`): the common code when every item agrees, else 500000 if any
 * item is 5xx, else 400000 if any item is 4xx, else 200000.
 */
export function batchWriteCode(codes: readonly number[]): number {
  if (codes.length === 0) return Code.ExecuteSuccess;
  if (codes.every((c) => c === codes[0])) return codes[0];
  if (codes.some((c) => httpStatusOf(c) >= 500)) return Code.ExecuteException;
  if (codes.some((c) => httpStatusOf(c) >= 400)) return Code.BadRequest;
  return Code.ExecuteSuccess;
}

/**
 * Returns the top-level code of a namespace batch or of a whole-batch validation failure
 * (`api.Collect`): the highest non-2xx item code, else 200000.
 */
export function collectCode(codes: readonly number[]): number {
  let top: number = Code.ExecuteSuccess;
  for (const c of codes) if (!isSuccess(c) && c > top) top = c;
  return top;
}
