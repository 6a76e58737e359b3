/**
 * Options and argument types of the Polaris client.
 *
 * @module
 */

import type { PolarisRequestReport } from "./http.ts";

/** Settings of `PolarisClient`. */
export interface PolarisClientOptions {
  /** Server URL, e.g. `http://polaris.polaris-system:8090`. */
  readonly baseUrl: string;
  /** Sent as `X-Polaris-Token` when set (reference §4). */
  readonly token?: string;
  /** Timeout of every attempt, body included. Default 10000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt for network errors, 5xx, 429xxx and 403003. Default 4. */
  readonly maxRetries?: number;
  /** First backoff window. Default 200. */
  readonly backoffBaseMs?: number;
  /** Cap on the backoff. Default 5000. */
  readonly backoffMaxMs?: number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Waits between attempts. Default a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Asked before every attempt of a write (POST, PUT), retries included: false ends the call as a
   * retryable failure without sending it, so a replica that lost the Lease sends no more writes,
   * not even the retry of a request it started while it led. Default: always true.
   */
  readonly mayWrite?: () => boolean;
  /** Called after every attempt (retries included), for metrics. */
  readonly onRequest?: (report: PolarisRequestReport) => void;
  /** Items per batch request, at most 100 (reference §6). Default 100. */
  readonly batchSize?: number;
  /** Batch requests of one call in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Times a list starts over when its data changes while paging. Default 3. */
  readonly pagingRestarts?: number;
  /** Pages of one list in flight at once, after the first. Default 1 (one after another). */
  readonly pageConcurrency?: number;
  /** Aborts in-flight requests and stops retrying (graceful shutdown). */
  readonly signal?: AbortSignal;
}

/** A service to create or update; `metadata`, when given, replaces the stored map (reference §1.2). */
export interface ServiceWrite {
  readonly namespace: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly comment?: string;
}

/** An alias `aliasNamespace/alias` of the service `namespace/service` (reference §1.3). */
export interface AliasWrite {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment?: string;
}

/** Filter of `PolarisClient.listInstances`; metadata pairs must all match. */
export interface InstanceFilter {
  readonly namespace?: string;
  readonly service?: string;
  readonly host?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}
