/**
 * Runs a chaos schedule end to end. Set-up: cluster a (etcd, kube-apiserver and
 * kube-controller-manager of the current Kubernetes), cluster b (etcd and kube-apiserver only:
 * its EndpointSlices are written by the harness), both with the watch cache off so an etcd
 * compaction turns resumed watches into 410 Gone; a real PolarisMesh server; one fault proxy per
 * replica; a TCP relay per cluster that the replicas dial; the replicas (`main.ts` processes, one
 * `clusters:` list of both clusters, leader election on a Lease in cluster a). Then per cycle:
 * the cycle's churn and faults at their times, a quiet period (faults cleared, every replica
 * running) that waits for the registry to equal the expectation, and the audits of every write.
 *
 * @module
 */

import { type ControlPlane, startControlPlane } from "../tests/cluster/control_plane.ts";
import { type FaultProxy, startFaultProxy } from "../tests/polaris/fault_proxy.ts";
import { type PolarisTarget, startRealPolaris } from "../tests/polaris/polaris_target.ts";
import type { ChaosArgs } from "./chaos_args.ts";
import type { ChaosRunResult, CycleResult } from "./chaos_result.ts";
import type { ChurnOp } from "./churn_model.ts";
import { ensureNamespace, ensureNode, runChurnOp } from "./churn_runner.ts";
import {
  compareRegistry,
  type Comparison,
  type ForeignBaseline,
  totalOf,
  zeroCounts,
} from "./compare.ts";
import { computeExpectation, type Expectation } from "./expectation.ts";
import { type FaultRecord, type FaultTargets, runFault } from "./fault_runner.ts";
import { KubeApi } from "./kube_api.ts";
import { readKubeObjects } from "./kube_snapshot.ts";
import { startLagMonitor } from "./lag_monitor.ts";
import { leaseViolations, type ReplicaWrite } from "./lease_audit.ts";
import { startLeasePoller } from "./lease_poller.ts";
import type { ChaosOwner } from "./polaris_objects.ts";
import { type PolarisServerRef, readPolaris } from "./polaris_reader.ts";
import { Replica } from "./replica.ts";
import { convergenceByKind, countBy, runTotals } from "./run_figures.ts";
import { generateSchedule, type Schedule } from "./schedule.ts";
import { startTcpCutter, type TcpCutter } from "./tcp_cutter.ts";
import { wrongfulWrites } from "./write_audit.ts";

/** The controllers' clusterNames, in their `clusters:` order. */
export const CLUSTER_NAMES = { a: "chaos-a", b: "chaos-b" } as const;
/** Lease settings of the replicas (short, so leader faults resolve within a cycle). */
export const LEASE = {
  namespace: "polaris-system",
  name: "chaos-lease",
  durationMs: 4000,
} as const;
/** The replicas' Polaris request timeout. */
export const POLARIS_TIMEOUT_MS = 2000;

