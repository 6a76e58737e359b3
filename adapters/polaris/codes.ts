/**
 * Polaris result codes the client reasons about, and how it classifies them.
 *
 * Reference §2: the HTTP status is `code / 1000`; `info` may be translated, so only the code
 * is ever interpreted.
 *
 * @module
 */

import { PolarisCode } from "../../domain/polaris_codes.ts";

export { PolarisCode };

/**
 * Returns whether a Polaris code is worth retrying: server errors (5xxxxx), rate limits
 * (429xxx, and 403003 which Polaris answers with HTTP 403, reference §6). Every other 4xx is a
 * verdict on the request itself and is not retried blindly (sync-rules §3).
 */
export function isRetryableCode(code: number): boolean {
  return code >= 500000 || (code >= 429000 && code < 430000) ||
    code === PolarisCode.APIRateLimit;
}

/**
 * Returns whether an HTTP status is worth retrying when the body carries no Polaris code
 * (a proxy's 502, a plain-text 503): 5xx and 429.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}
