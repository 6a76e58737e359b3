/**
 * Direct store access for tests and the dev loop: seeding without HTTP, editing or deleting an
 * instance as a human would in the Polaris console, and plain-object snapshots of the state.
 * Nothing here validates names: tests may seed what a real server would hold, odd or not.
 *
 * @module
 */

import {
  type AliasRecord,
  type InstanceRecord,
  nameKey,
  type NamespaceRecord,
  type PolarisStore,
  type ServiceRecord,
  type Stamp,
} from "./store.ts";
import { instanceId } from "./validate.ts";

/** A stored namespace as a plain object. */
export type NamespaceSnapshot = Readonly<Omit<NamespaceRecord, "seq">>;
/** A stored service as a plain object. */
export type ServiceSnapshot = Readonly<Omit<ServiceRecord, "seq">>;
/** A stored alias as a plain object. */
export type AliasSnapshot = Readonly<Omit<AliasRecord, "seq">>;
/** A stored instance as a plain object, metadata in full (hidden keys included). */
export type InstanceSnapshot = Readonly<Omit<InstanceRecord, "seq">>;

/** A namespace to seed. */
export interface SeedNamespace {
  readonly name: string;
  readonly comment?: string;
  readonly owners?: string;
}

/** A service to seed; its namespace is created when missing. */
export interface SeedService {
  readonly namespace: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly ports?: string;
  readonly comment?: string;
  readonly owners?: string;
}

/** An alias to seed; its source service is created when missing. */
export interface SeedAlias {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment?: string;
  readonly owners?: string;
}

/** The fields of an instance a seed or a console edit may set. */
export interface InstancePatch {
  readonly protocol?: string;
  readonly version?: string;
  readonly priority?: number;
  readonly weight?: number;
  readonly healthy?: boolean;
  readonly isolate?: boolean;
  readonly enableHealthCheck?: boolean;
  readonly healthCheckTtl?: number;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly logicSet?: string;
}

/** An instance to seed; id computed as the server does unless given. */
export interface SeedInstance extends InstancePatch {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly vpcId?: string;
  readonly id?: string;
}

/** Names an instance by id or by its tetrad. */
export type InstanceTarget =
  | { readonly id: string }
  | {
    readonly namespace: string;
    readonly service: string;
    readonly host: string;
    readonly port: number;
    readonly vpcId?: string;
  };

/** Which instances {@link instanceSnapshots} returns; every given field must match. */
export interface InstanceFilter {
  readonly namespace?: string;
  readonly service?: string;
  readonly host?: string;
  readonly port?: number;
  /** Every entry must be present in the instance metadata. */
  readonly metadata?: Readonly<Record<string, string>>;
}

function drop<T extends { seq: number }>(record: T): Readonly<Omit<T, "seq">> {
  const { seq: _seq, ...rest } = structuredClone(record);
  return rest;
}

/** Returns the id a target names. */
export function targetId(target: InstanceTarget): string {
  if ("id" in target) return target.id;
  return instanceId(target.namespace, target.service, target.host, target.port, target.vpcId);
}

/** Seeds namespaces (existing ones are replaced). */
export function seedNamespaces(store: PolarisStore, namespaces: readonly SeedNamespace[]): void {
  const stamp = store.tick();
  for (const n of namespaces) {
    const record = store.putNamespace(n.name, stamp, n.owners ?? "Polaris");
    record.comment = n.comment ?? "";
  }
}

function ensureService(store: PolarisStore, namespace: string, name: string, stamp: Stamp) {
  if (!store.namespaces.has(namespace)) store.putNamespace(namespace, stamp);
  return store.services.get(nameKey(namespace, name)) ?? store.putService(namespace, name, stamp);
}

/** Seeds services (existing ones keep their id and get the given fields). */
export function seedServices(store: PolarisStore, services: readonly SeedService[]): void {
  const stamp = store.tick();
  for (const s of services) {
    const record = ensureService(store, s.namespace, s.name, stamp);
    record.metadata = { ...(s.metadata ?? record.metadata) };
    record.ports = s.ports ?? record.ports;
    record.comment = s.comment ?? record.comment;
    record.owners = s.owners ?? record.owners;
  }
}

/** Seeds aliases. */
export function seedAliases(store: PolarisStore, aliases: readonly SeedAlias[]): void {
  const stamp = store.tick();
  for (const a of aliases) {
    ensureService(store, a.namespace, a.service, stamp);
    const key = nameKey(a.aliasNamespace, a.alias);
    store.aliases.set(key, {
      id: store.newId("alias", key, stamp),
      alias: a.alias,
      aliasNamespace: a.aliasNamespace,
      service: a.service,
      namespace: a.namespace,
      type: 0,
      owners: a.owners ?? "",
      comment: a.comment ?? "",
      ctime: stamp.time,
      mtime: stamp.time,
      seq: stamp.seq,
    });
  }
}

