/**
 * Builds the running system from the configuration: one cluster source per configured cluster,
 * the Polaris client, the shared writer, the supervisor, and the operator view the HTTP endpoints
 * read. `main.ts` only wires process concerns (signals, exit codes) around it.
 *
 * @module
 */

import { TUNING } from "./tuning.ts";
import type { LogFn } from "../adapters/log/log_level.ts";
import type { ClusterSource } from "../domain/cluster.ts";
import { parseServiceKey } from "../domain/keys.ts";
import type { Config } from "../adapters/config/config.ts";
import { EventRecorder, normalEvents, serviceEvents } from "../adapters/events/mod.ts";
import { createKubernetesSource } from "../adapters/kubernetes/kubernetes_source.ts";
import { KubeClient } from "../adapters/kubernetes/kube_client.ts";
import { findKubeConfig } from "../adapters/kubernetes/load_kube_config.ts";
import { leaderIdentity, LeaseElector } from "../adapters/leader/mod.ts";
import { type Logger, secretRedactor } from "../adapters/log/mod.ts";
import { createManifestSource } from "../adapters/manifests/mod.ts";
import { PolarisClient } from "../adapters/polaris/mod.ts";
import type { OperatorView } from "../adapters/http/operator_view.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { Supervisor } from "./supervisor.ts";
import { Writer } from "./writer.ts";
import { createMetrics, type EngineMetrics } from "./metrics.ts";
import { createOperatorView, syncPolicyOf } from "./operator.ts";
import { PolarisAuthWatch } from "./polaris_auth.ts";

/** The running system. */
export interface System {
  readonly supervisor: Supervisor;
  readonly sources: readonly ClusterSource[];
  readonly metrics: EngineMetrics;
  readonly view: OperatorView;
  /** The Lease elector when `leaderElection.enabled`, else null (this replica always writes). */
  readonly elector: LeaseElector | null;
  /** One Event recorder per Kubernetes cluster (manifest folders have none), by clusterName. */
  readonly events: ReadonlyMap<string, EventRecorder>;
  /** Whether Polaris refuses our access token (401001) now. */
  readonly polarisAuth: PolarisAuthWatch;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One Kubernetes client per cluster read from Kubernetes (manifest folders have none), by
 * clusterName: the source's lists and watches, the Event recorder and the Lease elector share it,
 * so each cluster has one connection pool and one set of credentials. Logs the kubeconfig, context
 * and API server each uses. Throws on a kubeconfig that cannot load, or none found, so bad config
 * stops start-up (docs/configuration.md). API warnings (a deprecated API, an ignored
 * field) are logged once each, as client-go does.
 */
function createKubeClients(config: Config, log: Logger): Map<string, KubeClient> {
  const clients = new Map<string, KubeClient>();
  for (const cluster of config.clusters) {
    const origin = cluster.origin;
    if (origin.kind === "manifests") continue;
    const clusterName = cluster.clusterName;
    const found = origin.kind === "in-cluster"
      ? findKubeConfig({ inCluster: true, clusterName })
      : findKubeConfig({ kubeconfigPath: origin.path, context: origin.context, clusterName });
    log.info("Kubernetes cluster", {
      cluster: clusterName,
      kubeconfig: found.source,
      context: found.context,
      server: found.server,
    });
    clients.set(
      cluster.clusterName,
      new KubeClient(found.config, {
        onWarning: (warning, path) =>
          log.warn(`the Kubernetes API server warns: ${warning}`, {
            cluster: cluster.clusterName,
            path,
          }),
      }),
    );
  }
  return clients;
}

/** Creates the cluster sources of the configuration, each on its cluster's client. */
function createSources(
  config: Config,
  log: Logger,
  clients: ReadonlyMap<string, KubeClient>,
): ClusterSource[] {
  return config.clusters.map((cluster) => {
    const clusterLog = log.child({ cluster: cluster.clusterName });
    const logFn: LogFn = (level, message, fields) => clusterLog[level](message, fields);
    if (cluster.origin.kind === "manifests") {
      return createManifestSource({
        clusterName: cluster.clusterName,
        dir: cluster.origin.dir,
        log: logFn,
      });
    }
    const client = clients.get(cluster.clusterName);
    if (!client) throw new Error(`Cannot watch cluster "${cluster.clusterName}": it has no client`);
    return createKubernetesSource({
      clusterName: cluster.clusterName,
      transport: client,
      endpointsApi: config.sync.endpointsApi,
      podLabels: config.sync.podLabels.kind !== "none",
      log: logFn,
    });
  });
}

/**
 * Options of {@linkcode createSystem}; `api` and `sources` may be injected by tests and
 * benchmarks. With injected sources nothing talks to Kubernetes: no Events, no Lease.
 */
export interface SystemOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly sources?: readonly ClusterSource[];
  readonly api?: PolarisApi;
  /** Adds the process metrics to `/metrics` (`main.ts` does; in-process tests need not). */
  readonly processMetrics?: boolean;
}

