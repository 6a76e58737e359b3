/**
 * The apiserver scenario: the whole path on a real kube-apiserver. It starts the test control plane
 * (tests/cluster's default: the current Kubernetes with its etcd and kube-controller-manager; the
 * figures in docs/BENCHMARKS.md from before were measured on v1.20.2), creates S Services × P ready
 * Pods and waits until kube-controller-manager has published their Endpoints and EndpointSlices.
 * Then it starts the Polaris emulator child and the real controller process (`main.ts`, mode `all`)
 * and measures first convergence (read from the emulator), requests by kind against the lower
 * bound, the controller's peak RSS (VmHWM), a restart with nothing changed, and a rolling change of
 * one Service's Pods with its pod-change → Polaris latency. Everything it starts is stopped before
 * it returns.
 *
 * @module
 */

import { runBounded } from "../../adapters/concurrency/limiter.ts";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { ClusterObjects } from "../../tests/cluster/objects.ts";
import { KubeReader } from "../../tests/cluster/kube_reader.ts";
import {
  createWorkload,
  sliceVersion as servedSliceVersion,
  waitEndpointsPublished,
} from "./api_objects.ts";
import type { ApiScenarioResult, ControllerRunFigures } from "./api_result.ts";
import { measureRollout } from "./api_rollout.ts";
import { type ApiPlan, planApiWorkload, TARGET_PORT } from "./api_workload.ts";
import type { ApiserverSpec } from "../bench_args.ts";
import { startControllerChild } from "../processes/controller_child.ts";
import {
  nothingWatched,
  stopFigures,
  type Watched,
  watchedResources,
  watchStart,
} from "../processes/controller_watch.ts";
import { EmulatorClient } from "../processes/emulator_client.ts";
import { startEmulatorProcess } from "../processes/emulator_process.ts";
import { phaseRequests } from "../scenario/phase_requests.ts";
import { writeLowerBound } from "../scenario/request_kinds.ts";
import type { PhaseRequests } from "../scenario/scenario_result.ts";

/** Options of {@linkcode runApiScenario}. */
export interface ApiScenarioOptions {
  /** V8 heap limit of the emulator child, MiB. */
  readonly maxHeapMb: number;
  /** Timeout of each waiting phase. */
  readonly timeoutMs: number;
  /** Requests to kube-apiserver in flight while creating the workload. */
  readonly concurrency?: number;
  readonly progress?: (message: string) => void;
}

/** The controller's clusterName in this scenario. */
export const API_CLUSTER_NAME = "bench-apiserver";
/** How long a restart must stay quiet after it settled, so late writes are counted too. */
const QUIET_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function meshYaml(polarisUrl: string): string {
  // Product defaults for everything else (debounce 200 ms, batch 100, concurrency 4, resync 5m).
  return [
    `serverAddress: ${polarisUrl}`,
    `clusterName: ${API_CLUSTER_NAME}`,
    "serviceSync:",
    "  mode: all",
    "",
  ].join("\n");
}

/** Services whose registered hosts (any state) differ from their Pods' IPs, sorted. */
async function mismatchedServices(emulator: EmulatorClient, plan: ApiPlan): Promise<string[]> {
  const bad: string[] = [];
  await runBounded(plan.services, 8, async (service) => {
    const rows = await emulator.serviceInstances(service.namespace, service.name);
    const seen = rows.filter((r) => r.clusterName === API_CLUSTER_NAME && !r.isolate)
      .map((r) => `${r.host}:${r.port}`).sort().join(",");
    const want = service.pods.map((p) => `${p.ip}:${TARGET_PORT}`).sort().join(",");
    if (seen !== want || rows.length !== service.pods.length) {
      bad.push(`${service.namespace}/${service.name}`);
    }
  });
  return bad.sort();
}

