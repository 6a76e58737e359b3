/**
 * polaris-k8s-sync: keeps a PolarisMesh registry in step with the Services of one or more
 * Kubernetes clusters. This file only wires process concerns around the running system: config,
 * logs, the embedded emulator of `--dev`, the HTTP endpoints, signals and exit codes.
 *
 * @module
 */

import { ENV_VARS } from "./adapters/config/config_reference.ts";
import { loadConfig } from "./adapters/config/load_config.ts";
import { type OperatorServers, startOperatorServers } from "./adapters/http/operator_servers.ts";
import { createLogger, type Logger, secretRedactor } from "./adapters/log/mod.ts";
import type { PolarisEmulator } from "./emulator/mod.ts";
import { createSystem, type System } from "./actors/system.ts";
import { onceSummary } from "./actors/once_summary.ts";
import type { Config } from "./adapters/config/config.ts";

/**
 * Exit code for bad configuration (docs/configuration.md: one clear message, never
 * half-configured).
 */
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
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  let emulator: PolarisEmulator;
  try {
    emulator = await startPolarisEmulator({
      hostname,
      port: Number(url.port),
      token: config.polaris.accessToken,
    });
  } catch (error) {
    throw new Error(
      `Cannot listen on ${url.host} for the embedded Polaris emulator: ${addressProblem(error)}; ` +
        "give --emulator-port PORT (0 for any free port), or stop what uses the port",
      { cause: error },
    );
  }
  log.info("embedded Polaris emulator listening", { url: emulator.url });
  return emulator;
}

/**
 * Says in a few words why a server cannot listen (Deno's and node's errors alike), or gives the
 * error's own message.
 */
function addressProblem(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error
    ? String(error.code)
    : "";
  if (error instanceof Deno.errors.AddrInUse || code === "EADDRINUSE") {
    return "the address is already in use";
  }
  if (error instanceof Deno.errors.AddrNotAvailable || code === "EADDRNOTAVAIL") {
    return "no interface of this machine has that address";
  }
  if (error instanceof Deno.errors.PermissionDenied || code === "EACCES") {
    return "permission denied (ports below 1024 need privileges)";
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The one line a start-up failure prints, as bad configuration does: `Cannot start: ` and the
 * first line of the error (its cause chain stays out: the message already names the problem).
 */
function startupFailure(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
  return `Cannot start: ${message.replace(/^Cannot /, "cannot ")}`;
}

/**
 * Waits until the system settles, Polaris refuses our token (no use waiting: nothing can be read
 * or written until the token changes) or `timeoutMs` passes; returns whether it settled.
 */
async function converge(system: System, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (system.supervisor.settled) return true;
    if (system.polarisAuth.failure !== null) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return system.supervisor.settled;
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
  let { config } = loaded;
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
    // --emulator-port 0: the emulator took a free port, which the client must use.
    if (emulator && emulator.url !== config.polaris.baseUrl) {
      config = { ...config, polaris: { ...config.polaris, baseUrl: emulator.url } };
    }
    system = createSystem({ config, log, processMetrics: true });
  } catch (error) {
    console.error(startupFailure(error));
    await emulator?.stop();
    return EXIT_BAD_CONFIG;
  }
  let servers: OperatorServers;
  try {
    servers = await startOperatorServers(system.view, {
      listen: config.listen,
      debugListen: config.debugListen,
      redact,
      onError: (error) => log.error("HTTP handler failed", { error }),
    });
  } catch (error) {
    const hostPort = (a: { hostname: string; port: number }) =>
      `${a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname}:${a.port}`;
    const one = hostPort(config.listen) === hostPort(config.debugListen);
    const where = one
      ? `${hostPort(config.listen)} (--listen, or listen in the config file)`
      : `${hostPort(config.listen)} (--listen) or ${hostPort(config.debugListen)} (--debug-listen)`;
    console.error(
      `Cannot start: cannot listen on ${where}: ${addressProblem(error)}; ` +
        `give another ${one ? "--listen" : "--listen or --debug-listen"} HOST:PORT, ` +
        "or stop what uses the port",
    );
    await system.stop();
    await emulator?.stop();
    return EXIT_BAD_CONFIG;
  }
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
    const settled = await converge(system, config.onceTimeoutMs);
    const { failed, summary } = onceSummary(system.supervisor.services(), {
      settled,
      timeoutMs: config.onceTimeoutMs,
      dryRun: config.dryRun,
      authFailure: system.polarisAuth.failure,
    });
    console.log(JSON.stringify({ summary }));
    await shutdown("--once finished");
    return failed ? 1 : 0;
  }
  return await done.promise;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
