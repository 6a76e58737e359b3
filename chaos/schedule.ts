/**
 * Generates a whole chaos run up front from its seed: the warm-up objects, then per cycle the
 * timed churn operations and the timed faults, and the foreign instances to seed in Polaris. The
 * same seed and options give the same schedule (and the same hash), so a failing run can be
 * replayed. The generator keeps a {@linkcode ChurnModel} so every operation fits the objects that
 * exist at that point of the schedule.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { ALIAS_NAMESPACE, ALIAS_SERVICE, METADATA, SYNC, WEIGHT } from "./annotation_names.ts";
import {
  applyOp,
  type ChurnModel,
  type ChurnOp,
  type ClusterId,
  emptyModel,
  type EndpointSpec,
  type PortSpec,
} from "./churn_model.ts";
import { createPrng, type Prng } from "./prng.ts";

/** Every kind of fault the harness injects. */
export const FAULT_KINDS = [
  "polaris5xx",
  "polarisTimeout",
  "polarisReset",
  "polarisRateLimit",
  "polarisLatency",
  "apiserverKill",
  "watchCut",
  "compaction",
  "leaderKill",
  "leaderStop",
] as const;

/** One kind of fault. */
export type FaultKind = typeof FAULT_KINDS[number];

/** A fault at a time of its cycle; what `durationMs` and `amount` mean depends on the kind. */
export interface FaultEvent {
  readonly atMs: number;
  readonly kind: FaultKind;
  /** How long it lasts (a fault window, an apiserver outage, a SIGSTOP, time to restart). */
  readonly durationMs: number;
  /** Latency in ms (latency, timeout), the 5xx code, or 0. */
  readonly amount: number;
  /** For leader faults: a change that makes the leader write just before the fault. */
  readonly trigger: ChurnOp | null;
}

/** A churn operation at a time of its cycle. */
export interface TimedOp {
  readonly atMs: number;
  readonly op: ChurnOp;
}

/** One cycle: an active period of churn and faults, then (at run time) a quiet period. */
export interface Cycle {
  readonly index: number;
  readonly activeMs: number;
  readonly churn: readonly TimedOp[];
  readonly faults: readonly FaultEvent[];
}

