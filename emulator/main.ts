/**
 * Runs the Polaris emulator standalone:
 * `deno task polaris-emulator --port 8090 [--token T] [--hostname H] [--validation per-item]`.
 * Prints its URL and serves until SIGINT or SIGTERM.
 *
 * @module
 */

import { startPolarisEmulator } from "./mod.ts";
import type { PolarisEmulatorOptions } from "./mod.ts";

/** The flags `parseEmulatorArgs` accepts, each followed by a value (emulator/README.md). */
export const EMULATOR_FLAGS: readonly string[] = [
  "--port",
  "--hostname",
  "--token",
  "--validation",
];

const USAGE =
  "usage: polaris-emulator [--port 8090] [--hostname 127.0.0.1] [--token T] [--validation whole-batch|per-item]";

/** Parses the command line into emulator options; throws a TypeError naming the bad flag. */
export function parseEmulatorArgs(args: readonly string[]): PolarisEmulatorOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!EMULATOR_FLAGS.includes(flag)) {
      throw new TypeError(`Cannot start the Polaris emulator: unknown flag "${arg}"\n${USAGE}`);
    }
    const value = inline ?? args[++i];
    if (value === undefined) {
      throw new TypeError(`Cannot start the Polaris emulator: flag "${flag}" needs a value`);
    }
    values.set(flag, value);
  }
  const portText = values.get("--port") ?? "8090";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new TypeError(`Cannot start the Polaris emulator: bad --port "${portText}"`);
  }
  const validation = values.get("--validation") ?? "whole-batch";
  if (validation !== "whole-batch" && validation !== "per-item") {
    throw new TypeError(`Cannot start the Polaris emulator: bad --validation "${validation}"`);
  }
  return {
    port,
    hostname: values.get("--hostname") ?? "127.0.0.1",
    token: values.get("--token"),
    validation,
  };
}

if (import.meta.main) {
  let options: PolarisEmulatorOptions;
  try {
    options = parseEmulatorArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const emulator = await startPolarisEmulator(options);
  console.log(`Polaris emulator listening on ${emulator.url}`);
  const shutdown = () => {
    emulator.stop().then(() => Deno.exit(0), (error) => {
      console.error(`Cannot stop the Polaris emulator cleanly: ${error}`);
      Deno.exit(1);
    });
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}
