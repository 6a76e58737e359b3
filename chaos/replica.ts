/**
 * One controller replica as an OS process (`deno run main.ts`, what `deno task start` runs) with
 * its own config file, log file and fault proxy, that the harness can SIGKILL, SIGSTOP, SIGCONT
 * and start again under the same identity.
 *
 * @module
 */

import { CONTROLLER_RUN_ARGS, ROOT } from "../tests/e2e/controller_process.ts";
import { freePort } from "../tests/cluster/free_ports.ts";

/** A replica the harness controls. */
export class Replica {
  /** The Lease holder identity, `replica-N`. */
  readonly identity: string;
  readonly #configPath: string;
  readonly #logPath: string;
  #child: Deno.ChildProcess | null = null;
  #exited = true;
  #stopped = false;
  #starts = 0;
  #port = 0;

  /** Prepares a replica whose config is `config` (written to `dir`); call `start()`. */
  constructor(identity: string, dir: string, config: string) {
    this.identity = identity;
    this.#configPath = `${dir}/${identity}.yaml`;
    this.#logPath = `${dir}/${identity}.log`;
    Deno.writeTextFileSync(this.#configPath, config);
  }

  /** Whether the process runs (it may be SIGSTOPped). */
  get running(): boolean {
    return !this.#exited;
  }

  /** Whether it is SIGSTOPped now. */
  get paused(): boolean {
    return this.#stopped;
  }

  /** How many times it was started. */
  get starts(): number {
    return this.#starts;
  }

  /** Its log file. */
  get logPath(): string {
    return this.#logPath;
  }

  /** `http://127.0.0.1:<port>` of its operator endpoints. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts the process (output appended to its log file). */
  start(): void {
    if (this.running) return;
    this.#port = freePort();
    const child = new Deno.Command("bash", {
      args: [
        "-c",
        'exec "$0" "$@" >>"$REPLICA_LOG" 2>&1',
        Deno.execPath(),
        ...CONTROLLER_RUN_ARGS,
        "--config",
        this.#configPath,
        "--listen",
        `127.0.0.1:${this.#port}`,
      ],
      cwd: ROOT,
      env: { REPLICA_LOG: this.#logPath, NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.#child = child;
    this.#exited = false;
    this.#stopped = false;
    this.#starts += 1;
    child.status.then(() => {
      if (this.#child === child) this.#exited = true;
    });
  }

  /** Sends a signal; SIGSTOP/SIGCONT are remembered for `paused`. */
  signal(signal: Deno.Signal): void {
    if (!this.#child || this.#exited) return;
    try {
      this.#child.kill(signal);
    } catch {
      return;
    }
    if (signal === "SIGSTOP") this.#stopped = true;
    if (signal === "SIGCONT") this.#stopped = false;
  }

  /** SIGKILLs it and waits for the exit. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || this.#exited) return;
    this.signal("SIGCONT");
    this.signal("SIGKILL");
    await child.status;
    this.#exited = true;
  }

  /** SIGTERM (after SIGCONT), SIGKILL after 15 s; waits for the exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || this.#exited) return;
    this.signal("SIGCONT");
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), 15_000);
    await child.status;
    clearTimeout(timer);
    this.#exited = true;
  }

  /** Reads `/readyz`: 200 once it listed every cluster and Polaris answered. */
  async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** The last `lines` lines of its log. */
  logTail(lines = 20): string {
    try {
      return Deno.readTextFileSync(this.#logPath).trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }
}