/**
 * Creates the Lease elector on the first Kubernetes cluster of the configuration (sync-rules §3.8);
 * throws when leader election is on but every cluster is a manifest folder.
 */
function createElector(
  config: Config,
  log: Logger,
  clients: ReadonlyMap<string, KubeClient>,
  onLeading: (leading: boolean) => void,
) {
  const election = config.leaderElection;
  const cluster = config.clusters.find((c) => c.origin.kind !== "manifests");
  const api = cluster ? clients.get(cluster.clusterName) : undefined;
  if (!cluster || !api) {
    throw new Error(
      "Cannot elect a leader: leaderElection.enabled needs a Kubernetes cluster to hold the Lease, and every cluster is a manifest folder",
    );
  }
  const identity = election.identity ?? leaderIdentity();
  const electorLog = log.child({ lease: `${election.namespace}/${election.name}`, identity });
  const elector = new LeaseElector({
    api,
    namespace: election.namespace,
    name: election.name,
    identity,
    leaseDurationMs: election.leaseDurationMs,
    renewDeadlineMs: election.renewDeadlineMs,
    retryPeriodMs: election.retryPeriodMs,
    log: (level, message, fields) => electorLog[level](message, fields),
    onChange: (status) => onLeading(status.isLeader),
  });
  return { elector, cluster: cluster.clusterName };
}

