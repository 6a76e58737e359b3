/**
 * The Polaris HTTP API emulator (emulator/README.md): an in-memory server for `deno task dev`,
 * tests and benchmarks, faithful to `reference/polaris-openapi.md` and strict where server versions
 * differ (unknown JSON fields are 400001, as v1.18.1 answers).
 *
 * Transport note: it listens with `node:http`, not `Deno.serve`, because the `drop` fault must
 * close a connection without any answer and `Deno.serve` always writes a status line.
 *
 * @example
 * ```ts ignore
 * const polaris = await startPolarisEmulator({ port: 0 });
 * try {
 *   const res = await fetch(`${polaris.url}/`);
 *   console.log(await res.text()); // Polaris Server
 * } finally {
 *   await polaris.stop();
 * }
 * ```
 *
 * @module
 */

import {
  type AliasSnapshot,
  aliasSnapshots,
  deleteInstanceDirect,
  type InstanceFilter,
  type InstancePatch,
  type InstanceSnapshot,
  instanceSnapshots,
  type InstanceTarget,
  type NamespaceSnapshot,
  namespaceSnapshots,
  type SeedAlias,
  seedAliases,
  type SeedInstance,
  seedInstances,
  type SeedNamespace,
  seedNamespaces,
  type SeedService,
  seedServices,
  type ServiceSnapshot,
  serviceSnapshots,
  updateInstanceDirect,
} from "./direct.ts";
import { type Fault, FaultInjector } from "./faults.ts";
import { createPolarisHandler } from "./handler.ts";
import type { ValidationMode } from "./run_batch.ts";
import { serveHandler } from "./server.ts";
import { PolarisStore } from "./store.ts";

export type {
  AliasSnapshot,
  Fault,
  InstanceFilter,
  InstancePatch,
  InstanceSnapshot,
  InstanceTarget,
  NamespaceSnapshot,
  SeedAlias,
  SeedInstance,
  SeedNamespace,
  SeedService,
  ServiceSnapshot,
  ValidationMode,
};
export type { FaultKind, FaultMatch } from "./faults.ts";
export { Code } from "./codes.ts";
export { instanceId } from "./validate.ts";

/** Options of {@link startPolarisEmulator}. */
export interface PolarisEmulatorOptions {
  /** Port to bind; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Address to bind; `127.0.0.1` by default. */
  readonly hostname?: string;
  /** When set, `/naming/v1` requests need `X-Polaris-Token` equal to it (else 401001). */
  readonly token?: string;
  /** `whole-batch` (default, HEAD) or `per-item` (v1.18.1) answers to invalid batch items. */
  readonly validation?: ValidationMode;
  /** `namespace.autoCreate` (default true): instance/service creates make missing namespaces. */
  readonly autoCreateNamespace?: boolean;
  /** `naming.autoCreate` (default true): instance creates make missing services. */
  readonly autoCreateService?: boolean;
  /** Clock for ctime/mtime text and fault windows (`forMs`), epoch ms; `Date.now` by default. */
  readonly now?: () => number;
  /** Waits for injected latency; a real timer (cut short by `stop()`) by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Read accessors over the emulator's state; every call returns fresh plain objects. */
export interface PolarisEmulatorState {
  namespaces(): NamespaceSnapshot[];
  services(): ServiceSnapshot[];
  aliases(): AliasSnapshot[];
  instances(filter?: InstanceFilter): InstanceSnapshot[];
}

/** A running emulator. */
export interface PolarisEmulator {
  /** Base URL, e.g. `http://127.0.0.1:8090`. */
  readonly url: string;
  readonly port: number;
  readonly hostname: string;
  readonly state: PolarisEmulatorState;
  /** Stops listening, closes connections and waits for requests in flight. */
  stop(): Promise<void>;
  seedNamespaces(namespaces: readonly (string | SeedNamespace)[]): void;
  seedServices(services: readonly SeedService[]): void;
  seedAliases(aliases: readonly SeedAlias[]): void;
  /** Writes instances directly (upsert); returns their ids. */
  seedInstances(instances: readonly SeedInstance[]): string[];
  /** Deletes an instance as a console user would; returns whether it existed. */
  deleteInstanceDirect(target: InstanceTarget): boolean;
  /** Edits an instance as a console user would; `undefined` when it does not exist. */
  updateInstanceDirect(target: InstanceTarget, patch: InstancePatch): InstanceSnapshot | undefined;
  /** Request counts keyed `"METHOD /path"` (query left out), faulted requests included. */
  requests(): Record<string, number>;
  resetRequests(): void;
  /** Adds a fault; returns a function that removes it. */
  injectFault(fault: Fault): () => void;
  clearFaults(): void;
}

function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done);
    });
}

/**
 * Starts the emulator on `hostname:port` and resolves once it listens. The registry starts with
 * the namespaces `default` and `Polaris`, as a fresh server does.
 */
export async function startPolarisEmulator(
  options: PolarisEmulatorOptions = {},
): Promise<PolarisEmulator> {
  const now = options.now ?? Date.now;
  const store = new PolarisStore({ now });
  const faults = new FaultInjector(now);
  const stopping = new AbortController();
  const handler = createPolarisHandler(store, {
    validation: options.validation ?? "whole-batch",
    autoCreateNamespace: options.autoCreateNamespace ?? true,
    autoCreateService: options.autoCreateService ?? true,
    token: options.token,
    faults,
    sleep: options.sleep ?? abortableSleep(stopping.signal),
  });
  const hostname = options.hostname ?? "127.0.0.1";
  const server = await serveHandler(handler.handle, { hostname, port: options.port ?? 0 });
  const urlHost = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${urlHost}:${server.port}`,
    port: server.port,
    hostname,
    state: {
      namespaces: () => namespaceSnapshots(store),
      services: () => serviceSnapshots(store),
      aliases: () => aliasSnapshots(store),
      instances: (filter) => instanceSnapshots(store, filter),
    },
    async stop() {
      stopping.abort();
      await server.close();
    },
    seedNamespaces: (namespaces) =>
      seedNamespaces(store, namespaces.map((n) => typeof n === "string" ? { name: n } : n)),
    seedServices: (services) => seedServices(store, services),
    seedAliases: (aliases) => seedAliases(store, aliases),
    seedInstances: (instances) => seedInstances(store, instances),
    deleteInstanceDirect: (target) => deleteInstanceDirect(store, target),
    updateInstanceDirect: (target, patch) => updateInstanceDirect(store, target, patch),
    requests: handler.requests,
    resetRequests: handler.resetRequests,
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };
}
