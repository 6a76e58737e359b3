/**
 * The pass/fail rule of `deno task bench --quick`: first convergence completes, its writes stay
 * within 1.1 × the lower bound, and an idle resync writes nothing.
 *
 * @module
 */

import type { ScenarioResult } from "../scenario/scenario_result.ts";

/** Allowed writes over the lower bound. */
export const WRITE_SLACK = 1.1;

/**
 * Returns why a scenario fails the quick gate; empty when it passes.
 *
 * @example
 * ```ts ignore
 * const failures = quickGate(result);
 * if (failures.length > 0) Deno.exit(1);
 * ```
 */
export function quickGate(r: Pick<ScenarioResult, "converge" | "idleResync" | "errors">): string[] {
  const failures: string[] = [];
  if (!r.converge.complete) failures.push("first convergence did not complete");
  const writes = r.converge.requests.kinds.writes;
  const bound = r.converge.lowerBound.total;
  if (writes > WRITE_SLACK * bound) {
    failures.push(`first convergence sent ${writes} writes, more than ${WRITE_SLACK} x ${bound}`);
  }
  const idle = r.idleResync.requests;
  if (idle === null) failures.push("the idle resync was not measured");
  else if (idle.kinds.writes > 0) failures.push(`an idle resync sent ${idle.kinds.writes} writes`);
  for (const error of r.errors) failures.push(error);
  return failures;
}
