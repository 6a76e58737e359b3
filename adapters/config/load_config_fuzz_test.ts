/**
 * Fuzz properties of the `mesh` config file (the polaris-controller ConfigMap key, plus our keys):
 * any text gives a config or one `Cannot start: …` message naming the file or the key, never a
 * throw; a valid file round-trips into the values it says; one bad value is refused with a message
 * naming its key and showing the value, except a token, which no message or warning ever shows.
 * Runs and seed: `tests/fuzz/fuzz_runs.ts`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "yaml";
import { adversarialText } from "../../tests/fuzz/adversarial_text.ts";
import { fuzzParameters } from "../../tests/fuzz/fuzz_runs.ts";
import { parseDurationMs } from "./duration.ts";
import { loadConfig, type LoadResult } from "./load_config.ts";

function load(file: string, env: Record<string, string> = {}): LoadResult {
  return loadConfig(["--config", "mesh.yaml"], {
    env,
    inCluster: false,
    readTextFile: () => file,
  });
}

/** Words a generic message would use instead of naming what is wrong. */
const GENERIC = /^Cannot start: (invalid|error|bad config|undefined|null|\[object Object\])\b/i;

/** Pieces of a `mesh` file: our keys with good and bad values, YAML oddities, any text. */
const meshPiece = fc.oneof(
  fc.constantFrom(
    "serverAddress: polaris.polaris-system",
    "serverAddress: ftp://polaris",
    "serverAddress: 'http://[::1'",
    "serverAddress: polaris:99999",
    "clusterName: cluster-a",
    "clusterName: ''",
    "clusterName: [a, b]",
    "accessToken: s3cr3t",
    "accessToken: {nested: s3cr3t}",
    "serviceSync:\n  mode: all",
    "serviceSync:\n  mode: sometimes",
    "serviceSync:\n  batchSize: 500",
    "serviceSync:\n  debounce: 10",
    "serviceSync:\n  podLabels: [UPPER/Case!]",
    "serviceSync: [not, a, map]",
    "leaderElection:\n  enabled: yes",
    "leaderElection:\n  leaseDuration: 1s\n  renewDeadline: 2s",
    "leaderElection:\n  nmae: typo",
    "polaris:\n  timeout: -1s",
    "clusters:\n  - clusterName: a\n  - clusterName: a",
    "clusters: []",
    "listen: ':http'",
    "logLevel: loud",
    "a: &a [1, 2]\nb: *a",
    "b: *missing",
    "x: !!binary aGVsbG8=",
    "---",
    "- a list",
    "'unterminated",
    "\t tab: 1",
    "serverAddress: p\nserverAddress: q",
  ),
  fc.integer({ min: 2, max: 8 }).map((n) => {
    const lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < n; i++) {
      lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(",")}]`);
    }
    return lines.join("\n");
  }),
  fc.tuple(
    fc.constantFrom(
      "serverAddress",
      "clusterName",
      "listen",
      "logLevel",
      "serviceSync",
      "leaderElection",
    ),
    adversarialText.filter((s) => s.length < 2_000),
  ).map(([key, value]) => `${key}: ${JSON.stringify(value)}`),
  fc.string({ maxLength: 30 }),
);

Deno.test("loadConfig() property: any mesh file gives a config or one specific message, never a throw", () => {
  fc.assert(
    fc.property(
      fc.array(meshPiece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join("\n")),
      (file) => {
        const result = load(file);
        assert.notEqual(result.kind, "help");
        if (result.kind === "config") {
          for (const warning of result.warnings) {
            assert.ok(warning.trim().length > 0);
            assert.doesNotMatch(warning, /s3cr3t/, "a token is never shown");
          }
          return;
        }
        if (result.kind !== "error") return;
        const { message } = result;
        assert.match(message, /^Cannot start: \S/);
        assert.doesNotMatch(message, GENERIC);
        assert.ok(!message.includes("\n"), `one line: ${JSON.stringify(message)}`);
        assert.ok(message.length < 600, `${message.length} characters`);
        assert.doesNotMatch(message, /s3cr3t/, "a token is never shown");
        // It names the file or a key (a word followed by "is", "." or "[").
        assert.match(message, /the config file "mesh\.yaml"|^Cannot start: [\w.[\]-]+ is /);
      },
    ),
    fuzzParameters({ runs: 1_000, cost: 2 }),
  );
});

/** A valid file and the values the config must hold. */
const validMesh = fc.record({
  host: fc.stringMatching(
    /^[a-z]([a-z0-9-]{0,9}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,9}[a-z0-9])?){0,2}$/,
  ),
  port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
  clusterName: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.integer({ min: 0 })),
  token: fc.option(fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t.trim() !== ""), {
    nil: undefined,
  }),
  mode: fc.option(fc.constantFrom("all", "demand"), { nil: undefined }),
  debounceMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
  batchSize: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  concurrency: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  ignoreNamespaces: fc.option(
    fc.array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), { maxLength: 4 }),
    { nil: undefined },
  ),
  podLabels: fc.option(
    fc.oneof(
      fc.constantFrom("all", "none"),
      fc.array(fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/), {
        maxLength: 4,
      }),
    ),
    { nil: undefined },
  ),
});

Deno.test("loadConfig() property: a valid mesh file round-trips into the config it describes", () => {
  fc.assert(
    fc.property(validMesh, (m) => {
      const file = stringify({
        serverAddress: m.port === undefined ? m.host : `${m.host}:${m.port}`,
        clusterName: m.clusterName,
        ...(m.token === undefined ? {} : { accessToken: m.token }),
        serviceSync: {
          ...(m.mode === undefined ? {} : { mode: m.mode }),
          ...(m.debounceMs === undefined ? {} : { debounce: `${m.debounceMs}ms` }),
          ...(m.batchSize === undefined ? {} : { batchSize: m.batchSize }),
          ...(m.concurrency === undefined ? {} : { concurrency: m.concurrency }),
          ...(m.ignoreNamespaces === undefined ? {} : { ignoreNamespaces: m.ignoreNamespaces }),
          ...(m.podLabels === undefined ? {} : { podLabels: m.podLabels }),
        },
      });
      const result = load(file);
      assert.equal(result.kind, "config", JSON.stringify(result));
      if (result.kind !== "config") return;
      const { config } = result;
      assert.equal(config.polaris.baseUrl, `http://${m.host}:${m.port ?? 8090}`);
      assert.deepStrictEqual(config.clusters.map((c) => c.clusterName), [String(m.clusterName)]);
      assert.equal(config.polaris.accessToken, m.token);
      assert.equal(config.sync.mode, m.mode ?? "all");
      assert.equal(config.sync.debounceMs, m.debounceMs ?? 200);
      assert.equal(config.sync.batchSize, m.batchSize ?? 100);
      assert.equal(config.sync.concurrency, m.concurrency ?? 4);
      if (m.ignoreNamespaces) {
        assert.deepStrictEqual(config.sync.ignoreNamespaces, m.ignoreNamespaces);
      }
      const labels = m.podLabels === undefined
        ? { kind: "all" }
        : typeof m.podLabels === "string"
        ? { kind: m.podLabels }
        : { kind: "keys", keys: [...new Set(m.podLabels)] };
      assert.deepStrictEqual(config.sync.podLabels, labels);
      assert.deepStrictEqual(result.warnings, []);
    }),
    fuzzParameters({ runs: 500, cost: 2 }),
  );
});

