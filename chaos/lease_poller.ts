/**
 * Polls the controllers' Lease every `intervalMs` on the API server directly (not through the
 * relay the controllers use) and keeps every answer with when it was sent and read: the input of
 * `leaseViolations`, and the harness's view of who leads now.
 *
 * @module
 */

import type { KubeApi } from "./kube_api.ts";
import type { LeaseObservation } from "./lease_audit.ts";

/** A running poller. */
export interface LeasePoller {
  /** Every successful read so far. */
  observations(): readonly LeaseObservation[];
  /** How many reads succeeded since the start. */
  count(): number;
  /** The holder in the latest read ("" when none), or null before the first read. */
  holder(): string | null;
  /** Forgets reads older than `beforeMs` except the last one before it. */
  trim(beforeMs: number): void;
  /** Stops polling. */
  stop(): Promise<void>;
}

interface LeaseBody {
  spec?: { holderIdentity?: string; leaseTransitions?: number };
}

/** Starts polling `/apis/coordination.k8s.io/v1/namespaces/<ns>/leases/<name>`. */
export function startLeasePoller(
  api: KubeApi,
  namespace: string,
  name: string,
  intervalMs = 100,
): LeasePoller {
  let observations: LeaseObservation[] = [];
  let running = true;
  let count = 0;
  const path = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`;
  const loop = (async () => {
    while (running) {
      const sentAt = Date.now();
      try {
        const answer = await api.request("GET", path);
        const receivedAt = Date.now();
        if (answer.status === 200) {
          const spec = (answer.body as LeaseBody).spec ?? {};
          count += 1;
          observations.push({
            sentAt,
            receivedAt,
            holder: spec.holderIdentity ?? "",
            transitions: spec.leaseTransitions ?? 0,
          });
        }
      } catch {
        // The API server is down (a fault): a gap in the reads, never a guess.
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    observations: () => observations,
    count: () => count,
    holder: () => observations.length === 0 ? null : observations[observations.length - 1].holder,
    trim(beforeMs) {
      const keepFrom = observations.findIndex((o) => o.sentAt >= beforeMs);
      if (keepFrom > 1) observations = observations.slice(keepFrom - 1);
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