const OWNER: ChaosOwner = {
  clusterNames: [CLUSTER_NAMES.a, CLUSTER_NAMES.b],
  source: "polaris-controller",
  aliasMarker: "managed by polaris-k8s-sync",
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function replicaConfig(
  proxyUrl: string,
  token: string,
  kubeconfigs: readonly string[],
  id: string,
) {
  return [
    `serverAddress: ${proxyUrl}`,
    `accessToken: ${JSON.stringify(token)}`,
    "serviceSync:",
    "  mode: all",
    "  debounce: 50ms",
    "  resyncPeriod: 10s",
    "  backoffBase: 100ms",
    "  backoffMax: 2s",
    "clusters:",
    `  - clusterName: ${CLUSTER_NAMES.a}`,
    `    kubeconfig: ${kubeconfigs[0]}`,
    `  - clusterName: ${CLUSTER_NAMES.b}`,
    `    kubeconfig: ${kubeconfigs[1]}`,
    "leaderElection:",
    "  enabled: true",
    `  namespace: ${LEASE.namespace}`,
    `  name: ${LEASE.name}`,
    `  leaseDuration: ${LEASE.durationMs / 1000}s`,
    "  renewDeadline: 3s",
    "  retryPeriod: 1s",
    `  identity: ${id}`,
    "polaris:",
    `  timeout: ${POLARIS_TIMEOUT_MS / 1000}s`,
    "",
  ].join("\n");
}

/** A kubeconfig like the plane's, dialling the relay instead of the API server. */
async function relayedKubeconfig(plane: ControlPlane, cutter: TcpCutter, path: string) {
  const text = await Deno.readTextFile(plane.kubeconfigPath);
  await Deno.writeTextFile(path, text.replaceAll(plane.server, `https://127.0.0.1:${cutter.port}`));
  return path;
}

function fingerprint(expectation: Expectation): string {
  return JSON.stringify([
    [...expectation.instances].map(([k, m]) => [k, [...m].sort()]).sort(),
    [...expectation.aliases].sort(),
  ]);
}

/** Everything one run holds. */
interface World {
  readonly schedule: Schedule;
  readonly apis: { readonly a: KubeApi; readonly b: KubeApi };
  readonly server: PolarisServerRef;
  readonly foreign: ForeignBaseline;
}

async function expectationNow(world: World): Promise<Expectation> {
  const [a, b] = await Promise.all([
    readKubeObjects(world.apis.a),
    readKubeObjects(world.apis.b),
  ]);
  return computeExpectation([
    { clusterName: CLUSTER_NAMES.a, objects: a },
    { clusterName: CLUSTER_NAMES.b, objects: b },
  ]);
}

/**
 * Waits for the registry to equal the expectation. A comparison counts only when the Kubernetes
 * side read the same before and after the Polaris read (nothing moved under it).
 */
async function converge(
  world: World,
  timeoutMs: number,
): Promise<{ ms: number | null; comparison: Comparison; error: string | null }> {
  const start = Date.now();
  let last: Comparison | null = null;
  let error: string | null = null;
  while (true) {
    try {
      const before = await expectationNow(world);
      const snapshot = await readPolaris(world.server);
      const after = await expectationNow(world);
      if (fingerprint(before) === fingerprint(after)) {
        last = compareRegistry(after, snapshot, OWNER, world.foreign);
        error = null;
        if (totalOf(last.counts) === 0) return { ms: Date.now() - start, comparison: last, error };
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() - start > timeoutMs) {
      return { ms: null, comparison: last ?? { counts: zeroCounts(), findings: [] }, error };
    }
    await sleep(500);
  }
}

async function seedForeign(polaris: PolarisTarget, world: Omit<World, "foreign">) {
  const { schedule } = world;
  await polaris.seedInstances(schedule.foreignInstances.map((f) => ({
    namespace: f.namespace,
    service: f.service,
    host: f.host,
    port: f.port,
    protocol: "http/TCP",
    metadata: f.metadata,
  })));
  await polaris.seedAliases([schedule.foreignAlias]);
  const snapshot = await readPolaris(world.server);
  const keys = new Set(
    schedule.foreignInstances.map((f) => `${f.namespace}/${f.service}/${f.host}:${f.port}`),
  );
  const instances = snapshot.instances.filter((i) =>
    keys.has(`${i.namespace}/${i.service}/${i.host}:${i.port}`)
  );
  if (instances.length !== keys.size) {
    throw new Error(
      `Cannot seed the foreign instances: ${instances.length} of ${keys.size} read back`,
    );
  }
  const aliases = snapshot.aliases.filter((a) =>
    a.alias === schedule.foreignAlias.alias &&
    a.aliasNamespace === schedule.foreignAlias.aliasNamespace
  );
  return { instances, aliases };
}

async function commandText(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}

/** Runs the churn of one cycle at its times, one operation after another. */
async function runChurn(
  world: World,
  ops: readonly { atMs: number; op: ChurnOp }[],
  t0: number,
) {
  const outcomes: { op: ChurnOp; done: boolean; reason: string }[] = [];
  for (const { atMs, op } of ops) {
    const wait = t0 + atMs - Date.now();
    if (wait > 0) await sleep(wait);
    try {
      const outcome = await runChurnOp(world.apis, op);
      outcomes.push({ op, done: outcome.done, reason: outcome.done ? "" : outcome.reason });
    } catch (error) {
      outcomes.push({
        op,
        done: false,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcomes;
}

/** Runs `args`' schedule; `log` gets progress lines. */
export async function runChaos(
  args: ChaosArgs,
  log: (line: string) => void,
): Promise<ChaosRunResult> {
  const startedAt = new Date();
  const t0 = Date.now();
  const schedule = generateSchedule(args.seed, {
    cycles: args.cycles,
    activeMs: args.activeMs,
    faultsPerCycle: args.faultsPerCycle,
    leaseDurationMs: LEASE.durationMs,
    polarisTimeoutMs: POLARIS_TIMEOUT_MS,
  });
  const churnPlanned = schedule.cycles.reduce((n, c) => n + c.churn.length, 0);
  log(
    `schedule ${schedule.hash} (seed ${schedule.seed}): ${schedule.cycles.length} cycles, ${churnPlanned} churn operations, ${
      schedule.cycles.reduce((n, c) => n + c.faults.length, 0)
    } faults, ${schedule.foreignInstances.length} foreign instances`,
  );
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-chaos-" });
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const started = await Promise.allSettled([
      startControlPlane({ watchCache: false }),
      startControlPlane({ watchCache: false, withControllerManager: false }),
      startRealPolaris(),
    ]);
    for (const s of started) {
      if (s.status === "fulfilled") cleanups.push(() => s.value.stop());
    }
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const planeA = (started[0] as PromiseFulfilledResult<ControlPlane>).value;
    const planeB = (started[1] as PromiseFulfilledResult<ControlPlane>).value;
    const polaris = (started[2] as PromiseFulfilledResult<PolarisTarget>).value;
    log(
      `started: kube-apiserver ${planeA.version} (a with kube-controller-manager, b without), Polaris ${polaris.serverUrl}`,
    );

    const apis = { a: new KubeApi(planeA.kubeconfigPath), b: new KubeApi(planeB.kubeconfigPath) };
    cleanups.push(() => {
      apis.a.close();
      apis.b.close();
    });
    await ensureNode(apis.a);
    await ensureNamespace(apis.a, LEASE.namespace);
    const cutters = [planeA, planeB].map((plane) =>
      startTcpCutter("127.0.0.1", Number(new URL(plane.server).port))
    );
    cleanups.push(() => cutters.forEach((c) => c.stop()));
    const kubeconfigs = [
      await relayedKubeconfig(planeA, cutters[0], `${dir}/kubeconfig-a`),
      await relayedKubeconfig(planeB, cutters[1], `${dir}/kubeconfig-b`),
    ];
    const server: PolarisServerRef = {
      url: polaris.serverUrl,
      token: polaris.token,
      dir: polaris.server.dir,
    };
    const foreign = await seedForeign(polaris, { schedule, apis, server });
    const world: World = { schedule, apis, server, foreign };

    for (const op of schedule.warmup) {
      const outcome = await runChurnOp(apis, op);
      if (!outcome.done) throw new Error(`Cannot run the warm-up: ${outcome.reason}`);
    }
    const proxies: FaultProxy[] = [polaris];
    for (let i = 1; i < args.replicas; i++) {
      const proxy = await startFaultProxy(polaris.serverUrl);
      proxies.push(proxy);
      cleanups.push(() => proxy.stop());
    }
    const replicas = proxies.map((proxy, i) => {
      const id = `replica-${i + 1}`;
      return new Replica(id, dir, replicaConfig(proxy.url, polaris.token, kubeconfigs, id));
    });
    cleanups.push(async () => {
      await Promise.all(replicas.map((r) => r.stop()));
    });
    const leaseApi = new KubeApi(planeA.kubeconfigPath, 2000);
    cleanups.push(() => leaseApi.close());
    const poller = startLeasePoller(leaseApi, LEASE.namespace, LEASE.name);
    cleanups.push(() => poller.stop());
    const lag = startLagMonitor();
    cleanups.push(() => lag.stop());

    for (const replica of replicas) replica.start();
    const readyBy = Date.now() + 120_000;
    for (const replica of replicas) {
      while (!(await replica.ready())) {
        if (Date.now() > readyBy || !replica.running) {
          throw new Error(`Cannot start ${replica.identity}:\n${replica.logTail(40)}`);
        }
        await sleep(200);
      }
    }
    const startupMs = Date.now() - t0;
    const first = await converge(world, 60_000);
    log(
      `replicas ready after ${(startupMs / 1000).toFixed(1)} s; first convergence ${
        first.ms === null ? "timed out" : `${first.ms} ms`
      }, leader ${poller.holder()}`,
    );
    if (first.ms === null) {
      log(`start-up did not converge: ${JSON.stringify(first.comparison.findings.slice(0, 10))}`);
    }
    for (const proxy of proxies) proxy.resetRequests();

    const targets: FaultTargets = {
      proxies,
      plane: planeA,
      cutters,
      replicas,
      leaseHolder: () => poller.holder(),
      churn: async (op) => {
        await runChurnOp(apis, op);
      },
    };
    const cycles: CycleResult[] = [];
    for (const cycle of schedule.cycles) {
      const cycleStart = Date.now();
      const [outcomes, faults] = await Promise.all([
        runChurn(world, cycle.churn, cycleStart),
        Promise.all(cycle.faults.map(async (fault): Promise<FaultRecord> => {
          await sleep(Math.max(0, cycleStart + fault.atMs - Date.now()));
          try {
            return await runFault(fault, targets);
          } catch (error) {
            return {
              kind: fault.kind,
              startedAt: Date.now(),
              endedAt: Date.now(),
              detail: `failed: ${error instanceof Error ? error.message : String(error)}`,
            };
          }
        })),
      ]);
      const activeEnd = Date.now() - cycleStart;
      if (activeEnd < cycle.activeMs) await sleep(cycle.activeMs - activeEnd);
      // Quiet period: no fault, no churn, every replica running.
      for (const proxy of proxies) proxy.clearFaults();
      for (const replica of replicas) {
        if (replica.paused) replica.signal("SIGCONT");
        if (!replica.running) replica.start();
      }
      const result = await converge(world, args.convergeTimeoutMs);
      await sleep(300);
      const writes: ReplicaWrite[] = [];
      let wrongful: ReturnType<typeof wrongfulWrites> = [];
      const writesByReplica: Record<string, number> = {};
      proxies.forEach((proxy, i) => {
        const id = replicas[i].identity;
        const seen = proxy.writes();
        writesByReplica[id] = seen.length;
        for (const w of seen) {
          writes.push({ replica: id, at: w.at, request: `${w.method} ${w.path}` });
        }
        wrongful = wrongful.concat(wrongfulWrites(id, seen, OWNER, world.foreign));
        proxy.resetRequests();
      });
      const slackMs = Math.ceil(lag.maxMs()) + 50;
      const violations = leaseViolations(poller.observations(), writes, slackMs);
      poller.trim(Date.now() - 1000);
      const done = outcomes.filter((o) => o.done);
      const record: CycleResult = {
        index: cycle.index,
        faults,
        churn: {
          planned: cycle.churn.length,
          done: done.length,
          skipped: outcomes.length - done.length,
          byOp: countBy(done, (o) => `${o.op.op}@${o.op.cluster}`),
          skippedReasons: outcomes.filter((o) => !o.done).map((o) => o.reason).slice(0, 10),
        },
        convergeMs: result.ms,
        counts: result.comparison.counts,
        wrongfulWrites: wrongful.length,
        afterLease: violations.length,
        findings: result.comparison.findings.slice(0, 30),
        wrongfulWriteDetails: wrongful.slice(0, 10),
        leaseViolations: violations.slice(0, 10),
        writesByReplica,
        leaderAtEnd: poller.holder(),
        wallMs: Date.now() - cycleStart,
      };
      cycles.push(record);
      const bad = totalOf(record.counts) + record.wrongfulWrites + record.afterLease;
      log(
        `cycle ${cycle.index}/${schedule.cycles.length}: ${
          faults.map((f) => `${f.kind} (${f.detail})`).join("; ")
        }; churn ${done.length}/${cycle.churn.length}; converged ${
          result.ms === null ? "NOT (timeout)" : `in ${result.ms} ms`
        }; ${
          bad === 0 ? "clean" : `PROBLEMS ${
            JSON.stringify({
              ...record.counts,
              wrongfulWrites: record.wrongfulWrites,
              afterLease: record.afterLease,
            })
          }`
        }; writes ${JSON.stringify(writesByReplica)}; leader ${record.leaderAtEnd}`,
      );
      if (bad > 0 || result.ms === null) {
        for (const f of record.findings.slice(0, 10)) log(`  ${f.kind} ${f.key}: ${f.detail}`);
        for (const w of record.wrongfulWriteDetails) {
          log(`  wrongful write ${w.replica} ${w.request}: ${w.detail}`);
        }
        for (const v of record.leaseViolations) {
          log(
            `  after lease: ${v.replica} ${v.request} at ${v.at}, ${v.holder} held [${v.from}, ${v.to}]`,
          );
        }
        if (result.error) log(`  last read error: ${result.error}`);
      }
    }
    const allFaults = cycles.flatMap((c) => c.faults);
    const versions = {
      kubernetes: planeA.version,
      polaris: "v1.18.1",
      deno: Deno.version.deno,
      commit: await commandText("git", ["rev-parse", "--short", "HEAD"]),
      dirty:
        (await commandText("git", ["status", "--porcelain", "--", ".", ":!chaos/results"])) === ""
          ? "no"
          : "yes",
    };
    return {
      seed: schedule.seed,
      scheduleHash: schedule.hash,
      replicas: args.replicas,
      startedAt: startedAt.toISOString(),
      wallMs: Date.now() - t0,
      startupMs,
      startupConvergeMs: first.ms,
      cycles,
      faultsByKind: countBy(allFaults, (f) => f.kind),
      churnByOp: cycles.reduce((acc, c) => {
        for (const [k, n] of Object.entries(c.churn.byOp)) acc[k] = (acc[k] ?? 0) + n;
        return acc;
      }, {} as Record<string, number>),
      convergence: convergenceByKind(cycles, first.ms),
      totals: {
        ...runTotals(cycles),
        notConverged: runTotals(cycles).notConverged + (first.ms === null ? 1 : 0),
      },
      leaseSlackMs: Math.ceil(lag.maxMs()) + 50,
      leaseReads: poller.count(),
      versions,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (Deno.env.get("CHAOS_KEEP") === "1") log(`kept ${dir} (replica logs and configs)`);
    else await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