/** One key set to a bad value, with the key path the message must name. */
const badValue = fc.oneof(
  fc.constantFrom(
    { path: "serviceSync.batchSize", min: 1, max: 100 },
    { path: "serviceSync.concurrency", min: 1, max: 64 },
    { path: "polaris.maxRetries", min: 0, max: 20 },
  ).chain(({ path, min, max }) =>
    fc.record({
      path: fc.constant(path),
      value: fc.oneof(
        fc.integer({ min: -1_000, max: min - 1 }),
        fc.integer({ min: max + 1, max: 100_000 }),
        fc.double({ min: 1.1, max: 50, noInteger: true }),
        fc.constantFrom("10", true, [5], { n: 5 }),
      ),
    })
  ),
  fc.record({
    path: fc.constantFrom(
      "serviceSync.debounce",
      "serviceSync.resyncPeriod",
      "serviceSync.backoffBase",
      "leaderElection.leaseDuration",
      "polaris.timeout",
    ),
    value: fc.oneof(
      fc.constantFrom("10", "-1s", "1 s", "1d", "ms", "", "1e3ms", 5, true, null),
      // Go durations are what these keys take ("0" is one): leave them out.
      adversarialText.filter((s) => parseDurationMs(s) === undefined),
    ),
  }),
  fc.record({
    path: fc.constantFrom("serviceSync.mode", "serviceSync.endpointsApi", "logLevel"),
    value: fc.oneof(fc.constantFrom("All", "DEMAND", "", 1, "debug "), adversarialText),
  }),
  fc.record({
    path: fc.constant("serverAddress"),
    value: fc.constantFrom("ftp://p", "p:0", "p:65536", "[::1", "p q", "http://p?x=1", "", "a-"),
  }),
  fc.record({
    path: fc.constant("listen"),
    value: fc.constantFrom("p", "p:65536", "[::1", "p q", ":http", "", "1.2.3.256:80", 9090),
  }),
);