/** Runs the scenario; see the module documentation. */
export async function runApiScenario(
  spec: ApiserverSpec,
  options: ApiScenarioOptions,
): Promise<ApiScenarioResult> {
  const progress = options.progress ?? (() => {});
  const plan = planApiWorkload(spec);
  const errors: string[] = [];
  const minServices = plan.counts.services;
  const c0 = performance.now();
  const plane = await startControlPlane();
  const controlPlaneMs = performance.now() - c0;
  progress(`control plane (Kubernetes ${plane.version}) up in ${controlPlaneMs.toFixed(0)} ms`);
  const objects = new ClusterObjects(plane.kubeconfigPath);
  let reader: KubeReader | null = null;
  try {
    reader = new KubeReader(plane.kubeconfigPath);
    const sliceVersion = await servedSliceVersion(reader);
    const w0 = performance.now();
    const created = await createWorkload(objects, plan, {
      concurrency: options.concurrency ?? 16,
      progress,
    });
    const createMs = performance.now() - w0;
    progress(`created ${created.requests} objects/statuses in ${createMs.toFixed(0)} ms`);
    const p0 = performance.now();
    await waitEndpointsPublished(reader, plan, {
      timeoutMs: options.timeoutMs,
      sliceVersion,
      progress,
    });
    const publishMs = performance.now() - p0;
    progress(`Endpoints and EndpointSlices complete after ${publishMs.toFixed(0)} ms`);

    const emulatorProcess = await startEmulatorProcess(options.maxHeapMb);
    const emulator = new EmulatorClient(emulatorProcess.urls);
    try {
      // Phase 1: first convergence against an empty registry.
      const before = await emulator.requests();
      const t0 = performance.now();
      let controller = await startControllerChild({
        config: meshYaml(emulatorProcess.urls.polaris),
        kubeconfig: plane.kubeconfigPath,
      });
      let watched = nothingWatched();
      let resources: ApiScenarioResult["converge"]["resources"] = [];
      let convergeRequests: PhaseRequests;
      let first: ControllerRunFigures;
      try {
        watched = await watchStart(controller, emulator, t0, {
          instances: plan.counts.instances,
          minServices,
          timeoutMs: options.timeoutMs,
        });
        convergeRequests = phaseRequests(await emulator.requests(), before);
        resources = await watchedResources(controller);
      } finally {
        // Stopped whether or not it converged; VmHWM is read just before.
        first = await stopFigures(controller, watched);
      }
      const complete = !Number.isNaN(watched.instancesMs) && !Number.isNaN(watched.settledMs);
      if (!complete) {
        errors.push(
          `first convergence incomplete after ${options.timeoutMs} ms: ${watched.instancesSeen}/${plan.counts.instances} instances, settled ${!Number
            .isNaN(watched.settledMs)}; controller output ends with:\n${controller.tail()}`,
        );
      }
      const verified = await emulator.verify();
      const mismatched = await mismatchedServices(emulator, plan);
      if (
        verified.instances !== plan.counts.instances || verified.isolated !== 0 ||
        (verified.byCluster[API_CLUSTER_NAME] ?? 0) !== plan.counts.instances
      ) {
        errors.push(
          `verification: emulator holds ${verified.instances} instances (${verified.isolated} isolated), expected ${plan.counts.instances} ready`,
        );
      }
      if (mismatched.length > 0) {
        errors.push(
          `${mismatched.length} services differ from their Pods, first "${mismatched[0]}"`,
        );
      }
      progress(
        `converged: ${watched.instancesSeen} instances at ${watched.instancesMs.toFixed(0)} ms, ` +
          `settled at ${
            watched.settledMs.toFixed(0)
          } ms; controller stopped with ${first.exitCode}`,
      );

      // Phase 2: restart with nothing changed, then the rolling change on that process.
      let restart: ApiScenarioResult["restart"] = null;
      let rollout: ApiScenarioResult["rollout"] = null;
      if (complete) {
        const restartBefore = await emulator.requests();
        const r0 = performance.now();
        controller = await startControllerChild({
          config: meshYaml(emulatorProcess.urls.polaris),
          kubeconfig: plane.kubeconfigPath,
        });
        let rewatched: Watched | undefined;
        try {
          rewatched = await watchStart(controller, emulator, r0, {
            instances: null,
            minServices,
            timeoutMs: options.timeoutMs,
          });
          await sleep(QUIET_MS);
          const restartRequests = phaseRequests(await emulator.requests(), restartBefore);
          const restarted = !Number.isNaN(rewatched.settledMs);
          if (!restarted) errors.push("the restarted controller did not settle");
          progress(
            `restart settled at ${
              rewatched.settledMs.toFixed(0)
            } ms: ${restartRequests.kinds.writes} writes, ${restartRequests.kinds.reads} reads`,
          );
          if (restarted && spec.rolloutPods > 0) {
            const measured = await measureRollout(controller, objects, emulator, plan, {
              spec,
              minServices,
              quietMs: QUIET_MS,
              timeoutMs: options.timeoutMs,
            });
            const figures = measured.figures;
            rollout = figures;
            errors.push(...measured.errors);
            progress(
              `rolled ${spec.rolloutPods} pods: ${figures.requests.kinds.writes} writes, p50 ${
                figures.latency.p50Ms.toFixed(0)
              } ms`,
            );
          }
          restart = {
            complete: restarted,
            run: await stopFigures(controller, rewatched),
            requests: restartRequests,
            quietMs: QUIET_MS,
          };
        } finally {
          await controller.stop();
        }
      }
      const emulatorMemory = await emulator.memory().catch(() => null);
      return {
        shape: spec,
        counts: plan.counts,
        setup: {
          controlPlaneMs,
          createMs,
          createRequests: created.requests,
          publishMs,
          sliceVersion,
        },
        converge: {
          complete,
          instancesSeen: watched.instancesSeen,
          instancesMs: watched.instancesMs,
          run: first,
          requests: convergeRequests,
          lowerBound: writeLowerBound({
            namespaces: plan.counts.namespaces,
            services: plan.counts.services,
            aliases: 0,
            instanceCreates: plan.counts.instances,
            instanceUpdates: 0,
            instanceDeletes: 0,
          }),
          verified,
          mismatched,
          resources,
        },
        restart,
        rollout,
        emulatorRssBytes: emulatorMemory?.rss ?? null,
        errors,
      };
    } finally {
      await emulatorProcess.stop();
    }
  } finally {
    reader?.close();
    await objects.close();
    await plane.stop();
  }
}
