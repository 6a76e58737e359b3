/**
 * The rule "does Polaris health-check this Service's instances" (sync-rules §2.8): the heartbeat
 * TTL of `polarismesh.cn/ttl`, as polaris-controller reads it.
 *
 * @module
 */

import { TTL_ANNOTATION } from "./annotations.ts";
import { HELD, type Problem } from "./problems.ts";

/** The TTLs Polaris accepts, in seconds (reference §3: outside (0, 60] the server forces 5). */
export const TTL_RANGE = { min: 1, max: 60 } as const;

/** The answer of {@linkcode parseTtl}: a TTL (0 = no health check), or why the value is invalid. */
export type ParsedTtl = { readonly ttl: number } | { readonly problem: Problem };

/**
 * Parses `polarismesh.cn/ttl`: absent means no health check (TTL 0); an integer in 1..60 turns
 * Polaris' heartbeat check on with that TTL. The controller never heartbeats: the workload must
 * (polaris-controller does not either), or Polaris marks its instances unhealthy after about
 * 3 × TTL. Anything else is invalid input that holds the Service, like an invalid weight: where
 * polaris-controller silently registers without a health check, a typo here would turn the check
 * off for instances that heartbeat.
 *
 * @example
 * ```ts
 * import { parseTtl } from "./health_check.ts";
 * const ten = parseTtl("10");
 * if (!("ttl" in ten) || ten.ttl !== 10) throw new Error("unexpected");
 * if (!("problem" in parseTtl("90"))) throw new Error("expected a problem");
 * ```
 */
export function parseTtl(raw: string | undefined): ParsedTtl {
  if (raw === undefined) return { ttl: 0 };
  const text = raw.trim();
  if (/^[0-9]+$/.test(text)) {
    const ttl = Number(text);
    if (ttl >= TTL_RANGE.min && ttl <= TTL_RANGE.max) return { ttl };
  }
  return {
    problem: {
      code: "invalid-ttl",
      fatal: true,
      message:
        `${TTL_ANNOTATION}="${raw}" is not an integer in ${TTL_RANGE.min}..${TTL_RANGE.max} (seconds); ${HELD}`,
    },
  };
}
