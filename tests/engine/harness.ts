/**
 * An in-process engine wired to real parts: the Polaris emulator over HTTP on loopback, the real
 * Polaris client, writer and supervisor, and in-memory cluster sources the test scripts.
 *
 * @module
 */

import { MemorySource } from "../../adapters/memory/memory_source.ts";
import { PolarisClient } from "../../adapters/polaris/mod.ts";
import { type PolarisEmulator, startPolarisEmulator } from "../../emulator/mod.ts";
import { Supervisor } from "../../actors/supervisor.ts";
import { Writer } from "../../actors/writer.ts";
import type { EndpointGroup } from "../../domain/kubernetes.ts";

/** A running engine and everything a test pokes at. */
export interface Engine {
  readonly emulator: PolarisEmulator;
  readonly sources: readonly MemorySource[];
  readonly supervisor: Supervisor;
  readonly client: PolarisClient;
  /** Waits until the supervisor is settled; throws after `timeoutMs`. */
  settle(timeoutMs?: number): Promise<void>;
  /** Waits until `check` is true. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Writes (POST/PUT) seen by the emulator since the last reset, by "METHOD /path". */
  writes(): Record<string, number>;
  stop(): Promise<void>;
}

/** Options of {@linkcode startEngine}. */
export interface EngineOptions {
  readonly clusters?: readonly string[];
  readonly mode?: "all" | "demand";
  readonly resyncPeriodMs?: number;
  /** False: start as a follower (leader election). */
  readonly leading?: boolean;
  /** Reconciles in flight at once (the supervisor's default when absent). */
  readonly reconcileSlots?: number;
  /** Actors a resync wakes at once (the supervisor's default when absent). */
  readonly resyncGroup?: number;
  readonly source?: string;
  /** An emulator to reuse (a restart over the same Polaris); `stop()` stops it too. */
  readonly emulator?: PolarisEmulator;
  /** Seeds the emulator before the engine starts. */
  readonly seed?: (emulator: PolarisEmulator) => void;
}

/** Starts the emulator and an engine over in-memory sources (not yet synced). */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const emulator = options.emulator ?? await startPolarisEmulator();
  options.seed?.(emulator);
  const sources = (options.clusters ?? ["cluster-a"]).map((c) => new MemorySource(c));
  const client = new PolarisClient({
    baseUrl: emulator.url,
    timeoutMs: 2000,
    maxRetries: 1,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
  });
  const writer = new Writer({
    api: client,
    batchSize: 100,
    concurrency: 4,
    lingerMs: 5,
    dryRun: false,
  });
  const supervisor = new Supervisor({
    sources,
    api: client,
    writer,
    policy: {
      mode: options.mode ?? "all",
      ignoredNamespaces: ["kube-system", "polaris-system"],
    },
    ownerSource: options.source ?? "polaris-controller",
    podLabelPolicy: { kind: "all" },
    timing: { debounceMs: 10, backoffBaseMs: 20, backoffMaxMs: 100 },
    resyncPeriodMs: options.resyncPeriodMs ?? 60_000,
    ...(options.resyncGroup ? { resyncGroup: options.resyncGroup } : {}),
    ...(options.reconcileSlots ? { reconcileSlots: options.reconcileSlots } : {}),
    ...(options.leading === false ? { leading: false } : {}),
  });
  await supervisor.start();
  const until = async (check: () => boolean, what: string, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    emulator,
    sources,
    supervisor,
    client,
    until,
    settle: (timeoutMs) => until(() => supervisor.settled, "the engine to settle", timeoutMs),
    writes: () =>
      Object.fromEntries(
        Object.entries(emulator.requests()).filter(([k]) =>
          k.startsWith("POST") || k.startsWith("PUT")
        ),
      ),
    stop: async () => {
      await supervisor.stop();
      await emulator.stop();
    },
  };
}

/** One endpoint group: `hosts` on `port` named `name`, each ready unless listed in `notReady`. */
export function group(
  hosts: readonly string[],
  options: { port?: number; name?: string; notReady?: readonly string[]; pods?: boolean } = {},
): EndpointGroup {
  return {
    addresses: hosts.map((address, i) => ({
      address,
      ready: !(options.notReady ?? []).includes(address),
      terminating: false,
      ...(options.pods === false ? {} : { podName: `pod-${i}` }),
    })),
    ports: [{ name: options.name ?? "http", port: options.port ?? 8080, protocol: "TCP" }],
  };
}
