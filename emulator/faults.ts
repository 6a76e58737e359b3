/**
 * Fault injection for the emulator (emulator/README.md): extra latency, error answers, dropped
 * connections and Polaris' API rate limit (403003), each limited to matching requests and to a
 * number of requests or a time window measured on an injectable clock.
 *
 * @module
 */

/** Which requests a fault applies to; a `path` ending in `*` is a prefix. */
export interface FaultMatch {
  readonly method?: string;
  readonly path?: string;
}

/** What a fault does. `status` with a code ≥ 1000 is a Polaris JSON answer, else plain HTTP. */
export type FaultKind =
  | { readonly kind: "latency"; readonly ms: number }
  | { readonly kind: "status"; readonly code: number }
  | { readonly kind: "drop" }
  | { readonly kind: "rateLimit" };

/** A fault, optionally limited to `times` matching requests or to `forMs` from injection. */
export type Fault = FaultKind & {
  readonly match?: FaultMatch;
  readonly times?: number;
  readonly forMs?: number;
};

/** The faults that apply to one request: a delay, then at most one terminal fault. */
export interface AppliedFaults {
  readonly latencyMs: number;
  readonly terminal?: Exclude<FaultKind, { kind: "latency" }>;
}

interface Entry {
  readonly fault: Fault;
  remaining: number;
  readonly until: number;
}

/** Tells whether a fault's match covers a request. */
export function faultMatches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (match === undefined) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) {
    return false;
  }
  if (match.path === undefined) return true;
  return match.path.endsWith("*") ? path.startsWith(match.path.slice(0, -1)) : path === match.path;
}

/**
 * Keeps the active faults. Latency faults add up; the first matching terminal fault (in
 * injection order) answers the request. Each applied fault uses up one of its `times`.
 */
export class FaultInjector {
  #entries: Entry[] = [];
  #now: () => number;

  /** Creates an injector reading time from `now` (epoch milliseconds). */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Adds a fault and returns a function that removes it. */
  add(fault: Fault): () => void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new RangeError(
        `Cannot inject fault "${fault.kind}": times must be ≥ 1, not ${fault.times}`,
      );
    }
    const entry: Entry = {
      fault,
      remaining: fault.times ?? Infinity,
      until: fault.forMs === undefined ? Infinity : this.#now() + fault.forMs,
    };
    this.#entries.push(entry);
    return () => {
      this.#entries = this.#entries.filter((e) => e !== entry);
    };
  }

  /** Removes every fault. */
  clear(): void {
    this.#entries = [];
  }

  /** Returns how many faults are still active. */
  get size(): number {
    this.#prune();
    return this.#entries.length;
  }

  #prune(): void {
    const now = this.#now();
    this.#entries = this.#entries.filter((e) => e.remaining > 0 && now < e.until);
  }

  /** Picks the faults for a request and uses them up. */
  take(method: string, path: string): AppliedFaults {
    this.#prune();
    let latencyMs = 0;
    let terminal: AppliedFaults["terminal"];
    for (const entry of this.#entries) {
      const fault = entry.fault;
      if (!faultMatches(fault.match, method, path)) continue;
      if (fault.kind === "latency") latencyMs += fault.ms;
      else if (terminal === undefined) terminal = fault;
      else continue;
      entry.remaining -= 1;
    }
    this.#prune();
    return { latencyMs, terminal };
  }
}
