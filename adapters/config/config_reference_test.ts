import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { CONFIG_KEYS, ENV_VARS, helpText, markdownReference } from "./config_reference.ts";
import { FLAGS } from "./flags.ts";

/**
 * Flags the product promises (docs/configuration.md and the dev workflow), written out so a removal
 * fails.
 */
const PROMISED_FLAGS = [
  "--config",
  "--kubeconfig",
  "--cluster-name",
  "--sync-mode",
  "--polaris-address",
  "--listen",
  "--debug-listen",
  "--log-level",
  "--events-emit",
  "--policy",
  "--allow-namespaces",
  "--deny-namespaces",
  "--label-selector",
  "--service-types",
  "--dry-run",
  "--once",
  "--once-timeout",
  "--dev",
  "--emulator-port",
  "--help",
];

/** Keys with their defaults, written out so that a changed default or a dropped key fails. */
const PROMISED_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["serverAddress", "required"],
  ["accessToken", "none"],
  ["clusterName", "required"],
  ["serviceSync.mode", "all"],
  ["server.resyncDuration", "none"],
  ["operator", "none"],
  ["serviceSync.debounce", "200ms"],
  ["serviceSync.resyncPeriod", "5m"],
  ["serviceSync.batchSize", "100"],
  ["serviceSync.concurrency", "4"],
  [
    "serviceSync.ignoreNamespaces",
    "kube-system, kube-public, kube-node-lease, istio-system, polaris-system",
  ],
  ["serviceSync.source", "polaris-controller"],
  ["serviceSync.podLabels", "all"],
  ["serviceSync.endpointsApi", "auto"],
  ["serviceSync.backoffBase", "200ms"],
  ["serviceSync.backoffMax", "1m"],
  ["clusters[].clusterName", "required"],
  ["clusters[].kubeconfig", "--kubeconfig"],
  ["clusters[].context", "current context"],
  ["listen", "127.0.0.1:9090"],
  ["debugListen", "listen if loopback, else 127.0.0.1:9091"],
  ["logLevel", "info"],
  ["leaderElection.enabled", "false"],
  ["leaderElection.namespace", "polaris-system"],
  ["leaderElection.name", "polaris-k8s-sync"],
  ["leaderElection.leaseDuration", "15s"],
  ["leaderElection.renewDeadline", "10s"],
  ["leaderElection.retryPeriod", "2s"],
  ["leaderElection.identity", "hostname"],
  ["polaris.timeout", "10s"],
  ["polaris.maxRetries", "4"],
];

/** Undoes the help text's wrapping, so a phrase split over two lines is still found. */
function unwrapped(text: string): string {
  return text.replace(/\n {34}/g, " ");
}

Deno.test("helpText() lists every promised flag", () => {
  const help = helpText();
  for (const flag of PROMISED_FLAGS) {
    ok(help.includes(`\n  ${flag}`), `${flag} missing from --help`);
  }
  assertEquals(FLAGS.map((flag) => flag.name), PROMISED_FLAGS);
});

Deno.test("helpText() lists every config key with its default", () => {
  const help = unwrapped(helpText());
  for (const [key, defaultText] of PROMISED_KEYS) {
    const line = help.split("\n").find((item) => item.startsWith(`  ${key} `));
    ok(line !== undefined, `${key} missing from --help`);
    ok(
      line.includes(`[default: ${defaultText}`),
      `${key}: default "${defaultText}" not in "${line}"`,
    );
  }
});

Deno.test("helpText() lists every environment variable", () => {
  const help = helpText();
  for (const name of ["POLARIS_TOKEN", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"]) {
    ok(help.includes(`\n  ${name}`), `${name} missing from --help`);
  }
  assertEquals(ENV_VARS.length, 3);
});

Deno.test("helpText() keeps lines within 100 columns", () => {
  const long = helpText().split("\n").filter((line) => line.length > 100);
  assertEquals(long, []);
});

Deno.test("markdownReference() has one table row per flag, key and variable", () => {
  const rows = markdownReference().split("\n").filter((line) => line.startsWith("| `"));
  assertEquals(rows.length, FLAGS.length + CONFIG_KEYS.length + ENV_VARS.length);
  ok(
    rows.includes(
      "| `--sync-mode all\\|demand` | value of serviceSync.mode | overrides serviceSync.mode |",
    ),
  );
});

Deno.test("markdownReference() is what docs/configuration.md embeds", async () => {
  const docs = await Deno.readTextFile(new URL("../../docs/configuration.md", import.meta.url));
  ok(
    docs.includes(markdownReference()),
    "docs/configuration.md is stale: paste the output of markdownReference() between its markers",
  );
});
