/**
 * Times changes from the moment they were made to the first read of Polaris that shows them. A
 * read counts for an event only when it started after the event was made, so a slow read that
 * began earlier can never make a change look applied before it happened.
 *
 * @module
 */

/** One timed change. */
interface TrackedEvent<S> {
  readonly label: string;
  readonly madeAt: number;
  readonly applied: (state: S) => boolean;
  seenAt: number | null;
}

/** Latency of one event, or null when no read showed it. */
export interface EventLatency {
  readonly label: string;
  readonly latencyMs: number | null;
}

/**
 * Collects events and reads; `latencies()` gives event → first-read-showing-it times.
 *
 * @example
 * ```ts
 * import { ApplyTracker } from "./apply_tracker.ts";
 * const t = new ApplyTracker<Set<string>>();
 * t.add("a up", 100, (s) => s.has("a"));
 * t.observe(new Set(["a"]), { startedAt: 90, seenAt: 120 }); // began before the event: ignored
 * t.observe(new Set(["a"]), { startedAt: 130, seenAt: 150 });
 * if (t.latencies()[0].latencyMs !== 50) throw new Error("latency");
 * ```
 */
export class ApplyTracker<S> {
  #events: TrackedEvent<S>[] = [];

  /** Records a change made at `madeAt` (ms, same clock as reads) and how to see it applied. */
  add(label: string, madeAt: number, applied: (state: S) => boolean): void {
    this.#events.push({ label, madeAt, applied, seenAt: null });
  }

  /** Marks every pending event that `state` shows, if the read started after the event. */
  observe(state: S, read: { readonly startedAt: number; readonly seenAt: number }): void {
    for (const event of this.#events) {
      if (event.seenAt !== null || read.startedAt < event.madeAt) continue;
      if (event.applied(state)) event.seenAt = read.seenAt;
    }
  }

  /** Number of events not seen applied yet. */
  get pending(): number {
    return this.#events.filter((e) => e.seenAt === null).length;
  }

  /** Number of events recorded. */
  get size(): number {
    return this.#events.length;
  }

  /** Every event's latency in the order they were added. */
  latencies(): EventLatency[] {
    return this.#events.map((e) => ({
      label: e.label,
      latencyMs: e.seenAt === null ? null : e.seenAt - e.madeAt,
    }));
  }
}
