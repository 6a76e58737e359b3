import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { KubeJsonAnswer, KubeJsonApi, KubeJsonRequest } from "../events/kube_json_api.ts";
import { type ElectorTimers, type LeaderStatus, LeaseElector } from "./lease_elector.ts";

/** A fake clock whose timers run when `advance()` passes them. */
class FakeClock implements ElectorTimers {
  now = 1_700_000_000_000;
  #id = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): number {
    this.#timers.set(++this.#id, { at: this.now + ms, callback });
    return this.#id;
  }

  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }

  /** Moves time forward, running each due timer and letting its promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    while (true) {
      await settle();
      const due = [...this.#timers].filter(([, t]) =>
        t.at <= end
      ).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
    await settle();
  }
}

/** Lets pending promise chains run (one macrotask turn). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** An in-memory Lease API with resourceVersions and 409 on a stale one. */
class FakeLeases implements KubeJsonApi {
  lease: { metadata: { resourceVersion: string }; spec: Record<string, unknown> } | null = null;
  requests: KubeJsonRequest[] = [];
  /** When set, every request fails or hangs. */
  outage: "fail" | "hang" | null = null;
  #rv = 100;
  #hung: (() => void)[] = [];

  request(request: KubeJsonRequest): Promise<KubeJsonAnswer> {
    this.requests.push(request);
    if (this.outage === "fail") return Promise.reject(new Error("connection refused"));
    if (this.outage === "hang") {
      return new Promise((_, reject) => this.#hung.push(() => reject(new Error("timed out"))));
    }
    const copy = () => structuredClone(this.lease);
    switch (request.method) {
      case "GET":
        return Promise.resolve(
          this.lease ? { status: 200, body: copy() } : { status: 404, body: { message: "nf" } },
        );
      case "POST":
        if (this.lease) return Promise.resolve({ status: 409, body: { message: "exists" } });
        this.#store(request.body);
        return Promise.resolve({ status: 201, body: copy() });
      case "PUT": {
        const rv = (request.body as { metadata: { resourceVersion?: string } }).metadata
          .resourceVersion;
        if (!this.lease || rv !== this.lease.metadata.resourceVersion) {
          return Promise.resolve({ status: 409, body: { message: "modified" } });
        }
        this.#store(request.body);
        return Promise.resolve({ status: 200, body: copy() });
      }
      default:
        return Promise.resolve({ status: 405, body: undefined });
    }
  }

  /** Changes the Lease as another writer would. */
  setSpec(spec: Record<string, unknown>): void {
    this.#store({ spec: { ...this.lease?.spec, ...spec } });
  }

  releaseHung(): void {
    for (const reject of this.#hung.splice(0)) reject();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #store(body: unknown): void {
    const spec = (body as { spec: Record<string, unknown> }).spec;
    this.lease = { metadata: { resourceVersion: String(++this.#rv) }, spec: { ...spec } };
  }
}

function elector(
  api: FakeLeases,
  clock: FakeClock,
  identity: string,
  changes: LeaderStatus[] = [],
) {
  return new LeaseElector({
    api,
    namespace: "polaris-system",
    name: "polaris-k8s-sync",
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    now: () => clock.now,
    random: () => 0,
    timers: clock,
    onChange: (status) => changes.push(status),
  });
}

Deno.test("LeaseElector.tryAcquireOrRenew() creates a missing Lease with every field", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  const a = elector(api, clock, "replica-a");
  equal(await a.tryAcquireOrRenew(), true);
  const when = new Date(clock.now).toISOString().replace("Z", "000Z");
  deepStrictEqual(api.lease?.spec, {
    holderIdentity: "replica-a",
    leaseDurationSeconds: 15,
    acquireTime: when,
    renewTime: when,
    leaseTransitions: 0,
  });
  deepStrictEqual(a.status, { isLeader: true, holder: "replica-a" });
  equal(api.requests[1].path, "/apis/coordination.k8s.io/v1/namespaces/polaris-system/leases");
});

Deno.test("LeaseElector.tryAcquireOrRenew() waits a full lease after the holder stops renewing", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  const a = elector(api, clock, "replica-a");
  const b = elector(api, clock, "replica-b");
  await a.tryAcquireOrRenew();
  const acquiredAt = api.lease?.spec.acquireTime;
  equal(await b.tryAcquireOrRenew(), false);
  deepStrictEqual(b.status, { isLeader: false, holder: "replica-a" });
  clock.now += 5_000;
  await a.tryAcquireOrRenew(); // a renews: b's view of the lease starts again
  equal(api.lease?.spec.acquireTime, acquiredAt, "a renewal keeps acquireTime");
  clock.now += 1;
  equal(await b.tryAcquireOrRenew(), false);
  clock.now += 14_998;
  equal(await b.tryAcquireOrRenew(), false, "not expired 14.998 s after b saw the renewal");
  clock.now += 2;
  equal(await b.tryAcquireOrRenew(), true, "expired: b takes over");
  equal(api.lease?.spec.holderIdentity, "replica-b");
  equal(api.lease?.spec.leaseTransitions, 1);
  ok(api.lease?.spec.acquireTime !== acquiredAt);
  equal(await a.tryAcquireOrRenew(), false, "a sees b and does not take it back");
  deepStrictEqual(a.status, { isLeader: false, holder: "replica-b" });
});

Deno.test("LeaseElector lets exactly one of two racing replicas take a free Lease", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  api.lease = {
    metadata: { resourceVersion: "1" },
    spec: { holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 4 },
  };
  const a = elector(api, clock, "replica-a");
  const b = elector(api, clock, "replica-b");
  const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
  deepStrictEqual(results.filter((r) => r).length, 1);
  equal(api.requests.filter((r) => r.method === "PUT").length, 2, "both tried with the same RV");
  equal(api.lease.spec.leaseTransitions, 5);
});

Deno.test("LeaseElector steps down when renewals fail past the renew deadline", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  const changes: LeaderStatus[] = [];
  const a = elector(api, clock, "replica-a", changes);
  a.start();
  await clock.advance(0);
  deepStrictEqual(changes, [{ isLeader: true, holder: "replica-a" }]);
  await clock.advance(6_000);
  const renewals = api.requests.filter((r) => r.method === "PUT").length;
  equal(renewals, 3, "renewed every retry period");
  api.outage = "fail";
  await clock.advance(9_999);
  equal(a.status.isLeader, true, "still leading inside the renew deadline");
  await clock.advance(1);
  equal(a.status.isLeader, false, "stepped down at the renew deadline, before the lease ends");
  deepStrictEqual(changes.at(-1), { isLeader: false, holder: null });
  api.outage = null;
  await clock.advance(2_000);
  equal(a.status.isLeader, true, "its own Lease: it may renew as soon as the API answers");
  await a.stop();
});

Deno.test("LeaseElector steps down at the renew deadline even while a request hangs", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  const a = elector(api, clock, "replica-a");
  a.start();
  await clock.advance(0);
  api.outage = "hang";
  await clock.advance(10_000);
  equal(a.status.isLeader, false);
  api.releaseHung();
  api.outage = "fail";
  await a.stop();
});

