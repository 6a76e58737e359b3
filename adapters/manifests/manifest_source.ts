/**
 * The cluster source of `deno task dev` (README): a folder of Kubernetes manifests, watched so
 * that editing a YAML file re-syncs.
 *
 * @module
 */

import type { LogFn, LogLevel } from "../log/log_level.ts";
import type {
  ClusterChange,
  ClusterSource,
  ClusterSourceStatus,
  ResourceStatus,
} from "../../domain/cluster.ts";
import { serviceKey } from "../../domain/keys.ts";
import type { EndpointGroup, NamespaceInfo, ServiceInfo } from "../../domain/kubernetes.ts";
import {
  buildManifestSnapshot,
  type ManifestSnapshot,
  snapshotChanges,
} from "./manifest_snapshot.ts";
import { EMPTY_MANIFEST_FILE, type ManifestFile } from "./manifest_objects.ts";
import { parseManifestFile } from "./parse_manifest_file.ts";

/** Options of `createManifestSource`. */
export interface ManifestSourceOptions {
  /** The `clusterName` of every instance synced from this folder. */
  readonly clusterName: string;
  /** The folder whose `*.yaml` and `*.yml` files describe the cluster (not read recursively). */
  readonly dir: string;
  /** Watch the folder and re-read it on change (default true). */
  readonly watch?: boolean;
  /** Quiet time after the last file event before the folder is re-read (default 100). */
  readonly debounceMs?: number;
  /** Defaults to the console (debug messages dropped). */
  /** Where it writes what it notices (broken files, duplicates, skipped objects). */
  readonly log?: LogFn;
}

/** A manifest-folder cluster source, with a way to re-read the folder on demand. */
export interface ManifestSource extends ClusterSource {
  /** Re-reads the folder now and emits the changes; resolves once they are emitted. */
  reload(): Promise<void>;
}

interface FileState {
  text: string;
  content: ManifestFile;
  version: number;
  error?: string;
}

const DEFAULT_DEBOUNCE_MS = 100;

/**
 * Creates a cluster source that reads a folder of manifests (README). Every `*.yaml`/`*.yml` file
 * may hold several documents of kind Namespace, Service, Pod, EndpointSlice (`v1` or `v1beta1`),
 * Endpoints or List. Services with a selector get endpoints derived from the Pods of the folder as
 * kube-controller-manager would derive them; explicit EndpointSlices or Endpoints are used as
 * written. Namespaces that objects live in but no file declares exist without annotations.
 *
 * `start()` reads the folder (and rejects when it cannot be listed), emits a change for every key,
 * then `{ kind: "synced" }`, then watches the folder. After `debounceMs` without file events it
 * re-reads and emits a change for each namespace and Service whose reduced state differs. A file
 * that cannot be parsed is logged with its name and keeps its last good content, so a half-saved
 * edit never deletes anything.
 */
export function createManifestSource(options: ManifestSourceOptions): ManifestSource {
  return new FolderSource(options);
}

