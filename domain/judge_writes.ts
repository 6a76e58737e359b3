/**
 * Judging what Polaris answered to a reconcile's writes, item by item (sync-rules §3.4): which
 * failures are worth a retry with backoff, which are a verdict on the request, and which answers
 * count as done although they are not a plain success. Pure: the reconcile sends, this decides.
 *
 * @module
 */

import { PolarisCode } from "./polaris_codes.ts";

/** The answer to one written item, as the Polaris client reports it. */
export type ItemAnswer =
  | { readonly ok: true; readonly code: number }
  | {
    readonly ok: false;
    /** `undefined` when no answer came (timeout, dropped connection). */
    readonly code: number | undefined;
    readonly retryable: boolean;
    readonly message: string;
  };

/** A failed item. */
export type FailedAnswer = Extract<ItemAnswer, { ok: false }>;

/** The failures among some answers. */
export function failedAnswers(answers: readonly ItemAnswer[]): FailedAnswer[] {
  return answers.filter((a): a is FailedAnswer => !a.ok);
}

/** A Polaris resource that a write found missing, although this process had known it to exist. */
export type MissingResource = "namespace" | "service";

/**
 * Returns the resource an answer says is missing: the namespace (400305 NotFoundNamespace) or the
 * service (400301 NotFoundService). Someone deleted it behind the controller's back, or the server
 * does not create it on the fly (`namespace.autoCreate`, `naming.autoCreate` off).
 *
 * @example
 * ```ts
 * import { missingResource } from "./judge_writes.ts";
 * const answer = { ok: false, code: 400301, retryable: false, message: "not found service" } as const;
 * if (missingResource(answer) !== "service") throw new Error("400301 is a missing service");
 * ```
 */
export function missingResource(answer: ItemAnswer): MissingResource | undefined {
  if (answer.ok) return undefined;
  if (answer.code === PolarisCode.NotFoundNamespace) return "namespace";
  if (answer.code === PolarisCode.NotFoundService) return "service";
  return undefined;
}

/** The failures of some writes, split by what the reconcile does next. */
export interface WritesVerdict {
  /** Every failure. */
  readonly failed: readonly FailedAnswer[];
  /**
   * Those worth a retry with backoff: 5xx, rate limits, no answer, and a missing namespace or
   * service, which the retry creates once the reconcile has forgotten it knew it (`missing`).
   */
  readonly retryable: readonly FailedAnswer[];
  /** The resources the answers say are missing, namespace before service. */
  readonly missing: readonly MissingResource[];
}

/**
 * True for an update answered 400303: Polaris listed the instance but does not hold it. It is a
 * phantom (polaris#1350: a delete, here by another replica or an earlier process, that the
 * server's listing never drops) or a delete since the read; either way the instance is absent,
 * and the reconcile's retry creates it.
 *
 * @example
 * ```ts
 * import { isVanished } from "./judge_writes.ts";
 * const answer = { ok: false, code: 400303, retryable: false, message: "not found" } as const;
 * if (!isVanished(answer)) throw new Error("400303 means the instance is gone");
 * ```
 */
export function isVanished(answer: ItemAnswer): boolean {
  return !answer.ok && answer.code === PolarisCode.NotFoundInstance;
}

/**
 * Judges the answers to a reconcile's instance writes (creates, updates, deletes, purges). A
 * vanished instance ({@linkcode isVanished}) is worth a retry, not a verdict on the request.
 */
export function judgeInstanceWrites(...groups: readonly (readonly ItemAnswer[])[]): WritesVerdict {
  const failed = groups.flatMap(failedAnswers);
  const found = new Set(failed.map(missingResource));
  const missing = (["namespace", "service"] as const).filter((r) => found.has(r));
  return {
    failed,
    retryable: failed.filter((f) =>
      f.retryable || missingResource(f) !== undefined || isVanished(f)
    ),
    missing,
  };
}

/** Judges alias deletes: an alias already gone (400304) is what was wanted. */
export function judgeAliasDeletes(answers: readonly ItemAnswer[]): readonly FailedAnswer[] {
  return failedAnswers(answers).filter((a) => a.code !== PolarisCode.NotFoundServiceAlias);
}

/**
 * What an alias create or repoint came to: `written`; `taken` (400201: a Polaris service or
 * alias holds the name, a conflict to report, never to overwrite); `retry` (a retryable failure,
 * or the service it points to missing: {@linkcode missingResource}); or `refused`.
 */
export function judgeAliasWrite(answer: ItemAnswer): "written" | "taken" | "retry" | "refused" {
  if (answer.ok) return "written";
  if (answer.code === PolarisCode.ExistedResource) return "taken";
  return answer.retryable || missingResource(answer) !== undefined ? "retry" : "refused";
}

/** One line naming what failed, for logs, the debug endpoint and Events. */
export function describeFailures(
  what: string,
  key: string,
  failed: readonly FailedAnswer[],
): string {
  const first = failed[0];
  const detail = first
    ? `${
      first.code === undefined ? "no answer" : `Polaris answered ${first.code}`
    }: ${first.message}`
    : "";
  return `Cannot ${what} for "${key}": ${failed.length} item(s) failed (${detail})`;
}
