/**
 * Finds and loads the kubeconfig of one cluster: a file, the Pod's ServiceAccount, or the default
 * places in client-go's order (`KUBECONFIG`, `~/.kube/config`, in-cluster). Unlike
 * @kubernetes/client-node's `loadFromDefault`, which falls back to `http://localhost:8080` when it
 * finds nothing (and every request then fails with "HTTP protocol is not allowed when
 * skipTLSVerify is not set", forever), finding nothing is an error that says where we looked.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { KubeConfig } from "@kubernetes/client-node";

/** Where to find the cluster: a kubeconfig file and context, in-cluster config, or the default. */
export interface KubeClientOptions {
  readonly kubeconfigPath?: string;
  readonly context?: string;
  readonly inCluster?: boolean;
  /** The clusterName the config is for, named in error messages. */
  readonly clusterName?: string;
}

/** A loaded kubeconfig and what was used of it, for the start-up log. */
export interface LoadedKubeConfig {
  readonly config: KubeConfig;
  /** The file read, or `in-cluster ServiceAccount`. */
  readonly source: string;
  readonly context: string;
  /** The API server URL of the context. */
  readonly server: string;
}

/** What the default search reads; injected by tests. */
export interface KubeConfigPlaces {
  /** `KUBECONFIG`; client-node reads it itself, this says whether it is set. */
  readonly kubeconfigEnv?: string;
  readonly home?: string;
  /** Whether a file exists. */
  readonly exists?: (path: string) => boolean;
}

/** The ServiceAccount token of a Pod, the sign of running in one (as client-node checks it). */
export const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Loads a `KubeConfig` from the options (file, context, in-cluster, or the default places). */
export function loadKubeConfig(options: KubeClientOptions): KubeConfig {
  return findKubeConfig(options).config;
}

/**
 * Loads the kubeconfig the options name, or the first of the default places that exists, and
 * says which it was. Throws an `Error` whose message names the file and the problem (no such
 * file, bad YAML, a context that is not there, no cluster in it), or, when nothing was found,
 * every place looked at.
 */
export function findKubeConfig(
  options: KubeClientOptions,
  places: KubeConfigPlaces = {},
): LoadedKubeConfig {
  const of = options.clusterName === undefined ? "" : ` of cluster "${options.clusterName}"`;
  const config = new KubeConfig();
  const source = options.inCluster
    ? "in-cluster ServiceAccount"
    : options.kubeconfigPath ?? defaultSource(places, of);
  const what = source === "in-cluster ServiceAccount"
    ? `the in-cluster ServiceAccount${of}`
    : `the kubeconfig "${source}"${of}`;
  try {
    if (source === "in-cluster ServiceAccount") config.loadFromCluster();
    else if (source === "$KUBECONFIG") config.loadFromDefault();
    else config.loadFromFile(source);
  } catch (cause) {
    throw new Error(`Cannot read ${what}: ${fileProblem(cause)}`, { cause });
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => `"${c.name}"`).join(", ") || "none";
      throw new Error(
        `Cannot use ${what}: it has no context "${options.context}" (its contexts: ${known})`,
      );
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    const context = config.getCurrentContext();
    throw new Error(
      context
        ? `Cannot use ${what}: its context "${context}" names no cluster`
        : `Cannot use ${what}: it has no current-context; give a context or set current-context`,
    );
  }
  return {
    config,
    source: source === "$KUBECONFIG" ? `$KUBECONFIG (${places.kubeconfigEnv})` : source,
    context: config.getCurrentContext(),
    server: cluster.server,
  };
}

/** The first default place that exists: `$KUBECONFIG`, `~/.kube/config`, the ServiceAccount. */
function defaultSource(places: KubeConfigPlaces, of: string): string {
  const env = places.kubeconfigEnv ?? readEnv("KUBECONFIG");
  if (env !== undefined && env !== "") return "$KUBECONFIG";
  const exists = places.exists ?? existsSync;
  const home = places.home ?? homeDir();
  const file = home === undefined ? undefined : `${home}/.kube/config`;
  if (file !== undefined && exists(file)) return file;
  if (exists(SERVICE_ACCOUNT_TOKEN)) return "in-cluster ServiceAccount";
  throw new Error(
    `Cannot find a kubeconfig${of}: KUBECONFIG is not set, ${
      file === undefined ? "there is no home folder" : `"${file}" does not exist`
    }, and this is not a Pod ("${SERVICE_ACCOUNT_TOKEN}" does not exist); give --kubeconfig FILE or set KUBECONFIG`,
  );
}

/** The problem of a kubeconfig file that cannot be read, in a few words. */
function fileProblem(cause: unknown): string {
  const code = typeof cause === "object" && cause !== null && "code" in cause
    ? cause.code
    : undefined;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split("\n")[0];
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // without --allow-env: as if unset
  }
}

/** `HOME` (what `--allow-env` gives), else `os.homedir()` (which needs `--allow-sys=homedir`). */
function homeDir(): string | undefined {
  const home = readEnv("HOME");
  if (home) return home;
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
