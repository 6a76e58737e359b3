/**
 * `--once` and `--dry-run` that tell the truth (issue 15): `--once` gives up after
 * `--once-timeout` with a non-zero exit and names the services it could not sync, stops at once
 * when Polaris refuses the token (401001), and with `--dry-run` counts the changes it planned
 * instead of calling them synced. The controller runs as a process against the in-process
 * emulator, on the manifests of `examples/cluster-a`.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { ROOT, startController } from "../e2e/controller_process.ts";

/** The mesh config of these runs: examples/cluster-a (8 Services to sync, 1 invalid) at `url`. */
function mesh(url: string, clusterName = "cluster-a"): string {
  return [
    `serverAddress: ${url}`,
    "clusters:",
    `  - { clusterName: ${clusterName}, manifests: ${ROOT}examples/cluster-a }`,
    "serviceSync:",
    "  debounce: 50ms",
    "  backoffBase: 100ms",
    "  backoffMax: 500ms",
    "",
  ].join("\n");
}

/** The `summary` of the JSON line `--once` prints last. */
function summaryOf(output: string): Record<string, unknown> {
  const line = output.split("\n").find((l) => l.startsWith('{"summary":'));
  assert.ok(line !== undefined, `no summary line in:\n${output}`);
  return JSON.parse(line).summary;
}

/** Runs the controller with `args` until it exits; returns its exit code, output and run time. */
async function runOnce(config: string, args: readonly string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const controller = await startController({ config, extraArgs: ["--once", ...args], env });
  const code = await Promise.race([
    controller.exited,
    new Promise<number>((resolve) => setTimeout(() => resolve(-1), 60_000)),
  ]);
  if (code === -1) await controller.stop("SIGKILL");
  return { code, output: controller.output(), seconds: (Date.now() - started) / 1000 };
}

const INVALID = {
  service: "payments/ledger",
  state: "invalid",
  attempts: 0,
  error: 'Service "payments/ledger" has polarismesh.cn/sync="yes"; expected "true" or "false"',
};

Deno.test({
  name: "--once exits 1 after --once-timeout while Polaris refuses writes, naming the services",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const emulator = await startPolarisEmulator();
    emulator.injectFault({
      kind: "status",
      code: 500000,
      match: { method: "POST", path: "/naming/v1/instances" },
    });
    try {
      const { code, output, seconds } = await runOnce(mesh(emulator.url), ["--once-timeout=3s"]);
      assert.equal(code, 1, output);
      assert.ok(seconds < 30, `it gave up after ${seconds} s`);
      const summary = summaryOf(output);
      assert.equal(summary.result, "failed");
      assert.equal(summary.reason, "not settled within --once-timeout (3s)");
      const unsynced = summary.unsyncedServices as { service: string; state: string }[];
      const names = unsynced.map((s) => s.service);
      assert.deepEqual(names, [...names].sort(), "sorted by key");
      assert.ok(names.includes("shop/cart"), names.join());
      assert.ok(
        unsynced.some((s) => s.state === "backoff" || s.state === "reconciling"),
        JSON.stringify(unsynced),
      );
      assert.deepEqual(unsynced.find((s) => s.service === "payments/ledger"), INVALID);
    } finally {
      await emulator.stop();
    }
  },
});

Deno.test({
  name: "--once stops at once when Polaris answers 401001, naming POLARIS_TOKEN and accessToken",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const emulator = await startPolarisEmulator({ token: "the-right-token" });
    try {
      for (const token of ["", "a-wrong-token"]) {
        const { code, output, seconds } = await runOnce(mesh(emulator.url), [], {
          POLARIS_TOKEN: token,
        });
        assert.equal(code, 1, output);
        assert.ok(seconds < 20, `it stopped after ${seconds} s, not at once`);
        const summary = summaryOf(output);
        assert.match(
          String(summary.reason),
          /^Polaris refuses .*401001.*POLARIS_TOKEN.*accessToken/,
        );
        assert.match(String(summary.reason), token === "" ? /missing/ : /wrong/);
        const errors = output.split("\n").filter((line) =>
          line.includes("401001") &&
          line.includes('"level":"error"')
        );
        assert.equal(errors.length, 1, `one error line about the token:\n${output}`);
      }
    } finally {
      await emulator.stop();
    }
  },
});

Deno.test({
  name: "--once --dry-run logs what it would write, writes nothing and counts the plan",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const emulator = await startPolarisEmulator();
    try {
      const { code, output } = await runOnce(mesh(emulator.url), ["--dry-run"]);
      assert.equal(code, 1, `payments/ledger is invalid:\n${output}`);
      assert.deepEqual(emulator.state.instances(), [], "nothing written");
      assert.doesNotMatch(output, /service synced/);
      assert.match(
        output,
        /"msg":"dry run: would create 2, update 0, delete 0","service":"shop\/cart"/,
      );
      const summary = summaryOf(output);
      assert.deepEqual(summary.services, { wouldChange: 8, invalid: 1 });
      assert.deepEqual(summary.plannedInstances, { create: 12, update: 0, delete: 0 });
      assert.equal(summary.dryRun, true);
      assert.deepEqual(summary.unsyncedServices, [INVALID]);
    } finally {
      await emulator.stop();
    }
  },
});

Deno.test({
  name: '--once syncs, exits 1 only for the invalid Service, and warns about clusterName "default"',
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const emulator = await startPolarisEmulator();
    try {
      const { code, output } = await runOnce(mesh(emulator.url, "default"), []);
      assert.equal(code, 1, output);
      assert.match(output, /"level":"warn","msg":"clusters\[0\]\.clusterName is \\"default\\"/);
      const summary = summaryOf(output);
      assert.equal(summary.settled, true);
      assert.deepEqual(summary.services, { synced: 8, invalid: 1 });
      assert.deepEqual(summary.unsyncedServices, [INVALID]);
      assert.equal(emulator.state.instances().length, 12);
    } finally {
      await emulator.stop();
    }
  },
});
