import assert from "node:assert/strict";
import { MemorySource } from "../adapters/memory/memory_source.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { Supervisor } from "./supervisor.ts";
import { Writer } from "./writer.ts";

/** A supervisor over one in-memory source and a Polaris that must never be called. */
function supervisor(leading: boolean, source = new MemorySource("cluster-a")): Supervisor {
  const api = new Proxy({}, {
    get: (_target, name) => () => Promise.reject(new Error(`Polaris called: ${String(name)}`)),
  }) as PolarisApi;
  return new Supervisor({
    sources: [source],
    api,
    writer: new Writer({ api, batchSize: 100, concurrency: 1, lingerMs: 0, dryRun: false }),
    policy: { mode: "all", ignoredNamespaces: [] },
    ownerSource: "polaris-controller",
    podLabelPolicy: { kind: "all" },
    timing: { debounceMs: 10, backoffBaseMs: 10, backoffMaxMs: 100 },
    resyncPeriodMs: 60_000,
    leading,
  });
}

Deno.test("Supervisor stopped before start() is stopped: not leading, and a second stop is a no-op", async () => {
  for (const leading of [true, false]) {
    const s = supervisor(leading);
    await s.stop();
    assert.equal(s.leading, false);
    assert.equal(s.supervisorStatus().state, "stopped");
    await s.stop();
    s.setLeading(true);
    assert.equal(s.leading, false, "a stopped supervisor never leads again");
  }
});

Deno.test("Supervisor: a follower is settled once its sources listed, and never sweeps or reads", async () => {
  const source = new MemorySource("cluster-a");
  source.setService({ namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} });
  const s = supervisor(false, source);
  await s.start();
  assert.equal(s.settled, false, "its source has not listed");
  source.markSynced();
  assert.equal(s.settled, true);
  assert.equal(s.deletesAllowed, true);
  assert.deepStrictEqual(s.supervisorStatus(), {
    parked: 0,
    state: "following",
    sweeps: 0,
    resyncs: 0,
    lastSweepError: null,
  });
  assert.equal(s.size, 0, "a follower runs no actor");
  await s.stop();
});
