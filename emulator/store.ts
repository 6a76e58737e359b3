/**
 * The emulator's in-memory Polaris registry: namespaces, services, aliases and instances, with a
 * logical clock so that `mtime` ordering is deterministic. No HTTP here; the operation modules
 * (`namespace_ops.ts`, `service_ops.ts`, `alias_ops.ts`, `instance_ops.ts`) write through it.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** A stored namespace. */
export interface NamespaceRecord {
  name: string;
  comment: string;
  owners: string;
  token: string;
  serviceExportTo: string[];
  ctime: string;
  mtime: string;
  seq: number;
}

/** A stored service (aliases are kept apart, in {@link AliasRecord}). */
export interface ServiceRecord {
  id: string;
  name: string;
  namespace: string;
  metadata: Record<string, string>;
  ports: string;
  business: string;
  department: string;
  cmdbMod1: string;
  cmdbMod2: string;
  cmdbMod3: string;
  comment: string;
  owners: string;
  platformId: string;
  exportTo: string[];
  token: string;
  revision: string;
  ctime: string;
  mtime: string;
  seq: number;
}

/** A stored service alias: `aliasNamespace/alias` points at `namespace/service`. */
export interface AliasRecord {
  id: string;
  alias: string;
  aliasNamespace: string;
  service: string;
  namespace: string;
  type: number;
  owners: string;
  comment: string;
  ctime: string;
  mtime: string;
  seq: number;
}

/** A heartbeat health check as stored (type 1 = HEARTBEAT). */
export interface HealthCheckRecord {
  type: number;
  ttl: number;
}

/** A stored instance, metadata in full (including keys the list output hides). */
export interface InstanceRecord {
  id: string;
  service: string;
  namespace: string;
  vpcId: string;
  host: string;
  port: number;
  protocol: string;
  version: string;
  priority: number;
  weight: number;
  enableHealthCheck: boolean;
  healthCheck: HealthCheckRecord | null;
  healthy: boolean;
  isolate: boolean;
  location: { region: string; zone: string; campus: string };
  metadata: Record<string, string>;
  logicSet: string;
  revision: string;
  ctime: string;
  mtime: string;
  seq: number;
}

/** One tick of the logical clock: an ordering sequence and the formatted wall time. */
export interface Stamp {
  readonly seq: number;
  readonly time: string;
}

/** Options of {@link PolarisStore}. */
export interface PolarisStoreOptions {
  /** Wall clock in epoch milliseconds, for ctime/mtime text; `Date.now` by default. */
  readonly now?: () => number;
}

/** Returns the lowercase hex SHA-1 of a text. */
export function sha1Hex(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Formats epoch milliseconds as Polaris does, `"2006-01-02 15:04:05"` (UTC here). */
export function formatPolarisTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace("T", " ");
}

/** Returns the `"<namespace>/<name>"` map key of a service or alias. */
export function nameKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Holds the registry. Writers call {@link PolarisStore.tick} once per request so that every item
 * of one batch shares an mtime (as items written within one second do), and later requests sort
 * after earlier ones.
 *
 * Instances are indexed by service and by namespace, so that a list query naming either does not
 * walk every instance.
 */
export class PolarisStore {
  /** Namespaces by name. */
  readonly namespaces: Map<string, NamespaceRecord> = new Map();
  /** Services by `namespace/name`. */
  readonly services: Map<string, ServiceRecord> = new Map();
  /** Aliases by `aliasNamespace/alias`. */
  readonly aliases: Map<string, AliasRecord> = new Map();
  /** Instances by id. */
  readonly instances: Map<string, InstanceRecord> = new Map();
  #byService: Map<string, Set<string>> = new Map();
  #byNamespace: Map<string, Set<string>> = new Map();
  #seq = 0;
  #revision = 0;
  #now: () => number;

  /** Creates a store holding the namespaces `default` and `Polaris`, as a fresh server does. */
  constructor(options: PolarisStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    const stamp = this.tick();
    for (const name of ["default", "Polaris"]) this.putNamespace(name, stamp, "polaris");
  }

  /**
   * Counts changes: it grows with every {@link PolarisStore.tick} (every write request), every
   * instance stored or removed and every {@link PolarisStore.touch}, and never goes back. A reader
   * may keep an answer derived from the instances while the revision stays the same; an in-place
   * edit of a record must therefore end with `touch()`, as every writer here does.
   */
  get revision(): number {
    return this.#revision;
  }

