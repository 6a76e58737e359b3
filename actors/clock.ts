/**
 * The clock the running system reads and sets its timers on: the supervisor machine, every service
 * actor, the listed-pass window, the reader's and the writer's lingers. Production uses the wall
 * clock; the engine tests give xstate's `SimulatedClock`, which has the same shape, and advance it
 * themselves, so no engine test waits on wall-clock time for a timer to fire.
 *
 * @module
 */

/** A source of time and timers; xstate's `SimulatedClock` is one. */
export interface Clock {
  now(): number;
  // deno-lint-ignore no-explicit-any
  setTimeout(fn: () => void, ms: number): any;
  // deno-lint-ignore no-explicit-any
  clearTimeout(id: any): void;
}

/** The wall clock: `Date.now` and the global timers. */
export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};
