/**
 * The benchmark's reads of its Polaris side (`emulator_child.ts` or `real_polaris_child.ts`):
 * request counters, the instance count, one service's instances, a full verification, and the
 * CPU time and RSS of the Polaris side's processes. None of these reads is counted.
 *
 * The instance count is Polaris' own `GET /naming/v1/instances/count` (the controller never
 * calls it; the benchmark leaves it out of every figure). On a real server the control server
 * sends it straight to the server and takes away the rows the store held at start (the server's
 * own `polaris.checker` instance).
 *
 * @module
 */

import type { ControlInstance, VerifyAnswer } from "./emulator_child.ts";
import type { ProcessUsage } from "./process_usage.ts";

/** Which Polaris the benchmark runs against. */
export type PolarisKind = "emulator" | "boltdb" | "mysql";

/** Where the Polaris side listens. */
export interface EmulatorUrls {
  /** What the controller is given: the emulator, or the counting proxy before a real server. */
  readonly polaris: string;
  readonly control: string;
  /** The real server's owner token, the controller's `accessToken` (absent on the emulator). */
  readonly token?: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Cannot read "${url}" from the benchmark's Polaris: HTTP ${response.status}`);
  }
  return await response.json() as T;
}

/** Reads the Polaris side; see the module documentation. */
export class EmulatorClient {
  readonly urls: EmulatorUrls;
  readonly #clusters: string;

  /** Creates a client for the Polaris side at `urls`, whose instances are in `clusters`. */
  constructor(urls: EmulatorUrls, clusters: readonly string[] = []) {
    this.urls = urls;
    this.#clusters = new URLSearchParams({ clusters: clusters.join(",") }).toString();
  }

  /** Request counters keyed `"METHOD /path"`. */
  requests(): Promise<Record<string, number>> {
    return getJson(`${this.urls.control}/requests`);
  }

  /** Number of stored instances (owned ones, on a real server). */
  async instanceCount(): Promise<number> {
    const url = this.urls.token === undefined
      ? `${this.urls.polaris}/naming/v1/instances/count`
      : `${this.urls.control}/count?${this.#clusters}`;
    return (await getJson<{ amount: number }>(url)).amount;
  }

  /** Instances of one service. */
  serviceInstances(namespace: string, service: string): Promise<ControlInstance[]> {
    const query = new URLSearchParams({ namespace, service });
    return getJson(`${this.urls.control}/service?${query}`);
  }

  /** Every instance counted by owner and state, and the catalog sizes. */
  verify(): Promise<VerifyAnswer> {
    return getJson(`${this.urls.control}/verify?${this.#clusters}`);
  }

  /** The emulator process's memory (on a real server: `rss` is polaris-server's). */
  memory(): Promise<Deno.MemoryUsage> {
    return getJson(`${this.urls.control}/memory`);
  }

  /** CPU time and RSS of each process of the Polaris side. */
  usage(): Promise<ProcessUsage[]> {
    return getJson(`${this.urls.control}/usage`);
  }
}
