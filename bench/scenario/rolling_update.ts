/**
 * Rolls one Service's pods through a `MemorySource`, as a Deployment's rolling update shows up in
 * an EndpointSlice: per pod, a new pod appears not ready, becomes ready, then an old pod goes, one
 * event every `eventIntervalMs`. Meanwhile the emulator is polled and every event is timed from the
 * moment it was sent to the first poll that shows it (or a later state) in Polaris.
 *
 * @module
 */

import type { MemorySource } from "../../adapters/memory/memory_source.ts";
import type { ControlInstance } from "../processes/emulator_child.ts";
import { addressOf, rolloutGroup, type RolloutPod } from "./workload.ts";

/** One scripted change and how to see it applied. */
interface ScriptedEvent {
  readonly sentAt: number;
  readonly applied: (state: ReadonlyMap<string, ControlInstance>) => boolean;
  appliedAt: number | null;
}

/** Options of {@linkcode rollService}. */
export interface RollOptions {
  readonly source: MemorySource;
  readonly namespace: string;
  readonly service: string;
  readonly pods: number;
  /** Index of the first new pod's address in the rollout pool (must not meet the old pods'). */
  readonly firstAddress: number;
  readonly eventIntervalMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly read: () => Promise<ControlInstance[]>;
}

/** What a rolling update measured. */
export interface RollResult {
  readonly events: number;
  /** Event → seen-in-Polaris latencies, ms, in event order (unapplied events left out). */
  readonly latenciesMs: readonly number[];
  readonly unapplied: number;
  readonly durationMs: number;
  readonly polls: number;
  /** Polls whose read of Polaris failed (a real server's listing moving under the rollout). */
  readonly failedPolls: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the rolling update and resolves once every event is seen in Polaris or `timeoutMs` passed
 * after the last one. The Service must hold `pods` ready pods `rollout-<pods>-old-<i>` (as
 * `fillSources` makes them) whose addresses are the rollout pool's `[firstAddress - pods, …)`.
 */
export async function rollService(options: RollOptions): Promise<RollResult> {
  const { source, namespace, service, pods } = options;
  const oldPods: RolloutPod[] = source.endpoints(namespace, service)[0].addresses.map((a) => ({
    podName: a.podName ?? a.address,
    address: a.address,
    ready: a.ready,
  }));
  const newPods: RolloutPod[] = [];
  const events: ScriptedEvent[] = [];
  const key = (host: string) => `${host}:8080`;
  const push = (applied: ScriptedEvent["applied"]) => {
    source.setEndpoints(namespace, service, [rolloutGroup([...oldPods, ...newPods])]);
    events.push({ sentAt: performance.now(), applied, appliedAt: null });
  };
  let polls = 0;
  let failedPolls = 0;
  let driving = true;
  const poller = (async () => {
    while (true) {
      const pending = events.filter((e) => e.appliedAt === null);
      if (!driving && pending.length === 0) return;
      let rows: Awaited<ReturnType<typeof options.read>>;
      try {
        rows = await options.read();
      } catch {
        // A real server's paged listing can fail while the rollout writes move it (the read is
        // the benchmark's, not the controller's): this poll saw nothing; the next one looks again.
        failedPolls++;
        await sleep(options.pollIntervalMs);
        continue;
      }
      const seenAt = performance.now();
      polls++;
      const state = new Map(rows.map((r) => [`${r.host}:${r.port}`, r]));
      for (const event of pending) if (event.applied(state)) event.appliedAt = seenAt;
      if (!driving && events.every((e) => e.appliedAt !== null)) return;
      if (!driving && seenAt - events[events.length - 1].sentAt > options.timeoutMs) return;
      await sleep(options.pollIntervalMs);
    }
  })();
  const started = performance.now();
  // Events keep to a fixed schedule (event k at started + k * interval), so a busy event loop
  // delays single events but does not stretch the whole update.
  let sent = 0;
  const pace = () =>
    sleep(Math.max(0, started + ++sent * options.eventIntervalMs - performance.now()));
  for (let i = 0; i < pods; i++) {
    const address = addressOf(1, 0, options.firstAddress + i);
    const pod = { podName: `${service}-new-${i}`, address, ready: false };
    newPods.push(pod);
    push((s) => s.has(key(address)));
    await pace();
    newPods[newPods.length - 1] = { ...pod, ready: true };
    push((s) => s.get(key(address))?.isolate === false);
    await pace();
    const gone = oldPods.shift();
    if (gone) push((s) => !s.has(key(gone.address)));
    await pace();
  }
  driving = false;
  await poller;
  const applied = events.filter((e) => e.appliedAt !== null);
  return {
    events: events.length,
    latenciesMs: applied.map((e) => (e.appliedAt as number) - e.sentAt),
    unapplied: events.length - applied.length,
    durationMs: performance.now() - started,
    polls,
    failedPolls,
  };
}
