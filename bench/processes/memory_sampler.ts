/**
 * Samples this process's memory (`Deno.memoryUsage()`) on a timer and keeps the peaks, overall
 * and per named phase, so the benchmark reports the controller's peak RSS and heap.
 *
 * @module
 */

/** Peak figures of a phase, in bytes. */
export interface MemoryPeaks {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly samples: number;
}

function empty(): { -readonly [K in keyof MemoryPeaks]: number } {
  return { rssBytes: 0, heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0, samples: 0 };
}

/** A running sampler; see the module documentation. */
export class MemorySampler {
  readonly #overall = empty();
  readonly #phases = new Map<string, ReturnType<typeof empty>>();
  #phase = "start";
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #read: () => Deno.MemoryUsage;

  /** Creates a sampler; `read` is injected by tests (`Deno.memoryUsage` by default). */
  constructor(read: () => Deno.MemoryUsage = () => Deno.memoryUsage()) {
    this.#read = read;
  }

  /** Starts sampling every `intervalMs`. */
  start(intervalMs: number): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Names the phase later samples belong to (and takes one sample at the boundary). */
  enter(phase: string): void {
    this.sample();
    this.#phase = phase;
    this.sample();
  }

  /** Takes one sample now. */
  sample(): void {
    const usage = this.#read();
    let phase = this.#phases.get(this.#phase);
    if (!phase) this.#phases.set(this.#phase, phase = empty());
    for (const peaks of [this.#overall, phase]) {
      peaks.rssBytes = Math.max(peaks.rssBytes, usage.rss);
      peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, usage.heapUsed);
      peaks.heapTotalBytes = Math.max(peaks.heapTotalBytes, usage.heapTotal);
      peaks.externalBytes = Math.max(peaks.externalBytes, usage.external);
      peaks.samples++;
    }
  }

  /** Peaks over the whole run. */
  overall(): MemoryPeaks {
    return { ...this.#overall };
  }

  /** Peaks per phase, in the order the phases were entered. */
  phases(): Record<string, MemoryPeaks> {
    return Object.fromEntries([...this.#phases].map(([name, peaks]) => [name, { ...peaks }]));
  }
}