/** An instance "someone else" registered, seeded before the controllers start. */
export interface ForeignSeed {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** An alias "someone else" created, which a Service will also ask for (a conflict). */
export interface ForeignAlias {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly namespace: string;
  readonly service: string;
}

/** A whole run. */
export interface Schedule {
  readonly seed: string;
  readonly warmup: readonly ChurnOp[];
  readonly cycles: readonly Cycle[];
  readonly foreignInstances: readonly ForeignSeed[];
  readonly foreignAlias: ForeignAlias;
  /** The first 16 hex digits of the SHA-256 of everything above. */
  readonly hash: string;
}

/** What shapes a schedule besides the seed. */
export interface ScheduleOptions {
  readonly cycles: number;
  readonly activeMs: number;
  readonly faultsPerCycle: { readonly min: number; readonly max: number };
  /** The controllers' lease duration: a SIGSTOP lasts longer than this. */
  readonly leaseDurationMs: number;
  /** The controllers' Polaris request timeout: a "timeout" fault's latency exceeds it. */
  readonly polarisTimeoutMs: number;
}

/** Polaris namespaces the aliases go to. */
export const ALIAS_NAMESPACES = ["chaos-alias-1", "chaos-alias-2"] as const;

/** The foreign alias a Service sometimes asks for. */
export const FOREIGN_ALIAS: ForeignAlias = {
  alias: "taken-alias",
  aliasNamespace: "chaos-alias-1",
  namespace: "chaos-foreign",
  service: "foreign-svc",
};

const LIMITS = { namespaces: 5, services: 14, podsPerService: 5, copies: 6, endpointsB: 4 };

/** The generator's state: the model, the random source and the name counters. */
interface Gen {
  readonly prng: Prng;
  readonly model: ChurnModel;
  next: {
    namespace: number;
    service: number;
    pod: number;
    ipA: number;
    ipB: number;
    alias: number;
  };
}

function emit(gen: Gen, ops: ChurnOp[], op: ChurnOp): void {
  applyOp(gen.model, op);
  ops.push(op);
}

function ipOf(block: number, n: number): string {
  return `10.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

function portsOf(prng: Prng): PortSpec[] {
  const http: PortSpec = { name: "http", port: 80, targetPort: 8080, protocol: "TCP" };
  const roll = prng.next();
  if (roll < 0.7) return [http];
  if (roll < 0.9) return [http, { name: "grpc", port: 9090, targetPort: 9090, protocol: "TCP" }];
  return [http, { name: "dns", port: 53, targetPort: 5353, protocol: "UDP" }];
}

function without(
  annotations: Readonly<Record<string, string>>,
  ...keys: string[]
): Record<string, string> {
  const out = { ...annotations };
  for (const key of keys) delete out[key];
  return out;
}

function servicesOf(gen: Gen, cluster: ClusterId): { namespace: string; service: string }[] {
  return [...gen.model[cluster]].flatMap(([namespace, ns]) =>
    [...ns.services.keys()].map((service) => ({ namespace, service }))
  );
}

function newNamespace(gen: Gen, ops: ChurnOp[]): void {
  const namespace = `chaos-n${++gen.next.namespace}`;
  const annotations: Record<string, string> = gen.prng.chance(0.15) ? { [SYNC]: "false" } : {};
  emit(gen, ops, { op: "createNamespace", cluster: "a", namespace, annotations });
}

function newService(gen: Gen, ops: ChurnOp[], namespace: string): void {
  const { prng } = gen;
  const annotations: Record<string, string> = {};
  if (prng.chance(0.2)) annotations[WEIGHT] = String(prng.int(0, 500));
  if (prng.chance(0.2)) annotations[METADATA] = JSON.stringify({ team: `t${prng.int(1, 3)}` });
  if (prng.chance(0.1)) annotations[SYNC] = "true";
  emit(gen, ops, {
    op: "createService",
    cluster: "a",
    namespace,
    service: `svc-${++gen.next.service}`,
    ports: portsOf(prng),
    annotations,
  });
}

function newPod(gen: Gen, ops: ChurnOp[], namespace: string, service: string): void {
  const { prng } = gen;
  const labels: Record<string, string> = {};
  if (prng.chance(0.4)) labels.version = prng.pick(["v1", "v2"]);
  if (prng.chance(0.3)) labels.tier = "web";
  emit(gen, ops, {
    op: "createPod",
    cluster: "a",
    namespace,
    service,
    pod: {
      name: `${service}-p${++gen.next.pod}`,
      ip: ipOf(40, ++gen.next.ipA),
      ready: prng.chance(0.8),
      labels,
    },
  });
}

function setEndpoints(
  gen: Gen,
  ops: ChurnOp[],
  namespace: string,
  service: string,
  endpoints: EndpointSpec[],
): void {
  const ports = gen.model.b.get(namespace)!.services.get(service)!.ports;
  emit(gen, ops, { op: "setEndpoints", cluster: "b", namespace, service, ports, endpoints });
}

function newEndpointB(gen: Gen): EndpointSpec {
  const n = ++gen.next.ipB;
  return { name: `b${n}`, ip: ipOf(50, n), ready: gen.prng.chance(0.8), labels: {} };
}

/** A second cluster's copy of an A Service: same namespace/name and ports, its own endpoints. */
function newCopy(gen: Gen, ops: ChurnOp[]): boolean {
  const candidates = servicesOf(gen, "a").filter(({ namespace, service }) =>
    !gen.model.b.get(namespace)?.services.has(service)
  );
  if (candidates.length === 0) return false;
  const { namespace, service } = gen.prng.pick(candidates);
  if (!gen.model.b.has(namespace)) {
    emit(gen, ops, { op: "createNamespace", cluster: "b", namespace, annotations: {} });
  }
  const ports = gen.model.a.get(namespace)!.services.get(service)!.ports;
  const annotations: Record<string, string> = gen.prng.chance(0.3)
    ? { [WEIGHT]: String(gen.prng.int(0, 500)) }
    : {};
  emit(gen, ops, { op: "createService", cluster: "b", namespace, service, ports, annotations });
  const endpoints = Array.from({ length: gen.prng.int(1, 3) }, () => newEndpointB(gen));
  setEndpoints(gen, ops, namespace, service, endpoints);
  return true;
}

function nextSync(prng: Prng, current: string | undefined): string | undefined {
  const options = [undefined, "true", "false"].filter((v) => v !== current);
  return prng.pick(options);
}

/** A change of one Service's annotations: sync flip, weight, alias add/move/remove, metadata. */
function changeAnnotations(gen: Gen, ops: ChurnOp[], cluster: ClusterId): boolean {
  const { prng } = gen;
  const candidates = servicesOf(gen, cluster);
  if (candidates.length === 0) return false;
  const { namespace, service } = prng.pick(candidates);
  const current = gen.model[cluster].get(namespace)!.services.get(service)!.annotations;
  const aspect = cluster === "b"
    ? prng.weighted({ sync: 2, weight: 1 })
    : prng.weighted({ sync: 4, weight: 3, alias: 4, metadata: 1 });
  let annotations: Record<string, string> = { ...current };
  if (aspect === "sync") {
    const value = nextSync(prng, current[SYNC]);
    annotations = value === undefined ? without(current, SYNC) : { ...current, [SYNC]: value };
  } else if (aspect === "weight") {
    annotations = current[WEIGHT] !== undefined && prng.chance(0.5)
      ? without(current, WEIGHT)
      : { ...current, [WEIGHT]: String(prng.int(0, 500)) };
  } else if (aspect === "metadata") {
    annotations = current[METADATA] !== undefined && prng.chance(0.5)
      ? without(current, METADATA)
      : { ...current, [METADATA]: JSON.stringify({ team: `t${prng.int(1, 3)}` }) };
  } else if (current[ALIAS_SERVICE] !== undefined && prng.chance(0.4)) {
    annotations = without(current, ALIAS_SERVICE, ALIAS_NAMESPACE);
  } else if (prng.chance(0.1)) {
    annotations = {
      ...current,
      [ALIAS_SERVICE]: FOREIGN_ALIAS.alias,
      [ALIAS_NAMESPACE]: FOREIGN_ALIAS.aliasNamespace,
    };
  } else {
    annotations = {
      ...current,
      [ALIAS_SERVICE]: `${service}-al${++gen.next.alias}`,
      [ALIAS_NAMESPACE]: prng.pick(ALIAS_NAMESPACES),
    };
  }
  emit(gen, ops, { op: "setServiceAnnotations", cluster, namespace, service, annotations });
  return true;
}

/** Draws and emits one churn operation; some draws emit two (a namespace for a copy). */
function churnOnce(gen: Gen, ops: ChurnOp[]): void {
  const { prng, model } = gen;
  const servicesA = servicesOf(gen, "a");
  const pods = servicesA.flatMap(({ namespace, service }) =>
    [...model.a.get(namespace)!.services.get(service)!.endpoints.values()].map((pod) => ({
      namespace,
      service,
      pod,
    }))
  );
  const copies = servicesOf(gen, "b");
  const kind = prng.weighted({
    createPod: servicesA.length > 0 ? 20 : 0,
    deletePod: pods.length > 0 ? 10 : 0,
    setPodReady: pods.length > 0 ? 18 : 0,
    createService: servicesA.length < LIMITS.services && model.a.size > 0 ? 8 : 0,
    deleteService: servicesA.length > 2 ? 4 : 0,
    setServiceAnnotations: servicesA.length > 0 ? 14 : 0,
    createNamespace: model.a.size < LIMITS.namespaces ? 3 : 0,
    deleteNamespace: model.a.size > 2 ? 1.5 : 0,
    setNamespaceAnnotations: model.a.size > 0 ? 3 : 0,
    createCopy: copies.length < LIMITS.copies ? 4 : 0,
    deleteCopy: copies.length > 0 ? 2 : 0,
    setEndpointsB: copies.length > 0 ? 8 : 0,
    setCopyAnnotations: copies.length > 0 ? 3 : 0,
  });
  switch (kind) {
    case "createPod": {
      const open = servicesA.filter(({ namespace, service }) =>
        model.a.get(namespace)!.services.get(service)!.endpoints.size < LIMITS.podsPerService
      );
      if (open.length === 0) return;
      const { namespace, service } = prng.pick(open);
      return newPod(gen, ops, namespace, service);
    }
    case "deletePod": {
      const { namespace, service, pod } = prng.pick(pods);
      return emit(gen, ops, { op: "deletePod", cluster: "a", namespace, service, pod: pod.name });
    }
    case "setPodReady": {
      const { namespace, service, pod } = prng.pick(pods);
      return emit(gen, ops, {
        op: "setPodReady",
        cluster: "a",
        namespace,
        service,
        pod: pod.name,
        ip: pod.ip,
        ready: !pod.ready,
      });
    }
    case "createService":
      return newService(gen, ops, prng.pick([...model.a.keys()]));
    case "deleteService": {
      const { namespace, service } = prng.pick(servicesA);
      return emit(gen, ops, { op: "deleteService", cluster: "a", namespace, service });
    }
    case "setServiceAnnotations":
      changeAnnotations(gen, ops, "a");
      return;
    case "createNamespace":
      return newNamespace(gen, ops);
    case "deleteNamespace":
      return emit(gen, ops, {
        op: "deleteNamespace",
        cluster: "a",
        namespace: prng.pick([...model.a.keys()]),
      });
    case "setNamespaceAnnotations": {
      const cluster: ClusterId = model.b.size > 0 && prng.chance(0.25) ? "b" : "a";
      const namespace = prng.pick([...model[cluster].keys()]);
      const value = nextSync(prng, model[cluster].get(namespace)!.annotations[SYNC]);
      return emit(gen, ops, {
        op: "setNamespaceAnnotations",
        cluster,
        namespace,
        annotations: value === undefined ? {} : { [SYNC]: value },
      });
    }
    case "createCopy":
      newCopy(gen, ops);
      return;
    case "deleteCopy": {
      const { namespace, service } = prng.pick(copies);
      return emit(gen, ops, { op: "deleteService", cluster: "b", namespace, service });
    }
    case "setEndpointsB": {
      const { namespace, service } = prng.pick(copies);
      const endpoints = [...model.b.get(namespace)!.services.get(service)!.endpoints.values()];
      const change = prng.weighted({
        add: endpoints.length < LIMITS.endpointsB ? 3 : 0,
        remove: endpoints.length > 0 ? 2 : 0,
        flip: endpoints.length > 0 ? 3 : 0,
      });
      if (change === "add") endpoints.push(newEndpointB(gen));
      else if (change === "remove") endpoints.splice(prng.int(0, endpoints.length - 1), 1);
      else {
        const i = prng.int(0, endpoints.length - 1);
        endpoints[i] = { ...endpoints[i], ready: !endpoints[i].ready };
      }
      return setEndpoints(gen, ops, namespace, service, endpoints);
    }
    case "setCopyAnnotations":
      changeAnnotations(gen, ops, "b");
      return;
  }
}

/** A change that makes the leader write at once (a new Pod), for the leader faults. */
function triggerOp(gen: Gen): ChurnOp | null {
  const ops: ChurnOp[] = [];
  const open = servicesOf(gen, "a").filter(({ namespace, service }) =>
    gen.model.a.get(namespace)!.services.get(service)!.endpoints.size < LIMITS.podsPerService
  );
  if (open.length === 0) return null;
  const { namespace, service } = gen.prng.pick(open);
  newPod(gen, ops, namespace, service);
  return ops[0];
}

/** Draws how long a fault lasts and how strong it is; its time and trigger come later. */
function drawFault(gen: Gen, options: ScheduleOptions, kind: FaultKind): Omit<FaultEvent, "atMs"> {
  const { prng } = gen;
  const base = { kind, trigger: null, amount: 0 };
  switch (kind) {
    case "polaris5xx":
      return { ...base, durationMs: prng.int(2000, 6000), amount: prng.pick([500000, 503]) };
    case "polarisTimeout":
      return { ...base, durationMs: prng.int(2000, 5000), amount: options.polarisTimeoutMs + 500 };
    case "polarisReset":
    case "polarisRateLimit":
      return { ...base, durationMs: prng.int(2000, 6000) };
    case "polarisLatency":
      return { ...base, durationMs: prng.int(2000, 6000), amount: prng.int(300, 1200) };
    case "apiserverKill":
      return { ...base, durationMs: prng.int(1000, 5000) };
    case "watchCut":
      return { ...base, durationMs: 0, amount: prng.int(1, 3) };
    case "compaction":
      return { ...base, durationMs: 0 };
    case "leaderKill":
      return { ...base, durationMs: prng.int(1000, 8000) };
    case "leaderStop":
      return { ...base, durationMs: options.leaseDurationMs + prng.int(1000, 4000) };
  }
}

/**
 * How long a fault takes from its start to its end, as run: its duration, plus what the runner
 * adds (kube-apiserver's start, the wait for the leader's write, the gaps between cuts).
 */
export function faultSpanMs(fault: Pick<FaultEvent, "kind" | "durationMs" | "amount">): number {
  switch (fault.kind) {
    case "apiserverKill":
      return fault.durationMs + 2500;
    case "watchCut":
      return (fault.amount - 1) * 1000;
    case "compaction":
      return 300;
    case "leaderKill":
      return fault.durationMs + 1500;
    case "leaderStop":
      return fault.durationMs + 300;
    default:
      return fault.durationMs;
  }
}

/** Hashes a schedule's content: the first 16 hex digits of SHA-256 over its JSON. */
export function scheduleHash(content: Omit<Schedule, "hash">): string {
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16);
}

/**
 * Generates a run from `seed`. Each cycle takes its faults from a shuffled bag of every kind,
 * refilled when empty, so every kind comes up within the first few cycles; churn operations come
 * every 0.3–1.1 s of the active period.
 */
export function generateSchedule(seed: string, options: ScheduleOptions): Schedule {
  const prng = createPrng(seed);
  const gen: Gen = {
    prng,
    model: emptyModel(),
    next: { namespace: 0, service: 0, pod: 0, ipA: 0, ipB: 0, alias: 0 },
  };
  const warmup: ChurnOp[] = [];
  for (let i = 0; i < 3; i++) newNamespace(gen, warmup);
  for (let i = 0; i < 6; i++) {
    const namespace = `chaos-n${(i % 3) + 1}`;
    newService(gen, warmup, namespace);
    for (let p = 0; p < 2; p++) newPod(gen, warmup, namespace, `svc-${gen.next.service}`);
  }
  for (let i = 0; i < 2; i++) newCopy(gen, warmup);

  let bag: FaultKind[] = [];
  const cycles: Cycle[] = [];
  for (let index = 1; index <= options.cycles; index++) {
    const count = prng.int(options.faultsPerCycle.min, options.faultsPerCycle.max);
    const kinds: FaultKind[] = [];
    while (kinds.length < count) {
      if (bag.length === 0) bag = prng.shuffle(FAULT_KINDS);
      const kind = bag.shift()!;
      if (kinds.includes(kind)) bag.push(kind);
      else kinds.push(kind);
      if (bag.length > 0 && bag.every((k) => kinds.includes(k))) bag = [];
    }
    // Each fault ends in the last 2 s of the active period, so the quiet period that follows
    // measures the recovery from all of them at once.
    const drawn = kinds.map((kind) => {
      const fault = drawFault(gen, options, kind);
      const atMs = Math.max(1000, options.activeMs - faultSpanMs(fault) - prng.int(0, 2000));
      return { ...fault, atMs };
    }).sort((x, y) => x.atMs - y.atMs);
    const churn: TimedOp[] = [];
    const faults: FaultEvent[] = [];
    let t = prng.int(200, 800);
    for (const fault of drawn) {
      for (; t < fault.atMs; t += prng.int(300, 1100)) {
        const ops: ChurnOp[] = [];
        churnOnce(gen, ops);
        for (const op of ops) churn.push({ atMs: t, op });
      }
      const leader = fault.kind === "leaderKill" || fault.kind === "leaderStop";
      faults.push({ ...fault, trigger: leader ? triggerOp(gen) : null });
    }
    for (; t < options.activeMs - 500; t += prng.int(300, 1100)) {
      const ops: ChurnOp[] = [];
      churnOnce(gen, ops);
      for (const op of ops) churn.push({ atMs: t, op });
    }
    cycles.push({ index, activeMs: options.activeMs, churn, faults });
  }

  const keys = new Set<string>();
  for (const op of [...warmup, ...cycles.flatMap((c) => c.churn.map((t) => t.op))]) {
    if (op.op === "createService" && op.cluster === "a") keys.add(`${op.namespace}/${op.service}`);
  }
  const owners: Readonly<Record<string, string>>[] = [
    { clusterName: "someone-else", source: "polaris-controller" },
    { clusterName: "chaos-a", source: "other-tool" },
    {},
  ];
  const foreignInstances: ForeignSeed[] = [];
  [...keys].filter((_, i) => i % 3 === 0).slice(0, 12).forEach((key, i) => {
    const [namespace, service] = key.split("/");
    foreignInstances.push({
      namespace,
      service,
      host: `192.168.77.${i + 1}`,
      port: 8080,
      metadata: owners[i % owners.length],
    });
  });
  foreignInstances.push({
    namespace: FOREIGN_ALIAS.namespace,
    service: FOREIGN_ALIAS.service,
    host: "192.168.78.1",
    port: 8080,
    metadata: { clusterName: "someone-else" },
  });
  const content = { seed, warmup, cycles, foreignInstances, foreignAlias: FOREIGN_ALIAS };
  return { ...content, hash: scheduleHash(content) };
}
