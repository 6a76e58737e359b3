/**
 * The rolling change of the apiserver scenario, on the real API server: for each Pod of the
 * rollout Service, a new Pod is created and set Ready, then an old Pod is deleted, one change every
 * `eventIntervalMs` on a fixed schedule. Each change is timed from the moment kube-apiserver
 * acknowledged it to the first read of the emulator, started after it, that shows it. That is the
 * whole path: kube-controller-manager's Endpoint and EndpointSlice writes, the watch to the
 * controller, its 200 ms debounce, the Polaris write, and a poll error of at most
 * `pollIntervalMs` plus one read.
 *
 * @module
 */

import type { ClusterObjects } from "../../tests/cluster/objects.ts";
import { createReadyPod } from "./api_objects.ts";
import type { ApiScenarioResult } from "./api_result.ts";
import { type ApiPlan, ROLLOUT_NAMESPACE, ROLLOUT_SERVICE, TARGET_PORT } from "./api_workload.ts";
import { ApplyTracker } from "./apply_tracker.ts";
import type { ApiserverSpec } from "../bench_args.ts";
import type { ControllerChild } from "../processes/controller_child.ts";
import { latencyHistogram, watchStart } from "../processes/controller_watch.ts";
import type { ControlInstance } from "../processes/emulator_child.ts";
import type { EmulatorClient } from "../processes/emulator_client.ts";
import { histogramDelta, quantileUpperBound } from "../processes/histogram_reading.ts";
import { type LatencySummary, summarizeLatencies } from "../report/percentile.ts";
import { phaseRequests } from "../scenario/phase_requests.ts";
import { writeLowerBound } from "../scenario/request_kinds.ts";

/** What the rolling change measured. */
export interface RollFigures {
  readonly events: number;
  /** From the first change made to the last one made. */
  readonly durationMs: number;
  readonly latency: LatencySummary;
  readonly unapplied: number;
  /** The Service ends with exactly its new Pods, all ready. */
  readonly verified: boolean;
}

type State = ReadonlyMap<string, ControlInstance>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces every Pod of the plan's rollout Service; see the module documentation. */
export async function rollPods(
  objects: ClusterObjects,
  emulator: EmulatorClient,
  plan: ApiPlan,
  options: {
    readonly eventIntervalMs: number;
    readonly pollIntervalMs: number;
    /** How long to wait for the last changes after the last one was made. */
    readonly timeoutMs: number;
  },
): Promise<RollFigures> {
  const service = plan.services.find((s) =>
    s.namespace === ROLLOUT_NAMESPACE && s.name === ROLLOUT_SERVICE
  );
  if (!service) throw new Error("Cannot roll Pods: the plan has no rollout Service");
  const key = (ip: string) => `${ip}:${TARGET_PORT}`;
  const tracker = new ApplyTracker<State>();
  const read = async (): Promise<State> => {
    const rows = await emulator.serviceInstances(ROLLOUT_NAMESPACE, ROLLOUT_SERVICE);
    return new Map(rows.map((r) => [`${r.host}:${r.port}`, r]));
  };
  let driving = true;
  let lastMadeAt = performance.now();
  const poller = (async () => {
    while (driving || tracker.pending > 0) {
      const startedAt = performance.now();
      const state = await read();
      const seenAt = performance.now();
      tracker.observe(state, { startedAt, seenAt });
      if (!driving && seenAt - lastMadeAt > options.timeoutMs) return;
      await sleep(options.pollIntervalMs);
    }
  })();
  const started = performance.now();
  let drivenMs = NaN;
  let slot = 0;
  const pace = () =>
    sleep(Math.max(0, started + ++slot * options.eventIntervalMs - performance.now()));
  try {
    for (let i = 0; i < service.pods.length && i < plan.rolloutNewPods.length; i++) {
      const fresh = plan.rolloutNewPods[i];
      await createReadyPod(objects, ROLLOUT_NAMESPACE, ROLLOUT_SERVICE, fresh);
      lastMadeAt = performance.now();
      tracker.add(
        `${fresh.name} ready`,
        lastMadeAt,
        (s) => s.get(key(fresh.ip))?.isolate === false,
      );
      await pace();
      const old = service.pods[i];
      await objects.deletePod(ROLLOUT_NAMESPACE, old.name);
      lastMadeAt = performance.now();
      tracker.add(`${old.name} deleted`, lastMadeAt, (s) => !s.has(key(old.ip)));
      await pace();
    }
    drivenMs = lastMadeAt - started;
  } finally {
    driving = false;
    await poller;
  }
  const latencies = tracker.latencies();
  const final = await read();
  const want = plan.rolloutNewPods.slice(0, service.pods.length).map((p) => key(p.ip)).sort();
  const verified = [...final.keys()].sort().join(",") === want.join(",") &&
    [...final.values()].every((r) => !r.isolate);
  return {
    events: tracker.size,
    durationMs: drivenMs,
    latency: summarizeLatencies(
      latencies.flatMap((l) => l.latencyMs === null ? [] : [l.latencyMs]),
    ),
    unapplied: tracker.pending,
    verified,
  };
}

/**
 * Runs {@linkcode rollPods} against a settled controller and measures it: the emulator's requests
 * from the first change until the controller has settled again and `quietMs` passed, the write
 * lower bound (one create and one delete item per Pod), and the controller's own sync-latency
 * histogram over the same time. Returns the figures and what went wrong.
 */
export async function measureRollout(
  controller: ControllerChild,
  objects: ClusterObjects,
  emulator: EmulatorClient,
  plan: ApiPlan,
  options: {
    readonly spec: ApiserverSpec;
    readonly minServices: number;
    readonly quietMs: number;
    readonly timeoutMs: number;
  },
): Promise<{ figures: NonNullable<ApiScenarioResult["rollout"]>; errors: string[] }> {
  const { spec } = options;
  const histogramBefore = await latencyHistogram(controller);
  const before = await emulator.requests();
  const rolled = await rollPods(objects, emulator, plan, {
    eventIntervalMs: spec.eventIntervalMs,
    pollIntervalMs: 20,
    timeoutMs: options.timeoutMs,
  });
  await watchStart(controller, emulator, performance.now(), {
    instances: null,
    minServices: options.minServices,
    timeoutMs: options.timeoutMs,
  });
  await sleep(options.quietMs);
  const requests = phaseRequests(await emulator.requests(), before);
  const histogramAfter = await latencyHistogram(controller);
  const delta = histogramAfter ? histogramDelta(histogramAfter, histogramBefore) : null;
  const errors: string[] = [];
  if (rolled.unapplied > 0) {
    errors.push(`rolling change: ${rolled.unapplied} changes never seen in Polaris`);
  }
  if (!rolled.verified) {
    errors.push("rolling change: the Service's instances differ from its new Pods");
  }
  return {
    errors,
    figures: {
      pods: spec.rolloutPods,
      events: rolled.events,
      durationMs: rolled.durationMs,
      latency: rolled.latency,
      unapplied: rolled.unapplied,
      requests,
      lowerBound: writeLowerBound({
        namespaces: 0,
        services: 0,
        aliases: 0,
        instanceCreates: spec.rolloutPods,
        instanceUpdates: 0,
        instanceDeletes: spec.rolloutPods,
      }),
      controllerLatency: delta && delta.count > 0
        ? {
          count: delta.count,
          meanMs: (delta.sum / delta.count) * 1000,
          p50UpperMs: quantileUpperBound(delta, 0.5) * 1000,
          p99UpperMs: quantileUpperBound(delta, 0.99) * 1000,
        }
        : null,
      verified: rolled.verified,
    },
  };
}
