/**
 * The one line `--once` prints when it ends, and whether it failed: counts per state, the services
 * that are not synced with their state and last error, and why the run stopped. With `--dry-run`
 * nothing was written, so the line counts the changes planned instead of calling them synced.
 *
 * @module
 */

import type { ServiceState } from "../machines/service_machine.ts";
import type { ServiceSummary } from "./service_actors.ts";

/** How the `--once` run ended, besides the services' own states. */
export interface OnceEnd {
  /** Whether the system came to rest before the timeout. */
  readonly settled: boolean;
  readonly timeoutMs: number;
  readonly dryRun: boolean;
  /** Why Polaris refuses our requests (401001), when it does: the run stops at once. */
  readonly authFailure: string | null;
}

/** A service that is not synced, as the summary names it. */
export interface UnsyncedService {
  readonly service: string;
  readonly state: ServiceState;
  readonly attempts: number;
  readonly error: string | null;
}

/** What `onceSummary` returns: the JSON line's value and whether the exit code is non-zero. */
export interface OnceSummary {
  readonly failed: boolean;
  readonly summary: Readonly<Record<string, unknown>>;
}

/** How many unsynced services the line names; the rest are counted. */
export const UNSYNCED_NAMED = 50;

/** States in which a service is done for `--once`: synced, or released (no longer synced). */
const DONE: ReadonlySet<ServiceState> = new Set(["synced", "released"]);

/**
 * Returns the `--once` summary. The run failed when it did not settle in time, Polaris refused
 * our token, or any service is not synced (conflict, invalid, backoff, still reconciling). The
 * unsynced services are sorted by key and the first {@linkcode UNSYNCED_NAMED} named.
 */
export function onceSummary(services: Iterable<ServiceSummary>, end: OnceEnd): OnceSummary {
  const counts: Partial<Record<ServiceState | "upToDate" | "wouldChange", number>> = {};
  const planned = { create: 0, update: 0, delete: 0 };
  const unsynced: UnsyncedService[] = [];
  for (const service of services) {
    let bucket: ServiceState | "upToDate" | "wouldChange" = service.state;
    if (end.dryRun && service.state === "synced") {
      const s = service.report?.summary;
      const changes = s ? s.created + s.updated + s.deleted : 0;
      bucket = changes > 0 ? "wouldChange" : "upToDate";
      planned.create += s?.created ?? 0;
      planned.update += s?.updated ?? 0;
      planned.delete += s?.deleted ?? 0;
    }
    counts[bucket] = (counts[bucket] ?? 0) + 1;
    if (!DONE.has(service.state)) {
      unsynced.push({
        service: service.key,
        state: service.state,
        attempts: service.attempts,
        error: service.lastError,
      });
    }
  }
  unsynced.sort((a, b) => a.service < b.service ? -1 : a.service > b.service ? 1 : 0);
  const stopped = end.authFailure !== null
    ? end.authFailure
    : end.settled
    ? null
    : `not settled within --once-timeout (${end.timeoutMs / 1000}s)`;
  const failed = stopped !== null || unsynced.length > 0;
  return {
    failed,
    summary: {
      result: failed ? "failed" : end.dryRun ? "planned" : "synced",
      ...(stopped === null ? {} : { reason: stopped }),
      settled: end.settled,
      dryRun: end.dryRun,
      services: counts,
      ...(end.dryRun ? { plannedInstances: planned } : {}),
      unsynced: unsynced.length,
      ...(unsynced.length === 0 ? {} : { unsyncedServices: unsynced.slice(0, UNSYNCED_NAMED) }),
    },
  };
}