/** Builds (but does not start) the running system. */
export function createSystem(options: SystemOptions): System {
  const { config, log } = options;
  // The gauge and the writer's gate read the supervisor built below: a follower sends nothing.
  let leading = () => true;
  const metrics = createMetrics({
    isLeader: () => leading(),
    processMetrics: options.processMetrics ?? false,
  });
  const viaKubernetes = options.sources === undefined;
  const clients = viaKubernetes ? createKubeClients(config, log) : new Map<string, KubeClient>();
  const sources = options.sources ?? createSources(config, log, clients);
  const events = new Map<string, EventRecorder>();
  const redact = secretRedactor([config.polaris.accessToken]);
  const election = viaKubernetes && config.leaderElection.enabled
    ? createElector(config, log, clients, (isLeader) => supervisor.setLeading(isLeader))
    : null;
  if (viaKubernetes) {
    for (const cluster of config.clusters) {
      const api = clients.get(cluster.clusterName);
      if (!api) continue;
      events.set(
        cluster.clusterName,
        new EventRecorder({
          api,
          instance: election?.elector.identity,
          dedupeWindowMs: TUNING.eventDedupeWindowMs,
          log: (level, message, fields) =>
            log[level](message, { cluster: cluster.clusterName, ...fields }),
          onResult: (reason, result) => metrics.observeEvent(reason, result),
          redact,
        }),
      );
    }
  }
  const recordEvents = (planned: ReturnType<typeof serviceEvents>, normal = false) => {
    for (const event of planned) {
      const recorder = events.get(event.clusterName);
      if (recorder && normal) recorder.normal(event, event.reason, event.message);
      else if (recorder) recorder.warn(event, event.reason, event.message);
      else {
        log.debug("no Kubernetes API for an Event; logged only", {
          cluster: event.clusterName,
          service: `${event.namespace}/${event.name}`,
          reason: event.reason,
          message: event.message,
        });
      }
    }
  };
  const polarisAuth = new PolarisAuthWatch({
    tokenGiven: config.polaris.accessToken !== undefined,
    log: (level, message, fields) => log[level](message, fields),
  });
  const api: PolarisApi = options.api ?? new PolarisClient({
    baseUrl: config.polaris.baseUrl,
    token: config.polaris.accessToken,
    timeoutMs: config.polaris.timeoutMs,
    maxRetries: config.polaris.maxRetries,
    pageConcurrency: config.sync.concurrency,
    onRequest: (r) => {
      metrics.observeRequest(r);
      polarisAuth.observe(r);
    },
    mayWrite: () => leading(),
  });
  const writer = new Writer({
    api,
    gate: () => leading(),
    batchSize: config.sync.batchSize,
    concurrency: config.sync.concurrency,
    lingerMs: TUNING.writeLingerMs,
    dryRun: config.dryRun,
    onBatch: (kind, size) => metrics.observeBatch(kind, size),
    log: (level, message, fields) => log[level](message, fields),
  });
  const supervisor = new Supervisor({
    sources,
    api,
    writer,
    policy: syncPolicyOf(config),
    writePolicy: config.sync.policy,
    ownerSource: config.sync.source,
    podLabelPolicy: config.sync.podLabels,
    timing: {
      debounceMs: config.sync.debounceMs,
      backoffBaseMs: config.sync.backoffBaseMs,
      backoffMaxMs: config.sync.backoffMaxMs,
    },
    resyncPeriodMs: config.sync.resyncPeriodMs,
    dryRun: config.dryRun,
    leading: election === null,
    hooks: {
      log: (level, message, fields) => log[level](message, fields),
      onTransition: (key, from, to, error) => {
        const fields = { service: key, from, to, ...(error ? { error } : {}) };
        if (to === "backoff" || to === "invalid" || to === "conflict") {
          log.warn("service state", fields);
        } else log.debug("service state", fields);
        // A write that keeps failing: tell the Service's owner once it is clearly not transient.
        if (
          to === "backoff" && error &&
          (supervisor.service(key)?.attempts ?? 0) >= TUNING.attemptsBeforeEvent
        ) {
          // On the Services the last report names (a Service registered under an override
          // is not at `key`); before any report, on the Service named `key`.
          const { namespace, service } = parseServiceKey(key);
          const reported = supervisor.service(key)?.report?.clusters;
          const clusters = reported ?? sources
            .filter((s) => s.service(namespace, service) !== undefined)
            .map((s) => ({ clusterName: s.clusterName, status: "synced", reason: "" }));
          recordEvents(serviceEvents({ key, clusters, problems: [], conflicts: [] }, error));
        }
      },
      onReport: (report, outcome) => {
        const s = report.summary;
        if (config.dryRun) {
          // Nothing was written: say what would be, with the plan's keys.
          if (s.created + s.updated + s.deleted > 0) {
            log.info(
              `dry run: would create ${s.created}, update ${s.updated}, delete ${s.deleted}`,
              { service: report.key, desired: s.desired, plan: report.plan },
            );
          }
        } else if (s.created + s.updated + s.deleted > 0) {
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
          log.warn(problem.code === "clusters-disagree" ? "clusters disagree" : "bad input", {
            service: report.key,
            code: problem.code,
            problem: problem.message,
          });
        }
        const failure = outcome?.kind === "invalid" && !report.problems.some((p) => p.fatal)
          ? outcome.message
          : undefined;
        recordEvents(serviceEvents(report, failure));
        if (outcome?.kind === "synced" && !config.dryRun) {
          recordEvents(normalEvents(report, s, config.events.emit), true);
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
  const elector = election?.elector ?? null;
  // Both the supervisor's state and the clock: after a pause the renew deadline may have passed
  // before the elector's timer has said so.
  leading = () => supervisor.leading && (elector?.holdsLease() ?? true);
  const view = createOperatorView({
    supervisor,
    sources,
    api,
    metrics,
    config,
    ...(elector ? { leader: () => elector.status } : {}),
  });
  if (election) {
    log.info("leader election on", {
      lease: `${config.leaderElection.namespace}/${config.leaderElection.name}`,
      cluster: election.cluster,
      identity: election.elector.identity,
    });
  }
  return {
    supervisor,
    sources,
    metrics,
    view,
    elector,
    events,
    polarisAuth,
    async start() {
      await supervisor.start();
      elector?.start();
    },
    async stop() {
      // Stop writing first, then hand the Lease over: a successor never overlaps our last writes.
      await supervisor.stop();
      await elector?.stop();
      await Promise.all([...events.values()].map((recorder) => recorder.close()));
      // Last: the sources, the elector and the recorders have stopped using them.
      await Promise.all([...clients.values()].map((client) => client.close()));
    },
  };
}
