import assert from "node:assert/strict";
import type { ServiceState } from "../machines/service_machine.ts";
import { onceSummary } from "./once_summary.ts";
import type { ServiceSummary } from "./service_actors.ts";

function service(
  key: string,
  state: ServiceState,
  changes: { created?: number; updated?: number; deleted?: number } = {},
  lastError: string | null = null,
): ServiceSummary {
  return {
    key,
    state,
    attempts: lastError ? 3 : 0,
    lastError,
    lastSyncAt: null,
    reconciles: 1,
    report: {
      key,
      clusters: [],
      problems: [],
      plan: { creates: [], updates: [], deletes: [], skipped: [] },
      alias: null,
      conflicts: [],
      summary: {
        desired: 2,
        registered: 0,
        created: changes.created ?? 0,
        updated: changes.updated ?? 0,
        deleted: changes.deleted ?? 0,
        conflicts: 0,
        skipped: 0,
      },
    },
  };
}

const END = { settled: true, timeoutMs: 60_000, dryRun: false, authFailure: null };

Deno.test("onceSummary() succeeds when every service is synced or released", () => {
  const { failed, summary } = onceSummary(
    [service("a/x", "synced", { created: 2 }), service("a/y", "released")],
    END,
  );
  assert.equal(failed, false);
  assert.deepEqual(summary, {
    result: "synced",
    settled: true,
    dryRun: false,
    services: { synced: 1, released: 1 },
    unsynced: 0,
  });
});

Deno.test("onceSummary() fails naming the unsynced services in key order with their errors", () => {
  const { failed, summary } = onceSummary([
    service("z/b", "backoff", {}, "Polaris answered 500000"),
    service("a/x", "synced"),
    service("m/c", "conflict", {}, "host:port taken"),
  ], { ...END, settled: false });
  assert.equal(failed, true);
  assert.equal(summary.reason, "not settled within --once-timeout (60s)");
  assert.deepEqual(summary.unsyncedServices, [
    { service: "m/c", state: "conflict", attempts: 3, error: "host:port taken" },
    { service: "z/b", state: "backoff", attempts: 3, error: "Polaris answered 500000" },
  ]);
});

Deno.test("onceSummary() fails with the reason when Polaris refuses the token", () => {
  const { failed, summary } = onceSummary([], { ...END, authFailure: "token is wrong" });
  assert.equal(failed, true);
  assert.equal(summary.reason, "token is wrong");
});

Deno.test("onceSummary() with --dry-run counts planned changes, never synced", () => {
  const { failed, summary } = onceSummary([
    service("a/x", "synced", { created: 2 }),
    service("a/y", "synced", { updated: 1, deleted: 1 }),
    service("a/z", "synced"),
  ], { ...END, dryRun: true });
  assert.equal(failed, false);
  assert.equal(summary.result, "planned");
  assert.deepEqual(summary.services, { wouldChange: 2, upToDate: 1 });
  assert.deepEqual(summary.plannedInstances, { create: 2, update: 1, delete: 1 });
});
