/**
 * Turns two readings of the emulator's request counters into the requests of one phase, raw and
 * by kind.
 *
 * @module
 */

import { classifyRequests, counterDelta } from "./request_kinds.ts";
import type { PhaseRequests } from "./scenario_result.ts";

/**
 * Returns the requests between two counter readings (`after - before`), raw and by kind.
 *
 * @example
 * ```ts
 * import { phaseRequests } from "./phase_requests.ts";
 * const p = phaseRequests({ "GET /naming/v1/instances": 5 }, { "GET /naming/v1/instances": 2 });
 * if (p.kinds.reads !== 3 || p.kinds.writes !== 0) throw new Error("phase");
 * ```
 */
export function phaseRequests(
  after: Readonly<Record<string, number>>,
  before: Readonly<Record<string, number>>,
): PhaseRequests {
  const raw = counterDelta(after, before);
  return { raw, kinds: classifyRequests(raw) };
}
