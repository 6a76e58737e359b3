/**
 * Builds the running system from the configuration: one cluster source per configured cluster,
 * the Polaris client, the shared writer, the supervisor, and the operator view the HTTP endpoints
 * read. `main.ts` only wires process concerns (signals, exit codes) around it.
 *
 * @module
 */

import type { ClusterSource } from "../domain/cluster.ts";
import type { Config } from "../adapters/config/config.ts";
import { createKubernetesSource } from "../adapters/kubernetes/kubernetes_source.ts";
import type { Logger } from "../adapters/log/mod.ts";
import { createManifestSource } from "../adapters/manifests/mod.ts";
import { PolarisClient } from "../adapters/polaris/mod.ts";
import type { OperatorView } from "../adapters/http/operator_view.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { Supervisor } from "./supervisor.ts";
import { Writer } from "./writer.ts";
import { createMetrics, type EngineMetrics } from "./metrics.ts";
import { createOperatorView } from "./operator.ts";

/** The running system. */
export interface System {
  readonly supervisor: Supervisor;
  readonly sources: readonly ClusterSource[];
  readonly metrics: EngineMetrics;
  readonly view: OperatorView;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Creates the cluster sources of the configuration; throws on a kubeconfig that cannot load. */
export function createSources(config: Config, log: Logger): ClusterSource[] {
  return config.clusters.map((cluster) => {
    const clusterLog = log.child({ cluster: cluster.clusterName });
    const logFn = (
      level: "debug" | "info" | "warn" | "error",
      message: string,
      fields?: Record<string, unknown>,
    ) => clusterLog[level](message, fields);
    switch (cluster.origin.kind) {
      case "manifests":
        return createManifestSource({
          clusterName: cluster.clusterName,
          dir: cluster.origin.dir,
          log: logFn,
        });
      case "in-cluster":
        return createKubernetesSource({
          clusterName: cluster.clusterName,
          inCluster: true,
          endpointsApi: config.sync.endpointsApi,
          podLabels: config.sync.podLabels.kind !== "none",
          log: logFn,
        });
      case "kubeconfig":
        return createKubernetesSource({
          clusterName: cluster.clusterName,
          kubeconfigPath: cluster.origin.path,
          context: cluster.origin.context,
          endpointsApi: config.sync.endpointsApi,
          podLabels: config.sync.podLabels.kind !== "none",
          log: logFn,
        });
    }
  });
}

/** Options of {@linkcode createSystem}; `api` and `sources` may be injected by tests and benchmarks. */
export interface SystemOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly sources?: readonly ClusterSource[];
  readonly api?: PolarisApi;
}

/** Builds (but does not start) the running system. */
export function createSystem(options: SystemOptions): System {
  const { config, log } = options;
  const metrics = createMetrics();
  const sources = options.sources ?? createSources(config, log);
  const api: PolarisApi = options.api ?? new PolarisClient({
    baseUrl: config.polaris.baseUrl,
    token: config.polaris.accessToken,
    timeoutMs: config.polaris.timeoutMs,
    maxRetries: config.polaris.maxRetries,
    onRequest: (r) => metrics.observeRequest(r),
  });
  // The writer's gate reads the supervisor built just below: a follower sends nothing.
  let leading = () => true;
  const writer = new Writer({
    api,
    gate: () => leading(),
    batchSize: config.sync.batchSize,
    concurrency: config.sync.concurrency,
    lingerMs: 10,
    dryRun: config.dryRun,
    onBatch: (kind, size) => metrics.observeBatch(kind, size),
    log: (message, fields) => log.info(message, fields),
  });
  const supervisor = new Supervisor({
    sources,
    api,
    writer,
    policy: { mode: config.sync.mode, ignoredNamespaces: config.sync.ignoreNamespaces },
    source: config.sync.source,
    podLabelPolicy: config.sync.podLabels,
    timing: {
      debounceMs: config.sync.debounceMs,
      backoffBaseMs: config.sync.backoffBaseMs,
      backoffMaxMs: config.sync.backoffMaxMs,
    },
    resyncPeriodMs: config.sync.resyncPeriodMs,
    hooks: {
      log: (level, message, fields) => log[level](message, fields),
      onTransition: (key, from, to, error) => {
        const fields = { service: key, from, to, ...(error ? { error } : {}) };
        if (to === "backoff" || to === "invalid" || to === "conflict") {
          log.warn("service state", fields);
        } else log.debug("service state", fields);
      },
      onReport: (report, outcome) => {
        const s = report.summary;
        if (s.created + s.updated + s.deleted > 0) {
          log.info("service synced", {
            service: report.key,
            created: s.created,
            updated: s.updated,
            deleted: s.deleted,
            desired: s.desired,
            outcome: outcome?.kind,
          });
        }
        for (const problem of report.problems) {
          log.warn("bad input", {
            service: report.key,
            code: problem.code,
            problem: problem.message,
          });
        }
        if (
          config.dryRun &&
          (report.plan.creates.length + report.plan.updates.length + report.plan.deletes.length) > 0
        ) {
          log.info("dry run: plan", { service: report.key, plan: report.plan });
        }
      },
      onApplied: (_key, latencyMs) => metrics.observeLatency(latencyMs),
      onSweep: (found, error) => {
        if (error) log.warn("sweep failed", { error });
        else if (found > 0) {
          log.info("sweep found services with instances of ours and no actor", { services: found });
        }
      },
    },
  });
  leading = () => supervisor.leading;
  const view = createOperatorView({ supervisor, sources, api, metrics, config });
  return {
    supervisor,
    sources,
    metrics,
    view,
    start: () => supervisor.start(),
    stop: () => supervisor.stop(),
  };
}
