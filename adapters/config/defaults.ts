/**
 * Embedded defaults of every configuration key, in the form a user writes them. `loadConfig`
 * starts from these, and `--help` and docs/configuration.md print them, so they cannot drift.
 *
 * @module
 */

/** Namespaces that are never synced unless `serviceSync.ignoreNamespaces` says otherwise (SPEC §2). */
export const DEFAULT_IGNORE_NAMESPACES: readonly string[] = Object.freeze([
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "istio-system",
  "polaris-system",
]);

/** Default values, as written in the config file (durations in Go syntax). */
export const DEFAULTS = Object.freeze(
  {
    syncMode: "all",
    debounce: "200ms",
    resyncPeriod: "5m",
    batchSize: 100,
    concurrency: 4,
    source: "polaris-controller",
    podLabels: "all",
    endpointsApi: "auto",
    backoffBase: "200ms",
    backoffMax: "1m",
    listen: "127.0.0.1:9090",
    /** The debug endpoints' address when `listen` is not loopback (else they follow `listen`). */
    debugListen: "127.0.0.1:9091",
    logLevel: "info",
    leaderElectionEnabled: false,
    leaderElectionNamespace: "polaris-system",
    leaderElectionName: "polaris-k8s-sync",
    leaseDuration: "15s",
    renewDeadline: "10s",
    retryPeriod: "2s",
    polarisTimeout: "10s",
    polarisMaxRetries: 4,
    /** Port added to a `serverAddress` without one (polaris-controller's `--httpPort`). */
    polarisPort: 8090,
    /** Polaris address of `--dev`, where the embedded emulator listens. */
    devServerAddress: "127.0.0.1:8090",
    /** Manifest folders of `--dev`, relative to the examples folder, and their clusterNames. */
    devClusters: Object.freeze(["cluster-a", "cluster-b"]),
    /** clusterName of a `--dev` run against a kubeconfig without one (polaris-controller's helm default). */
    devClusterName: "default",
  } as const,
);
