/**
 * Watches one start of the controller child in the apiserver scenario: when its operator endpoints
 * first answer, when `/readyz` turns 200, when `/debug/overview` shows it settled, and (read from
 * the emulator's own count, never from the controller) when Polaris holds every instance. Also
 * reads its peak RSS before stopping it, what its cluster source watches, and its sync-latency
 * histogram.
 *
 * @module
 */

import { parseExposition } from "../../tests/metrics/parse_exposition.ts";
import type { ControllerRunFigures } from "../apiserver/api_result.ts";
import type { ControllerChild } from "./controller_child.ts";
import type { EmulatorClient } from "./emulator_client.ts";
import { type HistogramReading, readHistogram } from "./histogram_reading.ts";
import { overviewSettled } from "./overview_settled.ts";

const LATENCY_METRIC = "polaris_sync_sync_latency_seconds";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Timings of one controller start, from spawn (NaN: not reached). */
export interface Watched {
  listeningMs: number;
  readyMs: number;
  instancesMs: number;
  settledMs: number;
  instancesSeen: number;
}

/** A start that reached nothing (yet). */
export function nothingWatched(): Watched {
  return { listeningMs: NaN, readyMs: NaN, instancesMs: NaN, settledMs: NaN, instancesSeen: 0 };
}

/**
 * Polls the controller every 100 ms until it has settled and, with `instances`, the emulator's
 * own count every 20 ms until it reaches that many; NaN for what was not reached in `timeoutMs`.
 */
export async function watchStart(
  controller: ControllerChild,
  emulator: EmulatorClient,
  startedAt: number,
  options: { instances: number | null; minServices: number; timeoutMs: number },
): Promise<Watched> {
  const out = nothingWatched();
  let exited = false;
  controller.exited.then(() => exited = true);
  const deadline = startedAt + options.timeoutMs;
  const open = () => performance.now() < deadline && !exited;
  const counting = (async () => {
    if (options.instances === null) return;
    while (open()) {
      out.instancesSeen = await emulator.instanceCount();
      if (out.instancesSeen >= options.instances) {
        out.instancesMs = performance.now() - startedAt;
        return;
      }
      await sleep(20);
    }
  })();
  while (open()) {
    try {
      if (Number.isNaN(out.readyMs)) {
        const status = (await controller.get("/readyz")).status;
        if (Number.isNaN(out.listeningMs)) out.listeningMs = performance.now() - startedAt;
        if (status === 200) out.readyMs = performance.now() - startedAt;
      }
      if (Number.isNaN(out.settledMs)) {
        const overview = await controller.get("/debug/overview");
        if (
          overview.status === 200 && overviewSettled(overview.body as never, options.minServices)
        ) {
          out.settledMs = performance.now() - startedAt;
        }
      }
    } catch {
      // Not listening yet: the process is still loading.
    }
    if (!Number.isNaN(out.settledMs) && !Number.isNaN(out.readyMs)) break;
    await sleep(100);
  }
  await counting;
  return out;
}

/** Reads the child's VmHWM, stops it with SIGTERM and returns the figures of its run. */
export async function stopFigures(
  controller: ControllerChild,
  watched: Watched,
): Promise<ControllerRunFigures> {
  const memory = await controller.memory();
  const exitCode = await controller.stop();
  return {
    listeningMs: watched.listeningMs,
    readyMs: watched.readyMs,
    settledMs: watched.settledMs,
    peakRssBytes: memory?.peakRssBytes ?? null,
    exitCode,
    lines: controller.lineCounts(),
  };
}

/** What the controller's cluster source watches (`/debug/clusters`): resource and objects. */
export async function watchedResources(
  controller: ControllerChild,
): Promise<{ resource: string; objects: number }[]> {
  const { body } = await controller.get("/debug/clusters");
  const clusters = body as { resources?: { resource: string; objects: number }[] }[];
  return clusters.flatMap((c) =>
    (c.resources ?? []).map((r) => ({ resource: r.resource, objects: r.objects }))
  );
}

/** Reads the controller's own `polaris_sync_sync_latency_seconds` from `/metrics`. */
export async function latencyHistogram(
  controller: ControllerChild,
): Promise<HistogramReading | null> {
  const page = await controller.get("/metrics");
  return readHistogram(parseExposition(page.text), LATENCY_METRIC);
}
