/**
 * Judges the controller's `/debug/overview` answer: settled means its first sweep is done and every
 * service actor is `synced`. The benchmark uses it only to know when to stop counting a restart's
 * requests; whether Polaris holds the right instances is always read from the emulator itself.
 *
 * @module
 */

/** The fields of `/debug/overview` that are read here. */
export interface OverviewBody {
  readonly states?: Readonly<Record<string, number>>;
  readonly supervisor?: { readonly sweeps?: number };
  readonly services?: number;
}

/**
 * Returns true when the overview shows a finished sweep and at least `minServices` actors, all
 * `synced`.
 *
 * @example
 * ```ts
 * import { overviewSettled } from "./overview_settled.ts";
 * const body = { states: { synced: 3, debouncing: 0 }, supervisor: { sweeps: 1 }, services: 3 };
 * if (!overviewSettled(body, 3)) throw new Error("settled");
 * if (overviewSettled({ ...body, supervisor: { sweeps: 0 } }, 3)) throw new Error("no sweep");
 * ```
 */
export function overviewSettled(body: OverviewBody, minServices: number): boolean {
  const services = body.services ?? 0;
  if ((body.supervisor?.sweeps ?? 0) < 1 || services < minServices) return false;
  return (body.states?.synced ?? 0) === services;
}
