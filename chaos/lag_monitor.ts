/**
 * Measures the harness's own event-loop delay (a 20 ms timer's lateness): a fault proxy can stamp
 * a write late by that much, so the Lease audit allows for the worst delay seen.
 *
 * @module
 */

/** A running monitor. */
export interface LagMonitor {
  /** The largest delay seen so far, ms. */
  maxMs(): number;
  /** Stops measuring. */
  stop(): void;
}

/** Starts measuring. */
export function startLagMonitor(periodMs = 20): LagMonitor {
  let max = 0;
  let expected = performance.now() + periodMs;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - expected);
    expected = now + periodMs;
  }, periodMs);
  return {
    maxMs: () => max,
    stop: () => clearInterval(timer),
  };
}
