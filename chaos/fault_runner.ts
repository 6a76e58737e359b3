/**
 * Produces one fault of the schedule on the running system: Polaris answers through every
 * replica's fault proxy (5xx, timeouts as latency beyond the controllers' request timeout,
 * dropped connections, the 403003 rate limit, latency), kube-apiserver SIGKILLed then started
 * again, every controller connection to the clusters cut at the relay, an etcd compaction to the
 * current revision followed by a cut (with the watch cache off every watch then resumes from a
 * compacted revision and gets 410 Gone), the leader SIGKILLed while its write batch is in
 * flight, and the leader SIGSTOPped past its lease, then SIGCONT.
 *
 * @module
 */

import type { FaultProxy } from "../tests/polaris/fault_proxy.ts";
import type { ControlPlane } from "../tests/cluster/control_plane.ts";
import type { ChurnOp } from "./churn_model.ts";
import type { Replica } from "./replica.ts";
import type { FaultEvent } from "./schedule.ts";
import type { TcpCutter } from "./tcp_cutter.ts";

/** What the fault runner acts on. */
export interface FaultTargets {
  readonly proxies: readonly Pick<FaultProxy, "injectFault" | "writes">[];
  readonly plane: Pick<ControlPlane, "killApiserver" | "startApiserver" | "compact">;
  readonly cutters: readonly TcpCutter[];
  readonly replicas: readonly Replica[];
  /** The current Lease holder as last read ("" or null: nobody). */
  leaseHolder(): string | null;
  /** Runs a churn operation (the trigger of a leader fault). */
  churn(op: ChurnOp): Promise<void>;
}

/** What happened. */
export interface FaultRecord {
  readonly kind: FaultEvent["kind"];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly detail: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const POLARIS = { path: "/naming/v1/*" } as const;

function everyProxy(targets: FaultTargets, fault: Parameters<FaultProxy["injectFault"]>[0]) {
  for (const proxy of targets.proxies) proxy.injectFault(fault);
}

function leader(targets: FaultTargets): { replica: Replica; index: number } | null {
  const holder = targets.leaseHolder();
  const index = targets.replicas.findIndex((r) => r.identity === holder && r.running);
  return index < 0 ? null : { replica: targets.replicas[index], index };
}

/** Produces `event`; resolves once the fault is over (the system may still be recovering). */
export async function runFault(event: FaultEvent, targets: FaultTargets): Promise<FaultRecord> {
  const startedAt = Date.now();
  const done = (detail: string): FaultRecord => ({
    kind: event.kind,
    startedAt,
    endedAt: Date.now(),
    detail,
  });
  switch (event.kind) {
    case "polaris5xx":
      everyProxy(targets, {
        kind: "status",
        code: event.amount,
        match: POLARIS,
        forMs: event.durationMs,
      });
      await sleep(event.durationMs);
      return done(`every Polaris request answered ${event.amount} for ${event.durationMs} ms`);
    case "polarisTimeout":
      everyProxy(targets, {
        kind: "latency",
        ms: event.amount,
        match: POLARIS,
        forMs: event.durationMs,
      });
      await sleep(event.durationMs);
      return done(`${event.amount} ms latency (beyond the timeout) for ${event.durationMs} ms`);
    case "polarisReset":
      everyProxy(targets, { kind: "drop", match: POLARIS, forMs: event.durationMs });
      await sleep(event.durationMs);
      return done(`connections dropped for ${event.durationMs} ms`);
    case "polarisRateLimit":
      everyProxy(targets, { kind: "rateLimit", match: POLARIS, forMs: event.durationMs });
      await sleep(event.durationMs);
      return done(`403003 for ${event.durationMs} ms`);
    case "polarisLatency":
      everyProxy(targets, {
        kind: "latency",
        ms: event.amount,
        match: POLARIS,
        forMs: event.durationMs,
      });
      await sleep(event.durationMs);
      return done(`${event.amount} ms latency for ${event.durationMs} ms`);
    case "apiserverKill": {
      await targets.plane.killApiserver();
      await sleep(event.durationMs);
      const t0 = Date.now();
      await targets.plane.startApiserver();
      return done(`SIGKILL, down ${event.durationMs} ms, ready ${Date.now() - t0} ms after start`);
    }
    case "watchCut": {
      const counts: number[] = [];
      for (let i = 0; i < event.amount; i++) {
        if (i > 0) await sleep(1000);
        counts.push(targets.cutters.reduce((sum, c) => sum + c.cut(), 0));
      }
      return done(`cut ${counts.join(", ")} connections`);
    }
    case "compaction": {
      const revision = await targets.plane.compact();
      await sleep(200);
      const cut = targets.cutters.reduce((sum, c) => sum + c.cut(), 0);
      return done(`compacted to revision ${revision}, then cut ${cut} connections`);
    }
    case "leaderKill": {
      const found = leader(targets);
      if (!found) return done("no leader to kill");
      const proxy = targets.proxies[found.index];
      const before = proxy.writes().length;
      // Hold the leader's writes at its proxy so the kill lands with a batch in flight.
      const release = proxy.injectFault({
        kind: "latency",
        ms: 1500,
        match: { method: "POST", path: "/naming/v1/*" },
        forMs: 4000,
      });
      if (event.trigger) await targets.churn(event.trigger);
      const deadline = Date.now() + 4000;
      while (proxy.writes().length === before && Date.now() < deadline) await sleep(20);
      const inFlight = proxy.writes().length > before;
      await found.replica.kill();
      release();
      await sleep(event.durationMs);
      found.replica.start();
      return done(
        `SIGKILL ${found.replica.identity} ${
          inFlight ? "with a write in flight" : "(no write seen)"
        }, restarted after ${event.durationMs} ms`,
      );
    }
    case "leaderStop": {
      const found = leader(targets);
      if (!found) return done("no leader to stop");
      if (event.trigger) await targets.churn(event.trigger);
      await sleep(20);
      found.replica.signal("SIGSTOP");
      await sleep(event.durationMs);
      found.replica.signal("SIGCONT");
      return done(`SIGSTOP ${found.replica.identity} for ${event.durationMs} ms, then SIGCONT`);
    }
  }
}