  /** Advances the logical clock and returns the new stamp. */
  tick(): Stamp {
    this.#seq += 1;
    this.#revision += 1;
    return { seq: this.#seq, time: formatPolarisTime(this.#now()) };
  }

  /** Returns a deterministic 32-hex id for a new service, alias or token. */
  newId(kind: string, key: string, stamp: Stamp): string {
    return sha1Hex(`${kind}##${key}##${stamp.seq}`).slice(0, 32);
  }

  /** Marks a changed instance or service: new mtime, list order and revision. */
  touch(record: { mtime: string; seq: number; revision: string }, key: string, stamp: Stamp): void {
    record.mtime = stamp.time;
    record.seq = stamp.seq;
    record.revision = this.newId("revision", key, stamp);
    this.#revision += 1;
  }

  /** Creates a namespace (replacing any with that name) and returns it. */
  putNamespace(name: string, stamp: Stamp, owners = "Polaris"): NamespaceRecord {
    const record: NamespaceRecord = {
      name,
      comment: "",
      owners,
      token: this.newId("namespace-token", name, stamp),
      serviceExportTo: [],
      ctime: stamp.time,
      mtime: stamp.time,
      seq: stamp.seq,
    };
    this.namespaces.set(name, record);
    return record;
  }

  /** Creates a service with empty attributes (replacing any with that key) and returns it. */
  putService(namespace: string, name: string, stamp: Stamp, owners = "Polaris"): ServiceRecord {
    const key = nameKey(namespace, name);
    const record: ServiceRecord = {
      id: this.newId("service", key, stamp),
      name,
      namespace,
      metadata: {},
      ports: "",
      business: "",
      department: "",
      cmdbMod1: "",
      cmdbMod2: "",
      cmdbMod3: "",
      comment: "",
      owners,
      platformId: "",
      exportTo: [],
      token: this.newId("service-token", key, stamp),
      revision: this.newId("revision", key, stamp),
      ctime: stamp.time,
      mtime: stamp.time,
      seq: stamp.seq,
    };
    this.services.set(key, record);
    return record;
  }

  /** Stores an instance (replacing the one with its id) and keeps the service and namespace indexes. */
  putInstance(record: InstanceRecord): void {
    this.removeInstance(record.id);
    this.instances.set(record.id, record);
    addTo(this.#byService, nameKey(record.namespace, record.service), record.id);
    addTo(this.#byNamespace, record.namespace, record.id);
    this.#revision += 1;
  }

  /** Removes an instance by id; returns whether it existed. */
  removeInstance(id: string): boolean {
    const old = this.instances.get(id);
    if (old === undefined) return false;
    this.instances.delete(id);
    removeFrom(this.#byService, nameKey(old.namespace, old.service), id);
    removeFrom(this.#byNamespace, old.namespace, id);
    this.#revision += 1;
    return true;
  }

  /** Returns the instances of one service (no copy). */
  instancesOf(namespace: string, service: string): InstanceRecord[] {
    return this.#records(this.#byService.get(nameKey(namespace, service)));
  }

  /** Returns the instances of one namespace, every service (no copy). */
  instancesIn(namespace: string): InstanceRecord[] {
    return this.#records(this.#byNamespace.get(namespace));
  }

  #records(ids: ReadonlySet<string> | undefined): InstanceRecord[] {
    if (ids === undefined) return [];
    const out: InstanceRecord[] = [];
    for (const id of ids) {
      const record = this.instances.get(id);
      if (record !== undefined) out.push(record);
    }
    return out;
  }

  /** Returns whether a name is taken in a namespace by a service or an alias. */
  nameTaken(namespace: string, name: string): boolean {
    const key = nameKey(namespace, name);
    return this.services.has(key) || this.aliases.has(key);
  }

  /** Returns the aliases that point at a service. */
  aliasesOf(namespace: string, service: string): AliasRecord[] {
    return [...this.aliases.values()].filter((a) =>
      a.namespace === namespace && a.service === service
    );
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key);
  if (ids === undefined) index.set(key, ids = new Set());
  ids.add(id);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}
