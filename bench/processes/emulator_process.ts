/**
 * Starts the benchmark's Polaris side as its own process and reads the URLs it prints, so every
 * scenario measures the controller's memory alone: the emulator child (`emulator_child.ts`), or
 * the real server with a counting proxy (`real_polaris_child.ts`, boltdb or MySQL store).
 *
 * @module
 */

import type { EmulatorUrls, PolarisKind } from "./emulator_client.ts";

/** A running Polaris side. */
export interface EmulatorProcess {
  readonly urls: EmulatorUrls;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts the Polaris side of `kind` (the emulator with a V8 heap limit of `maxHeapMb`); resolves
 * once it listens.
 */
export async function startEmulatorProcess(
  maxHeapMb: number,
  kind: PolarisKind = "emulator",
): Promise<EmulatorProcess> {
  const args = kind === "emulator"
    ? [
      "run",
      // Deno reads /proc only with --allow-all (the process's own CPU time and RSS, `/usage`).
      "--allow-all",
      `--v8-flags=--max-old-space-size=${maxHeapMb}`,
      new URL("emulator_child.ts", import.meta.url).pathname,
    ]
    : ["run", "--allow-all", new URL("real_polaris_child.ts", import.meta.url).pathname, kind];
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
    await child.stdout.cancel().catch(() => {});
  };
  try {
    const urls = JSON.parse(await firstLine(child.stdout)) as EmulatorUrls;
    return { urls, stop };
  } catch (error) {
    await stop();
    throw new Error(`Cannot start the benchmark's Polaris (${kind})`, { cause: error });
  }
}

/** Reads the first line a child prints on stdout (the emulator's URLs), leaving the rest. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text.split("\n")[0];
}
