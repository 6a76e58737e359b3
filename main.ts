/**
 * polaris-k8s-sync: keeps a PolarisMesh registry in step with the Services of one or more
 * Kubernetes clusters. This file only wires process concerns around the running system: config,
 * logs, the embedded emulator of `--dev`, the HTTP endpoints, signals and exit codes.
 *
 * @module
 */

import { ENV_VARS } from "./adapters/config/config_reference.ts";
import { loadConfig } from "./adapters/config/load_config.ts";
import { startOperatorServers } from "./adapters/http/operator_servers.ts";
import { createLogger, type Logger, secretRedactor } from "./adapters/log/mod.ts";
import type { PolarisEmulator } from "./emulator/mod.ts";
import { createSystem, type System } from "./actors/system.ts";
import { TUNING } from "./actors/tuning.ts";
import type { Config } from "./adapters/config/config.ts";

/** Exit code for bad configuration (SPEC §5: one clear message, never half-configured). */
const EXIT_BAD_CONFIG = 2;

/**
 * The variables the configuration reads (`ENV_VARS`), each asked for by name, so that the
 * controller itself would run under `--allow-env=` with just their names (README, Deno
 * permissions: a dependency still needs them all).
 */
function environment(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const { name } of ENV_VARS) {
    try {
      env[name] = Deno.env.get(name);
    } catch {
      // Without access to it the controller still runs on flags and the config file.
    }
  }
  return env;
}

/**
 * Starts the embedded emulator of `--dev`. It is imported here, on demand: `deno task start` and
 * the production image never load its modules (a type-only import is erased).
 */
async function startEmulatorIfDev(config: Config, log: Logger): Promise<PolarisEmulator | null> {
  if (!config.polaris.embeddedEmulator) return null;
  const { startPolarisEmulator } = await import("./emulator/mod.ts");
  const url = new URL(config.polaris.baseUrl);
  const emulator = await startPolarisEmulator({
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port),
    token: config.polaris.accessToken,
  });
  log.info("embedded Polaris emulator listening", { url: emulator.url });
  return emulator;
}

/** Waits until the system settles, or fails when `timeoutMs` passes first. */
async function converge(system: System, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (system.supervisor.settled) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function main(args: readonly string[]): Promise<number> {
  const loaded = loadConfig(args, {
    env: environment(),
    readTextFile: (path) => Deno.readTextFileSync(path),
  });
  if (loaded.kind === "help") {
    console.log(loaded.text);
    return 0;
  }
  if (loaded.kind === "error") {
    console.error(loaded.message);
    return EXIT_BAD_CONFIG;
  }
  const { config } = loaded;
  // The Polaris token leaves the process only as X-Polaris-Token: every log line and every
  // answer of the operator endpoints is redacted (docs/decisions.md §22).
  const redact = secretRedactor([config.polaris.accessToken]);
  const log = createLogger({
    level: config.logLevel,
    format: Deno.stdout.isTerminal() ? "text" : "json",
    redact,
  });
  for (const warning of loaded.warnings) log.warn(warning);

  let emulator: PolarisEmulator | null = null;
  let system: System;
  try {
    emulator = await startEmulatorIfDev(config, log);
    system = createSystem({ config, log, processMetrics: true });
  } catch (error) {
    log.error("Cannot start", { error });
    await emulator?.stop();
    return EXIT_BAD_CONFIG;
  }
  const servers = await startOperatorServers(system.view, {
    listen: config.listen,
    debugListen: config.debugListen,
    redact,
    onError: (error) => log.error("HTTP handler failed", { error }),
  });
  log.info("controller starting", {
    clusters: config.clusters.map((c) => c.clusterName),
    polaris: config.polaris.baseUrl,
    mode: config.sync.mode,
    dryRun: config.dryRun,
    listen: servers.url,
    debug: `${servers.debugUrl}/debug`,
  });

  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      log.info("shutting down; registrations are kept", { reason });
      await system.stop();
      log.debug("engine and cluster sources stopped");
      await servers.shutdown();
      log.debug("HTTP endpoints stopped");
      await emulator?.stop();
    })();
    return stopping;
  };
  const done = Promise.withResolvers<number>();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => {
      shutdown(signal).then(() => done.resolve(0), (error) => {
        log.error("shutdown failed", { error });
        done.resolve(1);
      });
    });
  }

  await system.start();
  if (config.dev) {
    log.info("dev mode: edit the manifests under examples/ and watch the debug page", {
      debug: `${servers.debugUrl}/debug`,
      emulator: emulator?.url,
      examples: config.clusters.map((c) => c.origin.kind === "manifests" ? c.origin.dir : null),
    });
  }
  if (config.once) {
    const settled = await converge(system, TUNING.onceTimeoutMs);
    const counts = system.supervisor.countByState();
    const failed = !settled || counts.invalid > 0 || counts.conflict > 0;
    console.log(JSON.stringify({ summary: { settled, services: counts } }));
    await shutdown("--once finished");
    return failed ? 1 : 0;
  }
  return await done.promise;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
