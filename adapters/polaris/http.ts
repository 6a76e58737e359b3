/**
 * One Polaris HTTP call, with timeout, retries, capped backoff and metrics.
 *
 * Plain `fetch`, not ofetch (docs/decisions.md, "Polaris calls use plain fetch"): every part
 * ofetch adds was switched off here. Its retry, because ours retries on Polaris codes and reports
 * each attempt; its timeout, which stops at the headers while ours covers the body; its parsing
 * and its throwing on HTTP errors, because an error status still carries a Polaris code to judge.
 *
 * @module
 */

import { backoffDelayMs } from "../../domain/backoff.ts";
import { type Redactor, secretRedactor } from "../log/secret_redactor.ts";
import { isRetryableCode, isRetryableStatus } from "./codes.ts";
import { PolarisProtocolError, PolarisRequestError } from "./errors.ts";
import { EnvelopeSchema, parseWith } from "./schemas.ts";

/** What {@link PolarisHttp} reports after every attempt, retries included (for metrics). */
export interface PolarisRequestReport {
  readonly method: string;
  /** Path without the query, so metrics keep a small label set. */
  readonly path: string;
  /** Polaris code of the answer, undefined when none arrived. */
  readonly code: number | undefined;
  /** HTTP status, undefined when no response arrived. */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** 1 for the first try, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** Items in the request body (batch writes) or rows in the answer (list pages). */
  readonly items?: number;
}

/** Settings of {@link PolarisHttp}; see `PolarisClientOptions` for their meaning. */
export interface PolarisHttpOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onRequest?: (report: PolarisRequestReport) => void;
  readonly signal?: AbortSignal;
  /** Asked before every attempt of a write, retries included; see `PolarisClientOptions`. */
  readonly mayWrite?: () => boolean;
}

/** One call to make. */
export interface PolarisCall {
  readonly method: "GET" | "POST" | "PUT";
  readonly path: string;
  readonly query?: URLSearchParams;
  /** Serialized as JSON; `Content-Type: application/json` is always set on POST and PUT. */
  readonly body?: unknown;
  /** Items in the body, reported to `onRequest`. */
  readonly items?: number;
  /** Rows of the answer to report to `onRequest`, e.g. the length of a list page. */
  readonly countRows?: (data: unknown) => number | undefined;
}

/**
 * A Polaris JSON answer whose code is final: success, a verdict that retrying cannot change, or
 * the last retryable answer once retries ran out. The caller judges `code` (and `data`).
 */
export interface PolarisAnswer {
  readonly status: number;
  readonly code: number;
  readonly info: string;
  /** The whole parsed JSON body, to validate against the endpoint's schema. */
  readonly data: unknown;
  readonly attempts: number;
}

interface Failure {
  kind: "failure";
  code: number | undefined;
  status: number | undefined;
  retryable: boolean;
  /** Set when the answer arrived but cannot be read: it becomes a `PolarisProtocolError`. */
  protocol?: string;
  cause?: unknown;
}

type Attempt = { kind: "answer"; answer: Omit<PolarisAnswer, "attempts"> } | Failure;

/**
 * Makes Polaris calls: one `Request-Id` per call, `X-Polaris-Token` when a token is set, a
 * timeout on every attempt (body included), and retries with capped exponential backoff and
 * jitter for network errors, timeouts, 5xx, 429xxx and 403003 (reference §6, sync-rules §3).
 * Network failures and unreadable answers throw `PolarisRequestError`/`PolarisProtocolError`;
 * every JSON answer with a code is returned for the caller to judge.
 *
 * The token never comes back out: an answer that holds it (a proxy or a debugging server that
 * echoes request headers) has it replaced by `***` in every `info` text, the one field of a
 * Polaris answer that is prose and becomes error messages, and a body that is not JSON is quoted
 * redacted. The rest of the data is left as it is, since it is compared with what the controller
 * wants; the log, `/debug` and Events redact whatever they show as well.
 */
export class PolarisHttp {
  #options: PolarisHttpOptions;
  #redact: Redactor;

  /** Creates the caller; nothing is sent until {@link call}. */
  constructor(options: PolarisHttpOptions) {
    this.#options = options;
    this.#redact = secretRedactor([options.token]);
  }

