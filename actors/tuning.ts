/**
 * The engine's tuning numbers that are not configuration keys, each named once, with the reason it
 * has its value. The figures quoted are from `deno task bench` (docs/BENCHMARKS.md); a change here
 * is checked there, never by a timed unit test.
 *
 * @module
 */

/** Tuning numbers of the running system. */
export const TUNING = Object.freeze({
  /**
   * How long a read of one service's instances waits for others before it is sent: 0, so the reads
   * that arrive in the same turn of the event loop share namespace-wide listings (decisions §3) and
   * nothing waits longer. A 10 ms wait changed no read or write count in any benchmark scenario,
   * the real kube-apiserver one included (decisions §20).
   */
  readLingerMs: 0,
  /**
   * How long a partial write batch waits for more items before it is sent: 0, so the writes queued
   * in the same turn of the event loop share a request. A 10 ms wait changed no count in any
   * benchmark scenario (decisions §20): the debounce already brings a group's writes together.
   */
  writeLingerMs: 0,
  /**
   * Services of one namespace waiting to be read at once from which one namespace-wide listing
   * (paged by 100) answers them all instead of a read each (decisions §3): a start-up or a resync
   * then costs about `instances / 100` reads instead of one per service, while a lone change
   * still reads its own service only.
   */
  namespaceListingThreshold: 20,
  /**
   * Alias reads waiting at once from which one listing of every alias answers them (and never
   * fewer than the pages that listing took last time: many aliases of others make it dear).
   */
  aliasListingThreshold: 20,
  /**
   * How long one listing of every alias answers alias reads once filtered reads outnumbered its
   * pages (decisions §33): a 50k start-up spreads its alias reads over the whole pass.
   */
  aliasSnapshotMaxAgeMs: 10_000,
  /**
   * How long the start-up sweep waits at most for the listed pass's reads to end, so that it need
   * not read the namespaces they listed (decisions §32).
   */
  sweepWaitMaxMs: 60_000,
  /**
   * Listings the registry reader runs at once: `serviceSync.concurrency`'s default, for the reads.
   */
  readConcurrency: 4,
  /**
   * Reconciles in flight at most; waiting ones resume as a group once half have ended. Bounds a
   * start-up's plans in memory (decisions §11) while keeping each group's reads together.
   */
  reconcileSlots: 1_000,
  /**
   * Actors a resync wakes at a time (decisions §10): parked actors stay parked until their turn.
   */
  resyncGroup: 1_000,
  /**
   * Failed attempts in a row before a Service gets a Kubernetes Event about them: one or two
   * failures are usually a blip that the backoff absorbs; three say the owner should look.
   */
  attemptsBeforeEvent: 3,
  /**
   * How long an Event already sent for a Service and reason is not sent again (docs/operating.md).
   */
  eventDedupeWindowMs: 10 * 60_000,
});
