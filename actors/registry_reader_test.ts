import assert from "node:assert/strict";
import type { RegisteredInstance } from "../domain/polaris.ts";
import { startPolarisEmulator } from "../emulator/mod.ts";
import { PolarisClient } from "../adapters/polaris/mod.ts";
import { RegistryReader } from "./registry_reader.ts";

async function withEmulator(
  fn: (
    reader: RegistryReader,
    requests: () => number,
    seed: (ns: string, svc: string, n: number) => void,
  ) => Promise<void>,
  options: { fault?: boolean } = {},
) {
  const emulator = await startPolarisEmulator();
  try {
    const client = new PolarisClient({ baseUrl: emulator.url, maxRetries: 0 });
    const reader = new RegistryReader({
      api: client,
      lingerMs: 5,
      namespaceThreshold: 20,
      concurrency: 4,
    });
    if (options.fault) emulator.injectFault({ kind: "status", code: 500000 });
    await fn(
      reader,
      () => emulator.requests()["GET /naming/v1/instances"] ?? 0,
      (ns, svc, n) =>
        emulator.seedInstances(
          Array.from(
            { length: n },
            (_, i) => ({ namespace: ns, service: svc, host: `10.0.0.${i}`, port: 80 }),
          ),
        ),
    );
  } finally {
    await emulator.stop();
  }
}

Deno.test("RegistryReader answers many services of one namespace with one namespace listing", async () => {
  await withEmulator(async (reader, requests, seed) => {
    for (let s = 0; s < 30; s++) seed("shop", `svc-${s}`, 3);
    const results = await Promise.all(
      Array.from({ length: 31 }, (_, s) => reader.read("shop", `svc-${s}`)),
    );
    assert.deepStrictEqual(results.map((r: RegisteredInstance[]) => r.length), [
      ...Array(30).fill(3),
      0,
    ]);
    assert.deepStrictEqual(results[4].every((i) => i.service === "svc-4"), true);
    assert.deepStrictEqual(requests(), 1); // 90 instances: one page
  });
});

Deno.test("RegistryReader reads a lone service on its own", async () => {
  await withEmulator(async (reader, requests, seed) => {
    seed("shop", "a", 2);
    seed("shop", "b", 5);
    const [a, b] = await Promise.all([reader.read("shop", "a"), reader.read("shop", "b")]);
    assert.deepStrictEqual([a.length, b.length], [2, 5]);
    assert.deepStrictEqual(requests(), 2);
  });
});

Deno.test("RegistryReader rejects every waiting read when Polaris fails, never answers empty", async () => {
  await withEmulator(async (reader) => {
    const reads = Array.from({ length: 25 }, (_, s) => reader.read("shop", `svc-${s}`));
    const outcomes = await Promise.allSettled(reads);
    assert.deepStrictEqual(outcomes.every((o) => o.status === "rejected"), true);
  }, { fault: true });
});
