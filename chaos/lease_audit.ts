/**
 * Finds writes a replica sent while another replica held the Lease (SPEC §3: only the leader
 * writes). The harness polls the Lease and stamps each read with when it was sent and answered;
 * each fault proxy stamps each write with when it arrived. Two consecutive reads that show the
 * same holder and the same `leaseTransitions` prove that holder held the Lease from the first
 * answer to the second request; a write by any other replica that certainly left it inside that
 * window is a violation. "Certainly": the write's stamp minus `slackMs` (the harness's own
 * event-loop delay, which can only make a stamp late, plus the millisecond of clock granularity)
 * must still be inside.
 *
 * @module
 */

/** One read of the Lease. */
export interface LeaseObservation {
  /** `Date.now()` when the GET was sent. */
  readonly sentAt: number;
  /** `Date.now()` when its answer was read. */
  readonly receivedAt: number;
  /** `spec.holderIdentity`, `""` when nobody holds it. */
  readonly holder: string;
  readonly transitions: number;
}

/** A write attributed to the replica whose proxy received it. */
export interface ReplicaWrite {
  readonly replica: string;
  readonly at: number;
  readonly request: string;
}

/** A write sent while someone else held the Lease. */
export interface LeaseViolation extends ReplicaWrite {
  readonly holder: string;
  /** The proven window, `[from, to]`. */
  readonly from: number;
  readonly to: number;
}

/**
 * Returns the writes of `writes` that fall certainly inside a window where another replica (or
 * nobody) held the Lease.
 *
 * @example
 * ```ts
 * import { leaseViolations } from "./lease_audit.ts";
 * const seen = [
 *   { sentAt: 0, receivedAt: 5, holder: "r1", transitions: 1 },
 *   { sentAt: 100, receivedAt: 105, holder: "r1", transitions: 1 },
 * ];
 * const late = leaseViolations(seen, [{ replica: "r2", at: 50, request: "POST /x" }], 10);
 * if (late.length !== 1) throw new Error("r2 wrote while r1 held the Lease");
 * ```
 */
export function leaseViolations(
  observations: readonly LeaseObservation[],
  writes: readonly ReplicaWrite[],
  slackMs: number,
): LeaseViolation[] {
  const sorted = [...observations].sort((a, b) => a.sentAt - b.sentAt);
  // A run of consecutive reads with one holder and one transition count proves that holder from
  // the run's first answer to its last request.
  const windows: { holder: string; from: number; to: number }[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    const same = i < sorted.length && sorted[i].holder === sorted[start].holder &&
      sorted[i].transitions === sorted[start].transitions;
    if (same) continue;
    const first = sorted[start], last = sorted[i - 1];
    if (i - 1 > start && last.sentAt > first.receivedAt) {
      windows.push({ holder: first.holder, from: first.receivedAt, to: last.sentAt });
    }
    start = i;
  }
  const out: LeaseViolation[] = [];
  for (const write of writes) {
    for (const window of windows) {
      if (window.holder === write.replica) continue;
      if (write.at - slackMs >= window.from && write.at <= window.to) {
        out.push({ ...write, holder: window.holder, from: window.from, to: window.to });
        break;
      }
    }
  }
  return out;
}