Deno.test("LeaseElector.holdsLease() says no once the renew deadline passed, before any timer runs", async () => {
  // Found by `deno task chaos`: a leader SIGSTOPped past its lease wrote right after SIGCONT,
  // before its deadline timer had stepped it down, while another replica held the Lease.
  const clock = new FakeClock();
  const api = new FakeLeases();
  const a = elector(api, clock, "replica-a");
  a.start();
  await clock.advance(0);
  ok(a.holdsLease());
  clock.now += 10_000; // the process was paused: no timer ran, no renewal was tried
  equal(a.status.isLeader, true, "status still says leading: the deadline timer has not run");
  equal(a.holdsLease(), false, "the clock says the renew deadline passed");
  api.outage = "fail";
  await a.stop();
});

Deno.test("LeaseElector steps down at once when another holder is seen", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  const a = elector(api, clock, "replica-a");
  a.start();
  await clock.advance(0);
  api.setSpec({ holderIdentity: "intruder" });
  await clock.advance(2_000);
  deepStrictEqual(a.status, { isLeader: false, holder: "intruder" });
  await a.stop();
  equal(
    api.lease?.spec.holderIdentity,
    "intruder",
    "stop() does not release what it does not hold",
  );
});

Deno.test("LeaseElector.stop() releases the Lease and a follower takes it at its next retry", async () => {
  const clock = new FakeClock();
  const api = new FakeLeases();
  const changesA: LeaderStatus[] = [];
  const a = elector(api, clock, "replica-a", changesA);
  const b = elector(api, clock, "replica-b");
  a.start();
  await clock.advance(0);
  b.start();
  await clock.advance(4_000);
  equal(b.status.isLeader, false);
  await a.stop();
  deepStrictEqual(changesA.at(-1), { isLeader: false, holder: "replica-a" });
  equal(api.lease?.spec.holderIdentity, "");
  equal(a.status.holder, null);
  await clock.advance(2_000);
  deepStrictEqual(b.status, { isLeader: true, holder: "replica-b" });
  equal(api.lease?.spec.leaseTransitions, 1);
  await b.stop();
});
