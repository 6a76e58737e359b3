/**
 * An in-process engine wired to real parts: the Polaris emulator over HTTP on loopback, the real
 * Polaris client, writer and supervisor, and in-memory cluster sources the test scripts.
 *
 * Every timer of the engine (debounces, backoffs, lingers, the resync period, the listed-pass
 * window) runs on xstate's `SimulatedClock`, which only the test moves: `advance` and `until` step
 * it 10 ms at a time, giving the event loop one turn between steps so the engine's HTTP requests
 * to the emulator (real I/O, on real time) make progress. No engine test sleeps for a timer.
 *
 * @module
 */

import { MemorySource } from "../../adapters/memory/memory_source.ts";
import { PolarisClient } from "../../adapters/polaris/mod.ts";
import { type PolarisEmulator, startPolarisEmulator } from "../../emulator/mod.ts";
import { Supervisor } from "../../actors/supervisor.ts";
import { Writer } from "../../actors/writer.ts";
import type { EndpointGroup } from "../../domain/kubernetes.ts";
import type { LogFn } from "../../adapters/log/log_level.ts";
import { SimulatedClock } from "xstate";

/** A running engine and everything a test pokes at. */
export interface Engine {
  readonly emulator: PolarisEmulator;
  readonly sources: readonly MemorySource[];
  readonly supervisor: Supervisor;
  readonly client: PolarisClient;
  readonly writer: Writer;
  /** The engine's clock: moved only by `advance`, `until` and `settle`. */
  readonly clock: SimulatedClock;
  /** Moves the clock `ms` forward, a step at a time, letting I/O progress between steps. */
  advance(ms: number): Promise<void>;
  /**
   * Moves the clock a step at a time until `check` is true; throws once `timeoutMs` of real time
   * has passed (a bound on a hung test, not a timing the test relies on).
   */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** `until` the supervisor is settled. */
  settle(timeoutMs?: number): Promise<void>;
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
  /** Receives the supervisor's logs. */
  readonly log?: LogFn;
  /**
   * Each source lists within its `start()` (as the manifest-folder source does), so it reports
   * `synced` before `start()` returns; by default a source lists when the test says so.
   */
  readonly listOnStart?: boolean;
}

/** A memory source that finishes its first list inside `start()`, as a manifest folder does. */
export class ListingOnStart extends MemorySource {
  override async start(): Promise<void> {
    await super.start();
    this.markSynced();
  }
}

/** Starts the emulator and an engine over in-memory sources (not yet synced). */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const clock = new SimulatedClock();
  const emulator = options.emulator ?? await startPolarisEmulator();
  options.seed?.(emulator);
  const sources = (options.clusters ?? ["cluster-a"]).map((c) =>
    options.listOnStart ? new ListingOnStart(c) : new MemorySource(c)
  );
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
    clock,
    // As in actors/system.ts: a replica that does not lead sends nothing.
    gate: (): boolean => supervisor.leading,
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
    ...(options.log ? { hooks: { log: options.log } } : {}),
    clock,
  });
  await supervisor.start();
  const step = async (ms = STEP_MS) => {
    // One turn of the event loop for real I/O, then `ms` of engine time.
    await new Promise((resolve) => setTimeout(resolve, 1));
    clock.increment(ms);
  };
  const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await step();
    }
  };
  const advance = async (ms: number) => {
    for (let moved = 0; moved < ms; moved += STEP_MS) await step(Math.min(STEP_MS, ms - moved));
  };
  return {
    emulator,
    sources,
    supervisor,
    client,
    writer,
    clock,
    advance,
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

/** Engine time moved per step of `advance` and `until`. */
const STEP_MS = 10;

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
