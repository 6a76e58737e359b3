/**
 * One benchmark scenario, run as its own process (the "controller process" whose memory is
 * measured): generates the clusters into `MemorySource`s, runs the real engine
 * (`createSystem`) against the emulator child over loopback HTTP, and measures first convergence,
 * two rolling updates, a restart with nothing changed and an idle resync. Prints one JSON line,
 * a {@linkcode ScenarioResult}, as the last line of stdout; progress goes to stderr.
 *
 * `deno run --allow-all --v8-flags=--expose-gc bench/scenario_run.ts --polaris URL --control URL
 *  --services 1000 --endpoints 10 --clusters 1`
 *
 * @module
 */

import { loadConfig } from "../../adapters/config/load_config.ts";
import type { Config } from "../../adapters/config/config.ts";
import { createLogger } from "../../adapters/log/mod.ts";
import { MemorySource } from "../../adapters/memory/memory_source.ts";
import { createSystem, type System } from "../../actors/system.ts";
import { EmulatorClient } from "../processes/emulator_client.ts";
import { MemorySampler } from "../processes/memory_sampler.ts";
import { UsageSteps } from "../processes/usage_steps.ts";
import { summarizeLatencies } from "../report/percentile.ts";
import { classifyRequests, counterDelta, writeLowerBound } from "./request_kinds.ts";
import { rollService } from "./rolling_update.ts";
import type { PhaseRequests, RolloutFigures, ScenarioResult } from "./scenario_result.ts";
import { parseScenarioArgs, type ScenarioArgs } from "./scenario_args.ts";
import { clusterNameOf, fillSources, ROLLOUT_NAMESPACE } from "./workload.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function progress(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs V8's collector when the process was started with `--expose-gc`. */
function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function heapNow(): number {
  collect();
  return Deno.memoryUsage().heapUsed;
}

/** Builds the Config the way `main.ts` does, from flags and a config file held in memory. */
function benchConfig(polarisUrl: string, resyncPeriod: string, token?: string): Config {
  const yaml = [
    ...(token === undefined ? [] : [`accessToken: ${token}`]),
    "serviceSync:",
    "  mode: all",
    `  resyncPeriod: ${resyncPeriod}`,
  ].join("\n");
  const result = loadConfig(
    [
      "--config",
      "bench.yaml",
      "--cluster-name",
      clusterNameOf(0),
      "--polaris-address",
      polarisUrl,
      "--log-level",
      "warn",
    ],
    { env: {}, readTextFile: () => yaml, inCluster: true },
  );
  if (result.kind !== "config") {
    throw new Error(`Cannot build the benchmark config: ${JSON.stringify(result)}`);
  }
  return result.config;
}

const showWarn = Deno.env.get("BENCH_SHOW_WARN") === "1";

/** Counts the controller's log lines (warn and above) and keeps the first few. */
class LogTap {
  lines = 0;
  sweepFailures = 0;
  readonly first: string[] = [];
  write = (line: string) => {
    this.lines++;
    if (line.includes("sweep failed")) this.sweepFailures++;
    if (this.first.length < 5) this.first.push(line.slice(0, 400));
    // BENCH_SHOW_WARN=1: every warn line on stderr as it comes (a run that never settles).
    if (showWarn) console.error(line.slice(0, 1000));
  };
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}

function phaseRequests(
  after: Record<string, number>,
  before: Record<string, number>,
): PhaseRequests {
  const raw = counterDelta(after, before);
  return { raw, kinds: classifyRequests(raw) };
}

/**
 * With `BENCH_CPU_PROFILE=<file>`, a V8 CPU profile of the restart phase (the inspector's
 * Profiler, through `node:inspector`), written as a `.cpuprofile` Chrome DevTools opens.
 */
