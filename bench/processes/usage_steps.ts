/**
 * CPU time per phase of the controller process and of each process of the Polaris side (the
 * emulator; or polaris-server, mariadbd and the counting proxy), from `/proc` snapshots taken at
 * the end of each phase, plus every process's RSS and peak RSS at the last snapshot.
 *
 * @module
 */

import { type ProcessUsage, readProcessUsage } from "./process_usage.ts";

/** CPU time each process spent in one phase, ms, by process name. */
export interface PhaseCpu {
  readonly phase: string;
  readonly cpuMs: Readonly<Record<string, number>>;
}

/** What {@linkcode UsageSteps} measured. */
export interface UsageFigures {
  /** Phases in order; the first covers each process's start up to the first mark. */
  readonly phases: readonly PhaseCpu[];
  /** The last snapshot: the controller first, then the Polaris side's processes. */
  readonly last: readonly ProcessUsage[];
}

/** Takes the snapshots; `remote` reads the Polaris side's processes. */
export class UsageSteps {
  readonly #remote: () => Promise<ProcessUsage[]>;
  readonly #self: () => ProcessUsage;
  readonly #phases: PhaseCpu[] = [];
  #last: ProcessUsage[] = [];

  /** Creates the steps; `self` is injected by tests (this process's `/proc` by default). */
  constructor(
    remote: () => Promise<ProcessUsage[]>,
    self: () => ProcessUsage = () => readProcessUsage("controller", "self"),
  ) {
    this.#remote = remote;
    this.#self = self;
  }

  /** Ends phase `phase`: its CPU time is what each process spent since the previous mark. */
  async mark(phase: string): Promise<void> {
    let remote: ProcessUsage[] = [];
    try {
      remote = await this.#remote();
    } catch {
      // An older Polaris side without /usage: the controller's figures still count.
    }
    const now = [this.#self(), ...remote];
    const before = new Map(this.#last.map((u) => [u.name, u.cpuMs]));
    this.#phases.push({
      phase,
      cpuMs: Object.fromEntries(now.map((u) => [u.name, u.cpuMs - (before.get(u.name) ?? 0)])),
    });
    this.#last = now;
  }

  /** Every phase so far and the last snapshot. */
  steps(): UsageFigures {
    return { phases: [...this.#phases], last: [...this.#last] };
  }
}