const PATCH_SCALARS = [
  "protocol",
  "version",
  "priority",
  "weight",
  "healthy",
  "isolate",
  "enableHealthCheck",
  "logicSet",
] as const;

function applyPatch(r: InstanceRecord, patch: InstancePatch): void {
  for (const key of PATCH_SCALARS) {
    const value = patch[key];
    if (value !== undefined) (r as unknown as Record<string, unknown>)[key] = value;
  }
  if (patch.metadata !== undefined) r.metadata = { ...patch.metadata };
  r.healthCheck = r.enableHealthCheck
    ? { type: 1, ttl: patch.healthCheckTtl ?? r.healthCheck?.ttl ?? 5 }
    : null;
}

/** Seeds instances (upserting by id, creating namespace and service); returns their ids. */
export function seedInstances(store: PolarisStore, instances: readonly SeedInstance[]): string[] {
  const stamp = store.tick();
  return instances.map((s) => {
    ensureService(store, s.namespace, s.service, stamp);
    const id = s.id ?? instanceId(s.namespace, s.service, s.host, s.port, s.vpcId);
    const record: InstanceRecord = {
      id,
      service: s.service,
      namespace: s.namespace,
      vpcId: s.vpcId ?? "",
      host: s.host,
      port: s.port,
      protocol: "",
      version: "",
      priority: 0,
      weight: 100,
      enableHealthCheck: false,
      healthCheck: null,
      healthy: true,
      isolate: false,
      location: { region: "", zone: "", campus: "" },
      metadata: {},
      logicSet: "",
      revision: store.newId("revision", id, stamp),
      ctime: stamp.time,
      mtime: stamp.time,
      seq: stamp.seq,
    };
    applyPatch(record, s);
    store.putInstance(record);
    return id;
  });
}

/** Deletes an instance as a console user would; returns whether it existed. */
export function deleteInstanceDirect(store: PolarisStore, target: InstanceTarget): boolean {
  return store.removeInstance(targetId(target));
}

/** Edits an instance as a console user would (new mtime); `undefined` when it does not exist. */
export function updateInstanceDirect(
  store: PolarisStore,
  target: InstanceTarget,
  patch: InstancePatch,
): InstanceSnapshot | undefined {
  const record = store.instances.get(targetId(target));
  if (record === undefined) return undefined;
  const stamp = store.tick();
  applyPatch(record, patch);
  store.touch(record, record.id, stamp);
  return drop(record);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns namespace snapshots sorted by name. */
export function namespaceSnapshots(store: PolarisStore): NamespaceSnapshot[] {
  return [...store.namespaces.values()].sort((a, b) => cmp(a.name, b.name)).map(drop);
}

/** Returns service snapshots sorted by namespace then name. */
export function serviceSnapshots(store: PolarisStore): ServiceSnapshot[] {
  return [...store.services.entries()].sort(([a], [b]) => cmp(a, b)).map(([, s]) => drop(s));
}

/** Returns alias snapshots sorted by alias namespace then alias. */
export function aliasSnapshots(store: PolarisStore): AliasSnapshot[] {
  return [...store.aliases.entries()].sort(([a], [b]) => cmp(a, b)).map(([, s]) => drop(s));
}

/** Returns instance snapshots matching a filter, sorted by namespace, service, host, port. */
export function instanceSnapshots(
  store: PolarisStore,
  filter: InstanceFilter = {},
): InstanceSnapshot[] {
  const source = filter.namespace === undefined
    ? [...store.instances.values()]
    : filter.service === undefined
    ? store.instancesIn(filter.namespace)
    : store.instancesOf(filter.namespace, filter.service);
  return source.filter((r) =>
    (filter.namespace === undefined || r.namespace === filter.namespace) &&
    (filter.service === undefined || r.service === filter.service) &&
    (filter.host === undefined || r.host === filter.host) &&
    (filter.port === undefined || r.port === filter.port) &&
    Object.entries(filter.metadata ?? {}).every(([k, v]) => r.metadata[k] === v)
  ).sort((a, b) =>
    cmp(a.namespace, b.namespace) || cmp(a.service, b.service) ||
    cmp(a.host, b.host) || a.port - b.port || cmp(a.id, b.id)
  ).map(drop);
}