class FolderSource implements ManifestSource {
  readonly clusterName: string;
  #dir: string;
  #watch: boolean;
  #debounceMs: number;
  #log: LogFn;
  #files = new Map<string, FileState>();
  #snapshot: ManifestSnapshot = buildManifestSnapshot([]).snapshot;
  #listeners = new Set<(change: ClusterChange) => void>();
  #synced = false;
  #phase: "idle" | "watching" | "stopped" = "idle";
  #generation = 0;
  #folderError: string | undefined;
  #queue: Promise<void> = Promise.resolve();
  #watcher: Deno.FsWatcher | undefined;
  #watchLoop: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ManifestSourceOptions) {
    this.clusterName = options.clusterName;
    this.#dir = options.dir;
    this.#watch = options.watch ?? true;
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#log = options.log ?? consoleLog;
  }

  get synced(): boolean {
    return this.#synced;
  }

  async start(): Promise<void> {
    if (this.#phase !== "idle") {
      throw new Error(`Cannot start the manifest source of "${this.#dir}": it is ${this.#phase}`);
    }
    await this.reload();
    this.#synced = true;
    this.#emit({ kind: "synced" });
    this.#phase = "watching";
    if (this.#watch) {
      this.#watcher = Deno.watchFs(this.#dir, { recursive: false });
      this.#watchLoop = this.#consume(this.#watcher);
    }
  }

  async stop(): Promise<void> {
    this.#phase = "stopped";
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#watchLoop;
    await this.#queue;
  }

  reload(): Promise<void> {
    const next = this.#queue.then(() => this.#readFolder());
    this.#queue = next.catch(() => {});
    return next;
  }

  subscribe(listener: (change: ClusterChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.#snapshot.namespaces.get(name);
  }

  service(namespace: string, name: string): ServiceInfo | undefined {
    return this.#snapshot.services.get(serviceKey(namespace, name));
  }

  services(): Iterable<ServiceInfo> {
    return this.#snapshot.services.values();
  }

  servicesInNamespace(namespace: string): Iterable<ServiceInfo> {
    return this.#snapshot.servicesByNamespace.get(namespace) ?? [];
  }

  endpoints(namespace: string, service: string): readonly EndpointGroup[] {
    return this.#snapshot.endpoints.get(serviceKey(namespace, service)) ?? [];
  }

  podLabels(namespace: string, pod: string): Readonly<Record<string, string>> | undefined {
    return this.#snapshot.podLabels.get(`${namespace}/${pod}`);
  }

  status(): ClusterSourceStatus {
    const phase = this.#phase === "idle"
      ? "listing"
      : this.#phase === "stopped" || !this.#watch
      ? "stopped"
      : "watching";
    const folder: ResourceStatus = {
      resource: `folder ${this.#dir}`,
      phase,
      resourceVersion: String(this.#generation),
      objects: [...this.#files.values()].reduce((sum, file) => sum + countObjects(file.content), 0),
      restarts: 0,
      ...(this.#folderError ? { lastError: this.#folderError } : {}),
    };
    const files = [...this.#files].map(([name, file]): ResourceStatus => ({
      resource: `file ${name}`,
      phase,
      resourceVersion: String(file.version),
      objects: countObjects(file.content),
      restarts: 0,
      ...(file.error ? { lastError: file.error } : {}),
    }));
    return { clusterName: this.clusterName, synced: this.#synced, resources: [folder, ...files] };
  }

  async #consume(watcher: Deno.FsWatcher): Promise<void> {
    try {
      for await (const event of watcher) {
        if (event.paths.some(isManifestPath)) this.#schedule();
      }
    } catch (cause) {
      this.#log("error", `Cannot watch manifest folder "${this.#dir}": ${messageOf(cause)}`, {
        cluster: this.clusterName,
      });
    }
  }

  #schedule(): void {
    if (this.#phase !== "watching") return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // #readFolder logs its own failures; reload() only rejects when the folder is unreadable.
      this.reload().catch(() => {});
    }, this.#debounceMs);
  }

  async #readFolder(): Promise<void> {
    let names: string[];
    try {
      names = await listManifestFiles(this.#dir);
      this.#folderError = undefined;
    } catch (cause) {
      this.#folderError = `cannot list the folder: ${messageOf(cause)}`;
      this.#log("error", `Cannot read manifest folder "${this.#dir}": ${messageOf(cause)}`, {
        cluster: this.clusterName,
      });
      throw new Error(`Cannot read manifest folder "${this.#dir}"`, { cause });
    }
    const next = new Map<string, FileState>();
    for (const name of names) {
      const state = await this.#readFile(name, this.#files.get(name));
      if (state) next.set(name, state);
    }
    this.#files = next;
    this.#generation += 1;
    const { snapshot, duplicates } = buildManifestSnapshot(
      [...next].map(([fileName, state]) => ({ fileName, content: state.content })),
    );
    for (const duplicate of duplicates) {
      this.#log("warn", duplicate, { cluster: this.clusterName, dir: this.#dir });
    }
    const changes = snapshotChanges(this.#snapshot, snapshot);
    this.#snapshot = snapshot;
    if (changes.length > 0) {
      this.#log("debug", `Manifest folder "${this.#dir}" changed ${changes.length} keys`, {
        cluster: this.clusterName,
      });
    }
    for (const change of changes) this.#emit(change);
  }

  /** Returns the new state of one file, or undefined when it vanished since it was listed. */
  async #readFile(name: string, previous: FileState | undefined): Promise<FileState | undefined> {
    const fields = { cluster: this.clusterName, file: name, dir: this.#dir };
    let text: string;
    try {
      text = await Deno.readTextFile(`${this.#dir}/${name}`);
    } catch (cause) {
      if (cause instanceof Deno.errors.NotFound) return undefined;
      const error = `Cannot read manifest file "${name}": ${messageOf(cause)}`;
      this.#log("error", `${error}; keeping its last good content`, fields);
      return { ...(previous ?? initialState()), error };
    }
    if (previous && previous.text === text) return previous;
    try {
      const content = parseManifestFile(text, name);
      for (const note of content.skipped) this.#log("debug", `Skipped ${note}`, fields);
      if (previous?.error) this.#log("info", `Manifest file "${name}" is valid again`, fields);
      return { text, content, version: (previous?.version ?? 0) + 1 };
    } catch (cause) {
      const error = messageOf(cause);
      this.#log("error", `${error}; keeping its last good content`, fields);
      // Remember the broken text so that an unchanged broken file is not reported at every event.
      return { ...(previous ?? initialState()), text, error };
    }
  }

  #emit(change: ClusterChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (cause) {
        this.#log("error", `A listener of the manifest source failed: ${messageOf(cause)}`, {
          cluster: this.clusterName,
          change,
        });
      }
    }
  }
}

function initialState(): FileState {
  return { text: "", content: EMPTY_MANIFEST_FILE, version: 0 };
}

async function listManifestFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if ((entry.isFile || entry.isSymlink) && isManifestPath(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

function isManifestPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return !base.startsWith(".") && (base.endsWith(".yaml") || base.endsWith(".yml"));
}

function countObjects(content: ManifestFile): number {
  return content.namespaces.length + content.services.length + content.pods.length +
    content.endpoints.length;
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function consoleLog(level: LogLevel, message: string, fields?: Record<string, unknown>) {
  if (level === "debug") return;
  const line = fields ? `${message} ${JSON.stringify(fields)}` : message;
  if (level === "info") console.log(line);
  else console.error(line);
}
