/**
 * Typed failures of the Polaris client.
 *
 * @module
 */

/** Where a failed Polaris call went and how it ended. */
export interface PolarisRequestErrorInit {
  /** HTTP method of the call. */
  readonly method: string;
  /** Path of the call, without the query. */
  readonly path: string;
  /** Polaris result code, or undefined when none arrived (network, timeout, non-JSON body). */
  readonly code: number | undefined;
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** Whether trying again later may succeed (network, 5xx, rate limit). */
  readonly retryable: boolean;
  /** Number of attempts made, retries included. */
  readonly attempts: number;
  /** The underlying error, when there is one. */
  readonly cause?: unknown;
}

/**
 * A Polaris call that failed: the server refused it, never answered, or kept failing after every
 * retry. Reads reject with it instead of resolving to an empty list (sync-rules §3.3: a failed read
 * never counts as "nothing registered").
 */
export class PolarisRequestError extends Error {
  /** Polaris result code, or undefined when none arrived. */
  readonly code: number | undefined;
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;
  /** HTTP method of the call. */
  readonly method: string;
  /** Path of the call, without the query. */
  readonly path: string;
  /** Number of attempts made, retries included. */
  readonly attempts: number;

  /** Creates the error; `message` should follow STYLE.md (action first, values quoted). */
  constructor(message: string, init: PolarisRequestErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "PolarisRequestError";
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
  }
}

/**
 * A Polaris answer the client cannot understand: not JSON, or JSON that does not match the
 * documented shape (reference §0). It is a `PolarisRequestError` too, so one `catch` covers both;
 * `issues` lists what did not match.
 */
export class PolarisProtocolError extends PolarisRequestError {
  /** Human-readable schema mismatches, e.g. `instances.0.port: Invalid type`. */
  readonly issues: readonly string[];

  /** Creates the error with the schema issues that caused it. */
  constructor(message: string, init: PolarisRequestErrorInit & { issues: readonly string[] }) {
    super(message, init);
    this.name = "PolarisProtocolError";
    this.issues = init.issues;
  }
}
