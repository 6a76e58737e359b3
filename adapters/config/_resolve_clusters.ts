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
import type { CliFlags } from "./parse_args.ts";

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
  const kubeconfig = nonEmpty(flags.kubeconfig) ?? nonEmpty(inputs.env.KUBECONFIG);
  if (flags.kubeconfig !== undefined && flags.kubeconfig.trim() === "") {
    throw new ConfigError(`--kubeconfig is ""; expected a kubeconfig file path`);
  }
  const inCluster = inputs.inCluster ??
    nonEmpty(inputs.env.KUBERNETES_SERVICE_HOST) !== undefined;
  const fallback: ClusterOrigin = kubeconfig !== undefined
    ? { kind: "kubeconfig", path: kubeconfig }
    : inCluster && !flags.dev
    ? { kind: "in-cluster" }
    : { kind: "kubeconfig" };
  if (file.clusters) {
    if (origins.has("clusterName")) {
      throw new ConfigError(
        `--cluster-name is ${
          show(file.clusterName)
        }; expected no --cluster-name when the config file lists clusters (name each in clusters[].clusterName)`,
      );
    }
    if (file.clusterName) warnings.push("Ignoring clusterName: the config file lists clusters");
    const seen = new Map<string, number>();
    return file.clusters.map((entry, index) => {
      const at = `clusters[${index}]`;
      if (!entry.clusterName) {
        throw new ConfigError(`${at}.clusterName is missing; expected a non-empty cluster name`);
      }
      const first = seen.get(entry.clusterName);
      if (first !== undefined) {
        throw new ConfigError(
          `${at}.clusterName is ${
            show(entry.clusterName)
          }; expected a name not already used by clusters[${first}]`,
        );
      }
      seen.set(entry.clusterName, index);
      if (entry.manifests && (entry.kubeconfig || entry.context)) {
        throw new ConfigError(
          `${at}.manifests is ${
            show(entry.manifests)
          }; expected either manifests or kubeconfig/context, not both`,
        );
      }
      const origin: ClusterOrigin = entry.manifests
        ? { kind: "manifests", dir: entry.manifests }
        : entry.kubeconfig || entry.context
        ? {
          kind: "kubeconfig",
          ...(entry.kubeconfig ?? kubeconfig ? { path: entry.kubeconfig ?? kubeconfig } : {}),
          ...(entry.context ? { context: entry.context } : {}),
        }
        : fallback;
      return { clusterName: entry.clusterName, origin };
    });
  }
  if (flags.dev && kubeconfig === undefined) {
    if (file.clusterName) {
      warnings.push(
        `Ignoring ${
          origins.get("clusterName") ?? "clusterName"
        } with --dev: the example clusters have their own names`,
      );
    }
    const dir = inputs.examplesDir ?? "examples";
    return DEFAULTS.devClusters.map((name) => ({
      clusterName: name,
      origin: { kind: "manifests", dir: `${dir}/${name}` },
    }));
  }
  if (!file.clusterName) {
    if (flags.dev) {
      warnings.push(`No clusterName given with --dev; using ${show(DEFAULTS.devClusterName)}`);
      return [{ clusterName: DEFAULTS.devClusterName, origin: fallback }];
    }
    throw new ConfigError(
      "clusterName is missing; expected the name of this cluster in clusterName or --cluster-name (or a clusters list)",
    );
  }
  return [{ clusterName: file.clusterName, origin: fallback }];
}
