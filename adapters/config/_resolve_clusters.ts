/**
 * Works out the cluster sources from `clusters`, `clusterName`, the kubeconfig and `--dev`.
 * Private to the config folder.
 *
 * @module
 */

import type { FileOutput } from "./_file_schema.ts";
import { ConfigError, nonEmpty, show } from "./_values.ts";
import type { ClusterConfig, ClusterOrigin } from "./config.ts";
import { DEFAULTS } from "./defaults.ts";
import type { CliFlags } from "./flags.ts";

/** What the cluster list depends on besides the file. */
export interface ClusterInputs {
  readonly flags: CliFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly inCluster?: boolean;
  readonly examplesDir?: string;
  /** Config paths set by a flag, mapped to the flag's name. */
  readonly origins: ReadonlyMap<string, string>;
}

/**
 * Returns the cluster sources: the `clusters` list when given (several clusters in one
 * process, SPEC §2); else the example manifest folders with `--dev` and no kubeconfig (SPEC §7);
 * else one cluster named by `clusterName`, read through `--kubeconfig`, `KUBECONFIG`, the Pod's
 * ServiceAccount or the default kubeconfig, in that order. Throws `ConfigError` on a missing or
 * duplicate clusterName.
 */
export function resolveClusters(
  file: FileOutput,
  inputs: ClusterInputs,
  warnings: string[],
): ClusterConfig[] {
  const { flags, origins } = inputs;
  if (flags.kubeconfig !== undefined && flags.kubeconfig.trim() === "") {
    throw new ConfigError(`--kubeconfig is ""; expected a kubeconfig file path`);
  }
  const kubeconfig = nonEmpty(flags.kubeconfig) ?? nonEmpty(inputs.env.KUBECONFIG);
  const inCluster = inputs.inCluster ?? nonEmpty(inputs.env.KUBERNETES_SERVICE_HOST) !== undefined;
  const fallback: ClusterOrigin = kubeconfig !== undefined
    ? { kind: "kubeconfig", path: kubeconfig }
    : inCluster && !flags.dev
    ? { kind: "in-cluster" }
    : { kind: "kubeconfig" };
  if (file.clusters) {
    if (origins.has("clusterName")) {
      const expected =
        "expected no --cluster-name when the config file lists clusters (name each in clusters[].clusterName)";
      throw new ConfigError(`--cluster-name is ${show(file.clusterName)}; ${expected}`);
    }
    if (file.clusterName) warnings.push("Ignoring clusterName: the config file lists clusters");
    return listedClusters(file.clusters, { kubeconfig, fallback });
  }
  if (flags.dev && kubeconfig === undefined) {
    if (file.clusterName) {
      const source = origins.get("clusterName") ?? "clusterName";
      warnings.push(`Ignoring ${source} with --dev: the example clusters have their own names`);
    }
    const dir = inputs.examplesDir ?? "examples";
    return DEFAULTS.devClusters.map((name) => ({
      clusterName: name,
      origin: { kind: "manifests", dir: `${dir}/${name}` },
    }));
  }
  if (file.clusterName) return [{ clusterName: file.clusterName, origin: fallback }];
  if (flags.dev) {
    warnings.push(`No clusterName given with --dev; using ${show(DEFAULTS.devClusterName)}`);
    return [{ clusterName: DEFAULTS.devClusterName, origin: fallback }];
  }
  throw new ConfigError(
    "clusterName is missing; expected the name of this cluster in clusterName or --cluster-name (or a clusters list)",
  );
}

type ClusterEntry = NonNullable<FileOutput["clusters"]>[number];

function listedClusters(
  entries: readonly ClusterEntry[],
  defaults: { readonly kubeconfig?: string; readonly fallback: ClusterOrigin },
): ClusterConfig[] {
  const seen = new Map<string, number>();
  return entries.map((entry, index) => {
    const at = `clusters[${index}]`;
    const name = entry.clusterName;
    if (!name) {
      throw new ConfigError(`${at}.clusterName is missing; expected a non-empty cluster name`);
    }
    const first = seen.get(name);
    if (first !== undefined) {
      const expected = `expected a name not already used by clusters[${first}]`;
      throw new ConfigError(`${at}.clusterName is ${show(name)}; ${expected}`);
    }
    seen.set(name, index);
    if (entry.manifests && (entry.kubeconfig || entry.context)) {
      const expected = "expected either manifests or kubeconfig/context, not both";
      throw new ConfigError(`${at}.manifests is ${show(entry.manifests)}; ${expected}`);
    }
    if (entry.manifests) {
      return { clusterName: name, origin: { kind: "manifests", dir: entry.manifests } };
    }
    if (!entry.kubeconfig && !entry.context) {
      return { clusterName: name, origin: defaults.fallback };
    }
    const path = entry.kubeconfig ?? defaults.kubeconfig;
    const origin: ClusterOrigin = {
      kind: "kubeconfig",
      ...(path === undefined ? {} : { path }),
      ...(entry.context === undefined ? {} : { context: entry.context }),
    };
    return { clusterName: name, origin };
  });
}