async function startCpuProfile(
  path: string | undefined,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (!path) return undefined;
  const { Session } = await import("node:inspector");
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(
        method,
        (error: unknown, result: unknown) => error ? reject(error) : resolve(result),
      )
    );
  await post("Profiler.enable");
  await post("Profiler.start");
  return {
    async stop() {
      const { profile } = await post("Profiler.stop") as { profile: unknown };
      await Deno.writeTextFile(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function runScenario(args: ScenarioArgs): Promise<ScenarioResult> {
  const emulator = new EmulatorClient(
    { polaris: args.polaris, control: args.control, token: args.token },
    Array.from({ length: args.clusters }, (_, i) => clusterNameOf(i)),
  );
  const usage = new UsageSteps(() => emulator.usage());
  const sampler = new MemorySampler();
  sampler.start(args.sampleMs);
  const errors: string[] = [];
  const log = new LogTap();
  const logger = createLogger({ level: "warn", format: "json", write: log.write });
  const heapBaseline = heapNow();
  /**
   * Heap after GC once the previous system is stopped and unreferenced (taken right after the
   * next one is built, not started): growth here is memory a stopped system kept.
   */
  const heapAfterStops: number[] = [];
  let current: System | null = null;
  let phase = "generate";
  const watchdog = setInterval(() => {
    if (!current) return;
    const states = Object.entries(current.supervisor.countByState()).filter(([, n]) => n > 0);
    progress(
      `${phase}: actors ${JSON.stringify(Object.fromEntries(states))}, supervisor ${
        JSON.stringify(current.supervisor.supervisorStatus())
      }, warn lines ${log.lines}`,
    );
  }, args.watchdogMs);

  sampler.enter("generate");
  const sources = Array.from(
    { length: args.clusters },
    (_, i) => new MemorySource(clusterNameOf(i)),
  );
  const counts = fillSources(sources, {
    services: args.services,
    endpoints: args.endpoints,
    clusters: args.clusters,
    aliasEvery: args.aliasEvery,
    rollouts: args.rollouts,
  });
  const heapAfterGenerate = heapNow();
  progress(`generated ${counts.services} services, ${counts.instances} instances`);

  // Phase 1: first convergence against an empty registry.
  sampler.enter("converge");
  await usage.mark("generate");
  let system: System = createSystem({
    config: benchConfig(args.polaris, "5m", args.token),
    log: logger,
    sources,
  });
  const before = await emulator.requests();
  const t0 = performance.now();
  await system.start();
  for (const source of sources) source.markSynced();
  let instancesSeen = 0;
  const registered = await until(
    async () => {
      instancesSeen = await emulator.instanceCount();
      return instancesSeen >= counts.instances;
    },
    args.timeoutMs,
    100,
  );
  const instancesMs = performance.now() - t0;
  const settled = registered &&
    await until(() => system.supervisor.settled, args.timeoutMs, 20);
  const settledMs = performance.now() - t0;
  const convergeRequests = phaseRequests(await emulator.requests(), before);
  if (!registered) {
    errors.push(
      `first convergence did not finish in ${args.timeoutMs} ms: ${instancesSeen} of ${counts.instances} instances registered`,
    );
  } else if (!settled) errors.push(`the engine did not settle in ${args.timeoutMs} ms`);
  progress(
    `converged: ${instancesSeen}/${counts.instances} instances in ${instancesMs.toFixed(0)} ms`,
  );
  const verified = await emulator.verify();
  if (verified.instances !== counts.instances || verified.isolated !== 0) {
    errors.push(
      `verification: emulator holds ${verified.instances} instances (${verified.isolated} isolated), expected ${counts.instances} ready`,
    );
  }
  const heapAfterConverge = heapNow();
  const lowerBound = writeLowerBound({
    namespaces: counts.namespaces,
    services: counts.services,
    aliases: counts.aliases,
    instanceCreates: counts.instances,
    instanceUpdates: 0,
    instanceDeletes: 0,
  });

  await usage.mark("converge");

  // Phase 2: rolling updates in the first cluster.
  const rollouts: RolloutFigures[] = [];
  let firstAddress = 1 << 16;
  for (const pods of registered ? args.rollouts : []) {
    sampler.enter(`rollout-${pods}`);
    phase = `rollout-${pods}`;
    const start = await emulator.requests();
    const name = `rollout-${pods}`;
    const result = await rollService({
      source: sources[0],
      namespace: ROLLOUT_NAMESPACE,
      service: name,
      pods,
      firstAddress,
      eventIntervalMs: args.eventIntervalMs,
      pollIntervalMs: 10,
      timeoutMs: Math.max(30_000, pods * 100),
      read: () => emulator.serviceInstances(ROLLOUT_NAMESPACE, name),
    });
    firstAddress += pods;
    await until(() => system.supervisor.settled, 60_000, 20);
    const requests = phaseRequests(await emulator.requests(), start);
    if (result.unapplied > 0) errors.push(`${name}: ${result.unapplied} events never seen applied`);
    rollouts.push({
      pods,
      events: result.events,
      durationMs: result.durationMs,
      latency: summarizeLatencies(result.latenciesMs),
      requests,
      lowerBound: writeLowerBound({
        namespaces: 0,
        services: 0,
        aliases: 0,
        instanceCreates: pods,
        instanceUpdates: pods,
        instanceDeletes: pods,
      }),
    });
    progress(
      `rolled ${name}: ${requests.kinds.writes} writes for ${result.events} events` +
        (result.failedPolls > 0 ? ` (${result.failedPolls} of the benchmark's polls failed)` : ""),
    );
  }
  await usage.mark("rollouts");
  await system.stop();

  // Phase 3: restart with nothing changed (same sources, same emulator state).
  sampler.enter("restart");
  system = createSystem({
    config: benchConfig(args.polaris, "5m", args.token),
    log: logger,
    sources,
  });
  current = system;
  heapAfterStops.push(heapNow());
  phase = "restart";
  const restartBefore = await emulator.requests();
  const profile = await startCpuProfile(Deno.env.get("BENCH_CPU_PROFILE"));
  const r0 = performance.now();
  await system.start();
  let restartSweptMs = NaN;
  const restartSettled = registered &&
    await until(
      () => {
        if (Number.isNaN(restartSweptMs) && system.supervisor.supervisorStatus().sweeps > 0) {
          restartSweptMs = performance.now() - r0;
        }
        return system.supervisor.settled;
      },
      args.timeoutMs,
      20,
    );
  const restartMs = performance.now() - r0;
  await profile?.stop();
  const restartRequests = phaseRequests(await emulator.requests(), restartBefore);
  if (registered && !restartSettled) errors.push("the restarted engine did not settle");
  await usage.mark("restart");
  await system.stop();
  progress(`restart settled in ${restartMs.toFixed(0)} ms`);

  // Phase 4: an idle resync, on a third system with a short resync period.
  sampler.enter("idle-resync");
  const resyncPeriodMs = Math.max(args.idleResyncMs, Math.min(120_000, Math.ceil(restartMs * 1.5)));
  system = createSystem({
    config: benchConfig(args.polaris, `${resyncPeriodMs}ms`, args.token),
    log: logger,
    sources,
  });
  current = system;
  heapAfterStops.push(heapNow());
  phase = "idle-resync";
  await system.start();
  let resyncRequests: PhaseRequests | null = null;
  let resyncMs = NaN;
  let overlapped = false;
  if (registered && await until(() => system.supervisor.settled, args.timeoutMs, 20)) {
    overlapped = system.supervisor.supervisorStatus().resyncs > 0;
    const idleBefore = await emulator.requests();
    const resyncs = system.supervisor.supervisorStatus().resyncs;
    await until(
      () => system.supervisor.supervisorStatus().resyncs > resyncs,
      resyncPeriodMs + args.timeoutMs,
      20,
    );
    const i0 = performance.now();
    await until(() => system.supervisor.settled, args.timeoutMs, 20);
    resyncMs = performance.now() - i0;
    resyncRequests = phaseRequests(await emulator.requests(), idleBefore);
  }
  await usage.mark("idle-resync");
  await system.stop();
  clearInterval(watchdog);
  // Cost of one page of each listing the engine sends, measured last (these requests are not
  // part of any phase's figures).
  const probes: Record<string, number> = {};
  if (registered) {
    const page = "offset=0&limit=100";
    const owner = `keys=clusterName,source&values=${clusterNameOf(0)},polaris-controller`;
    for (
      const [name, query] of [
        ["service page", `namespace=bench-ns-0&service=svc-0&${page}`],
        ["namespace page", `namespace=bench-ns-0&${page}`],
        ["owned-instances page (sweep)", `${owner}&${page}`],
      ]
    ) {
      const p0 = performance.now();
      const response = await fetch(`${args.polaris}/naming/v1/instances?${query}`, {
        headers: args.token === undefined ? {} : { "X-Polaris-Token": args.token },
      });
      await response.arrayBuffer();
      probes[name] = performance.now() - p0;
    }
  }
  sampler.enter("done");
  sampler.stop();
  const emulatorMemory = await emulator.memory();

  return {
    shape: {
      services: args.services,
      endpoints: args.endpoints,
      clusters: args.clusters,
      aliasEvery: args.aliasEvery,
      eventIntervalMs: args.eventIntervalMs,
    },
    counts,
    converge: {
      complete: registered && settled,
      instancesSeen,
      instancesMs,
      settledMs,
      requests: convergeRequests,
      lowerBound,
      verified,
    },
    rollouts,
    restart: {
      settled: restartSettled,
      ms: restartMs,
      sweptMs: restartSweptMs,
      requests: restartRequests,
    },
    idleResync: {
      periodMs: resyncPeriodMs,
      overlapped,
      settleMs: resyncMs,
      requests: resyncRequests,
    },
    memory: {
      overall: sampler.overall(),
      phases: sampler.phases(),
      heapBaselineBytes: heapBaseline,
      heapAfterGenerateBytes: heapAfterGenerate,
      heapAfterConvergeBytes: heapAfterConverge,
      heapAfterStopsBytes: heapAfterStops,
      emulatorRssBytes: emulatorMemory.rss,
    },
    usage: usage.steps(),
    probesMs: probes,
    log: { lines: log.lines, sweepFailures: log.sweepFailures, first: log.first },
    errors,
  };
}

if (import.meta.main) {
  const args = parseScenarioArgs(Deno.args);
  const result = await runScenario(args);
  console.log(JSON.stringify(result));
  // Timers of stopped actors may linger; the result is out, so end now.
  Deno.exit(0);
}
