/**
 * Polaris result codes the client reasons about, and how it classifies them.
 *
 * Reference §2: the HTTP status is `code / 1000`; `info` may be translated, so only the code
 * is ever interpreted.
 *
 * @module
 */

/** Named Polaris result codes (reference §2, `specification/api/v1/model/code.proto`). */
export const PolarisCode = {
  executeSuccess: 200000,
  dataNoChange: 200001,
  noNeedUpdate: 200002,
  badRequest: 400000,
  parseException: 400001,
  emptyRequest: 400002,
  batchSizeOverLimit: 400003,
  invalidParameter: 400103,
  existedResource: 400201,
  notFoundResource: 400202,
  serviceExistedInstances: 400204,
  serviceExistedAlias: 400210,
  notFoundService: 400301,
  notFoundInstance: 400303,
  notFoundServiceAlias: 400304,
  notFoundNamespace: 400305,
  notAllowedAccess: 401001,
  apiRateLimit: 403003,
  executeException: 500000,
} as const;

/**
 * Returns whether a Polaris code is worth retrying: server errors (5xxxxx), rate limits
 * (429xxx, and 403003 which Polaris answers with HTTP 403, reference §6). Every other 4xx is a
 * verdict on the request itself and is not retried blindly (SPEC §3).
 */
export function isRetryableCode(code: number): boolean {
  return code >= 500000 || (code >= 429000 && code < 430000) ||
    code === PolarisCode.apiRateLimit;
}

/**
 * Returns whether an HTTP status is worth retrying when the body carries no Polaris code
 * (a proxy's 502, a plain-text 503): 5xx and 429.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}