/** Values that are valid where `badValue` puts them, so they are not refused by mistake. */
function isActuallyValid(path: string, value: unknown): boolean {
  if (path === "serviceSync.mode") return value === "all" || value === "demand";
  if (path === "serviceSync.endpointsApi") {
    return ["auto", "endpointslices", "endpoints"].includes(value as string);
  }
  if (path === "logLevel") return ["debug", "info", "warn", "error"].includes(value as string);
  return false;
}

function setPath(file: Record<string, unknown>, path: string, value: unknown) {
  const [head, tail] = path.split(".");
  if (tail === undefined) file[head] = value;
  else file[head] = { ...(file[head] as object | undefined), [tail]: value };
}

Deno.test("loadConfig() property: one bad value is refused naming its key and the value, and a token is never shown", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9]{12,30}$/);
  fc.assert(
    fc.property(badValue, token, fc.boolean(), ({ path, value }, secret, inFile) => {
      fc.pre(!isActuallyValid(path, value) && value !== null);
      const file: Record<string, unknown> = {
        serverAddress: "polaris",
        clusterName: "a",
        ...(inFile ? { accessToken: secret } : {}),
      };
      setPath(file, path, value);
      const result = load(stringify(file), inFile ? {} : { POLARIS_TOKEN: secret });
      assert.equal(result.kind, "error", `${path}: ${JSON.stringify(value)} must be refused`);
      if (result.kind !== "error") return;
      assert.ok(result.message.startsWith(`Cannot start: ${path} is `), result.message);
      const shown = JSON.stringify(value).slice(0, 60);
      assert.ok(result.message.includes(shown), `${result.message} shows ${shown}`);
      assert.ok(!result.message.includes(secret), "the token is never shown");
    }),
    fuzzParameters({ runs: 1_000, cost: 2 }),
  );
});

Deno.test("loadConfig() property: a token in any form is never shown, in errors or in warnings", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9]{12,30}$/),
      fc.constantFrom("accessToken", "serviceSync.accessToken"),
      fc.constantFrom("string", "list", "map", "bool"),
      (secret, path, shape) => {
        const value = shape === "string"
          ? secret
          : shape === "list"
          ? [secret]
          : shape === "map"
          ? { token: secret }
          : secret.length % 2 === 0;
        const file: Record<string, unknown> = { serverAddress: "polaris", clusterName: "a" };
        setPath(file, path, value);
        const result = load(stringify(file));
        const texts = result.kind === "config"
          ? result.warnings
          : result.kind === "error"
          ? [result.message]
          : [];
        for (const text of texts) assert.ok(!text.includes(secret), text);
      },
    ),
    fuzzParameters({ runs: 300, cost: 1 }),
  );
});
