/**
 * Starts the benchmark's Polaris emulator child (`emulator_child.ts`) as its own process and
 * reads the URLs it prints, so every scenario measures the controller's memory alone.
 *
 * @module
 */

import type { EmulatorUrls } from "./emulator_client.ts";

/** A running emulator child. */
export interface EmulatorProcess {
  readonly urls: EmulatorUrls;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts the emulator child with a V8 heap limit of `maxHeapMb`; resolves once it listens. */
export async function startEmulatorProcess(maxHeapMb: number): Promise<EmulatorProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      `--v8-flags=--max-old-space-size=${maxHeapMb}`,
      new URL("emulator_child.ts", import.meta.url).pathname,
    ],
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
    throw new Error("Cannot start the benchmark emulator child", { cause: error });
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
