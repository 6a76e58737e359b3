/**
 * The benchmark's reads of the emulator child (`emulator_child.ts`): request counters, the
 * instance count (through Polaris' own `GET /naming/v1/instances/count`, which the controller
 * never calls and the benchmark leaves out of every figure), one service's instances, and a full
 * verification.
 *
 * @module
 */

import type { ControlInstance, VerifyAnswer } from "./emulator_child.ts";

/** Where the emulator child listens. */
export interface EmulatorUrls {
  readonly polaris: string;
  readonly control: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Cannot read "${url}" from the benchmark emulator: HTTP ${response.status}`);
  }
  return await response.json() as T;
}

/** Reads the emulator child; see the module documentation. */
export class EmulatorClient {
  readonly urls: EmulatorUrls;

  /** Creates a client for the emulator child at `urls`. */
  constructor(urls: EmulatorUrls) {
    this.urls = urls;
  }

  /** Request counters keyed `"METHOD /path"`. */
  requests(): Promise<Record<string, number>> {
    return getJson(`${this.urls.control}/requests`);
  }

  /** Number of stored instances. */
  async instanceCount(): Promise<number> {
    const body = await getJson<{ amount: number }>(
      `${this.urls.polaris}/naming/v1/instances/count`,
    );
    return body.amount;
  }

  /** Instances of one service. */
  serviceInstances(namespace: string, service: string): Promise<ControlInstance[]> {
    const query = new URLSearchParams({ namespace, service });
    return getJson(`${this.urls.control}/service?${query}`);
  }

  /** Every instance counted by owner and state, and the catalog sizes. */
  verify(): Promise<VerifyAnswer> {
    return getJson(`${this.urls.control}/verify`);
  }

  /** The emulator process's memory. */
  memory(): Promise<Deno.MemoryUsage> {
    return getJson(`${this.urls.control}/memory`);
  }
}
