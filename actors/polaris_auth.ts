/**
 * Watches every Polaris answer for 401001 ("access is not approved"), the code Polaris gives a
 * missing or wrong `X-Polaris-Token`. Without it, every reconcile backs off and logs the same
 * code forever; with it, the operator reads one line that says what to fix, and `--once` stops at
 * once instead of retrying until its timeout.
 *
 * @module
 */

import type { LogFn } from "../adapters/log/log_level.ts";
import type { PolarisRequestReport } from "../adapters/polaris/mod.ts";
import { PolarisCode } from "../domain/polaris_codes.ts";

/** Options of {@linkcode PolarisAuthWatch}. */
export interface PolarisAuthWatchOptions {
  /** Whether a token is configured (`POLARIS_TOKEN` or `accessToken`), to say which fix applies. */
  readonly tokenGiven: boolean;
  readonly log?: LogFn;
}

/** Returns what a 401001 means for this configuration, naming where the token comes from. */
export function authFailureMessage(tokenGiven: boolean): string {
  return tokenGiven
    ? "Polaris refuses the access token (401001, access is not approved): the token is wrong or " +
      "lacks the rights this controller needs; check POLARIS_TOKEN or accessToken in the config file"
    : "Polaris refuses requests without an access token (401001, access is not approved): the " +
      "token is missing; set POLARIS_TOKEN or accessToken in the config file";
}

/**
 * Tells when Polaris starts and stops refusing our token: one error line when the first 401001
 * of an episode arrives, one info line when Polaris answers a request with success again.
 */
export class PolarisAuthWatch {
  readonly #options: PolarisAuthWatchOptions;
  #failure: string | null = null;

  constructor(options: PolarisAuthWatchOptions) {
    this.#options = options;
  }

  /** Why Polaris refuses us now, or null while it accepts our requests. */
  get failure(): string | null {
    return this.#failure;
  }

  /** Reads one request's answer (the client's `onRequest` hook). */
  observe(report: PolarisRequestReport): void {
    if (report.code === PolarisCode.NotAllowedAccess) {
      if (this.#failure !== null) return;
      this.#failure = authFailureMessage(this.#options.tokenGiven);
      this.#options.log?.("error", this.#failure, { method: report.method, path: report.path });
    } else if (this.#failure !== null && report.code !== undefined && report.code < 300000) {
      this.#failure = null;
      this.#options.log?.("info", "Polaris accepts the access token again", {
        method: report.method,
        path: report.path,
      });
    }
  }
}