  /** Sends `call`, retrying as described on the class; resolves with the final JSON answer. */
  async call(call: PolarisCall): Promise<PolarisAnswer> {
    const requestId = crypto.randomUUID();
    const total = 1 + Math.max(0, this.#options.maxRetries);
    let attempts = 0;
    let last: Failure = { kind: "failure", code: undefined, status: undefined, retryable: true };
    while (attempts < total) {
      if (attempts > 0) {
        await this.#options.sleep(backoffDelayMs(attempts, {
          baseMs: this.#options.backoffBaseMs,
          maxMs: this.#options.backoffMaxMs,
          random: this.#options.random,
        }));
      }
      if (this.#options.signal?.aborted) {
        last = { ...last, retryable: true, cause: this.#options.signal.reason };
        break;
      }
      if (call.method !== "GET" && this.#options.mayWrite?.() === false) {
        const cause = new Error("Cannot write to Polaris: this replica does not hold the Lease");
        last = { ...last, retryable: true, cause };
        break;
      }
      attempts++;
      const result = await this.#attempt(call, requestId, attempts);
      if (result.kind === "answer") {
        if (!isRetryableCode(result.answer.code) || attempts === total) {
          return { ...result.answer, attempts };
        }
      } else {
        last = result;
        if (!result.retryable) break;
      }
    }
    throw this.#failure(call, last, attempts);
  }

  /** Sends one GET and returns the body text, or undefined on any failure (health probes). */
  async probe(path: string): Promise<string | undefined> {
    const started = performance.now();
    try {
      // v1.18.1's `GET /` declares no representation: any Accept but */* gets 406.
      const response = await this.#send({ method: "GET", path }, crypto.randomUUID(), "*/*");
      this.#report({ method: "GET", path }, 1, started, undefined, response.status);
      return response.ok ? response.text : undefined;
    } catch {
      // A failed probe is the answer "not healthy"; the report below carries no status.
      this.#report({ method: "GET", path }, 1, started, undefined, undefined);
      return undefined;
    }
  }

  async #attempt(call: PolarisCall, requestId: string, attempt: number): Promise<Attempt> {
    const started = performance.now();
    let response;
    try {
      response = await this.#send(call, requestId);
    } catch (cause) {
      this.#report(call, attempt, started, undefined, undefined);
      return { kind: "failure", code: undefined, status: undefined, retryable: true, cause };
    }
    const status = response.status;
    const headerCode = Number.parseInt(response.headers.get("X-Polaris-Code") ?? "", 10);
    const redacted = this.#redact(response.text);
    let data: unknown;
    try {
      data = JSON.parse(response.text);
    } catch {
      const code = Number.isNaN(headerCode) ? undefined : headerCode;
      this.#report(call, attempt, started, code, status);
      return {
        kind: "failure",
        code,
        status,
        retryable: isRetryableStatus(status) || (code !== undefined && isRetryableCode(code)),
        protocol: status < 400 ? "the body is not JSON" : undefined,
        // Not JSON.parse's own error: it quotes the body's first characters unredacted.
        cause: new SyntaxError(`The body is not JSON: ${quoteStart(redacted)}`),
      };
    }
    if (redacted !== response.text) data = redactInfo(data, this.#redact);
    const envelope = parseWith(EnvelopeSchema, data);
    if (!envelope.ok) {
      this.#report(call, attempt, started, undefined, status);
      const issues = this.#redact(envelope.issues.join("; "));
      return {
        kind: "failure",
        code: undefined,
        status,
        retryable: isRetryableStatus(status),
        protocol: status < 400 ? `the JSON has no code (${issues})` : undefined,
      };
    }
    const { code, info } = envelope.value;
    this.#report(call, attempt, started, code, status, call.countRows?.(data));
    return { kind: "answer", answer: { status, code, info: info ?? "", data } };
  }

  /** One request; the body is read within the same timeout as the headers. */
  async #send(
    call: Pick<PolarisCall, "method" | "path" | "query" | "body">,
    requestId: string,
    accept = "application/json",
  ): Promise<{ status: number; ok: boolean; headers: Headers; text: string }> {
    const headers: Record<string, string> = { "Request-Id": requestId, Accept: accept };
    if (this.#options.token) headers["X-Polaris-Token"] = this.#options.token;
    if (call.method !== "GET") headers["Content-Type"] = "application/json";
    const query = call.query?.toString();
    const url = `${this.#options.baseUrl.replace(/\/+$/, "")}${call.path}${
      query ? `?${query}` : ""
    }`;
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new DOMException(`No answer within ${this.#options.timeoutMs} ms`, "TimeoutError"),
        ),
      this.#options.timeoutMs,
    );
    const signal = this.#options.signal
      ? AbortSignal.any([timeout.signal, this.#options.signal])
      : timeout.signal;
    try {
      const response = await fetch(url, {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal,
      });
      const text = await response.text();
      return { status: response.status, ok: response.ok, headers: response.headers, text };
    } finally {
      clearTimeout(timer);
    }
  }

  #report(
    call: Pick<PolarisCall, "method" | "path" | "items">,
    attempt: number,
    started: number,
    code: number | undefined,
    status: number | undefined,
    rows?: number,
  ): void {
    const items = call.items ?? rows;
    this.#options.onRequest?.({
      method: call.method,
      path: call.path,
      code,
      status,
      durationMs: performance.now() - started,
      attempt,
      ...(items === undefined ? {} : { items }),
    });
  }

  #failure(call: PolarisCall, failure: Failure, attempts: number) {
    const where = `${call.method} "${call.path}"`;
    const init = {
      method: call.method,
      path: call.path,
      code: failure.code,
      status: failure.status,
      retryable: failure.retryable,
      attempts,
      cause: failure.cause,
    };
    if (failure.protocol !== undefined) {
      return new PolarisProtocolError(
        `Cannot read the answer to ${where}: ${failure.protocol}`,
        { ...init, retryable: false, issues: [failure.protocol] },
      );
    }
    const why = failure.status === undefined
      ? `no answer after ${attempts} attempt(s) (${this.#redact(describe(failure.cause))})`
      : `Polaris answered HTTP ${failure.status}${
        failure.code === undefined ? "" : ` code ${failure.code}`
      } after ${attempts} attempt(s)`;
    return new PolarisRequestError(`Cannot complete ${where}: ${why}`, init);
  }
}

/** Longest part of a non-JSON body quoted in its error. */
const QUOTED_BODY_CHARS = 120;

function quoteStart(text: string): string {
  const start = text.length > QUOTED_BODY_CHARS ? `${text.slice(0, QUOTED_BODY_CHARS)}…` : text;
  return JSON.stringify(start);
}

/** Returns `data` with the token redacted from every `info` string, at any depth. */
function redactInfo(data: unknown, redact: Redactor): unknown {
  if (Array.isArray(data)) return data.map((item) => redactInfo(item, redact));
  if (typeof data !== "object" || data === null) return data;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    result[key] = key === "info" && typeof value === "string"
      ? redact(value)
      : redactInfo(value, redact);
  }
  return result;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
