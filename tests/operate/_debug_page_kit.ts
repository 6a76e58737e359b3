/**
 * What the `/debug` page tests in headless Chromium share: the controller as a process on a copy
 * of `examples/` (so a test can edit its manifests) against the in-process emulator, and a
 * headless Chromium with a throwaway profile.
 *
 * @module
 */

import { type BrowserContext, chromium } from "playwright-core";
import { type PolarisEmulator, startPolarisEmulator } from "../../emulator/mod.ts";
import { type ControllerProcess, startController } from "../e2e/controller_process.ts";

/** The checkout's root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** Debian's Chromium; the tests are ignored without it, which CI counts as a failure. */
export const CHROMIUM = "/usr/bin/chromium";

/** True when Chromium is installed. */
export const HAS_CHROMIUM = await Deno.stat(CHROMIUM).then(() => true, () => false);

/** A controller on a copy of the examples, with Chromium beside it. */
export interface DebugPageRig {
  /** The folder holding the copies, `cluster-a/` and `cluster-b/`. */
  readonly work: string;
  readonly emulator: PolarisEmulator;
  readonly controller: ControllerProcess;
  readonly browser: BrowserContext;
  /** Stops everything and removes the copies. */
  stop(): Promise<void>;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** Starts the emulator, the controller on copies of both example clusters, and Chromium. */
export async function startDebugPageRig(prefix: string): Promise<DebugPageRig> {
  const work = await Deno.makeTempDir({ prefix });
  await copyTree(`${ROOT}examples/cluster-a`, `${work}/cluster-a`);
  await copyTree(`${ROOT}examples/cluster-b`, `${work}/cluster-b`);
  const emulator = await startPolarisEmulator();
  const controller = await startController({
    config: [
      `serverAddress: ${emulator.url}`,
      "clusters:",
      `  - { clusterName: cluster-a, manifests: ${work}/cluster-a }`,
      `  - { clusterName: cluster-b, manifests: ${work}/cluster-b }`,
      "serviceSync:",
      "  mode: all",
      "  debounce: 50ms",
      "",
    ].join("\n"),
  });
  const profile = await Deno.makeTempDir({ prefix: "polaris-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    work,
    emulator,
    controller,
    browser,
    async stop() {
      await browser.close();
      await controller.stop();
      await emulator.stop();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(work, { recursive: true });
    },
  };
}
