/**
 * Runs the real controller (`main.ts`, as `deno task start` does) as a child process for the
 * apiserver scenario: its own config file and kubeconfig, operator endpoints on a free loopback
 * port, output drained into counters and a short tail, and its pid, so that its peak RSS can be
 * read from `/proc/<pid>/status` (VmHWM) while it runs.
 *
 * @module
 */

import { freePort } from "../../tests/cluster/free_ports.ts";
import { CONTROLLER_RUN_ARGS, ROOT } from "../../tests/e2e/controller_process.ts";

/** A running controller process. */
export interface ControllerChild {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of its operator endpoints. */
  readonly url: string;
  /** GETs a path of the operator endpoints; the body parsed as JSON where it is JSON. */
  get(path: string): Promise<{ status: number; body: unknown; text: string }>;
  /** VmHWM (peak resident set) and VmRSS of the process now, bytes; null once it has exited. */
  memory(): Promise<{ peakRssBytes: number; rssBytes: number } | null>;
  /** Lines printed so far, by level (`info`, `warn`, ..., `other` for non-JSON lines). */
  lineCounts(): Readonly<Record<string, number>>;
  /** The last lines printed (stdout and stderr), for failure messages. */
  tail(): string;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number>;
}

/**
 * Returns a `kB` field of `/proc/<pid>/status` (e.g. `VmHWM`) in bytes, or null when absent.
 *
 * @example
 * ```ts
 * import { procStatusBytes } from "./controller_child.ts";
 * if (procStatusBytes("Name:\tdeno\nVmHWM:\t  2048 kB\n", "VmHWM") !== 2048 * 1024) {
 *   throw new Error("VmHWM");
 * }
 * ```
 */
export function procStatusBytes(statusText: string, field: string): number | null {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB\\s*$`, "m").exec(statusText);
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * Returns the level of one log line of the controller (`"level"` of a JSON line), or `"other"`.
 *
 * @example
 * ```ts
 * import { lineLevel } from "./controller_child.ts";
 * if (lineLevel('{"time":"x","level":"warn","msg":"m"}') !== "warn") throw new Error("level");
 * if (lineLevel("Cannot start") !== "other") throw new Error("other");
 * ```
 */
export function lineLevel(line: string): string {
  if (!line.startsWith("{")) return "other";
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === "string" ? level : "other";
  } catch {
    return "other";
  }
}

/** Options of {@linkcode startControllerChild}. */
export interface ControllerChildOptions {
  /** The `mesh` YAML written to the config file. */
  readonly config: string;
  readonly kubeconfig: string;
  readonly extraArgs?: readonly string[];
  /** Lines kept for `tail()`. */
  readonly tailLines?: number;
}

/** Starts the controller; it is not ready yet when this resolves. */
export async function startControllerChild(
  options: ControllerChildOptions,
): Promise<ControllerChild> {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-bench-" });
  const configPath = `${dir}/mesh.yaml`;
  await Deno.writeTextFile(configPath, options.config);
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...CONTROLLER_RUN_ARGS,
      "--config",
      configPath,
      "--kubeconfig",
      options.kubeconfig,
      "--listen",
      `127.0.0.1:${port}`,
      ...(options.extraArgs ?? []),
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const counts: Record<string, number> = {};
  const tail: string[] = [];
  const keep = options.tailLines ?? 20;
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        const level = lineLevel(line);
        counts[level] = (counts[level] ?? 0) + 1;
        tail.push(line.slice(0, 500));
        if (tail.length > keep) tail.shift();
      }
    }
    if (rest) tail.push(rest.slice(0, 500));
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let done = false;
  const exited = child.status.then(async (status) => {
    done = true;
    await pumps;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    return status.code;
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid,
    url,
    exited,
    async get(path) {
      const response = await fetch(`${url}${path}`);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (the metrics page): the text is the body.
      }
      return { status: response.status, body, text };
    },
    async memory() {
      if (done) return null;
      try {
        const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
        const peak = procStatusBytes(status, "VmHWM");
        const rss = procStatusBytes(status, "VmRSS");
        return peak === null || rss === null ? null : { peakRssBytes: peak, rssBytes: rss };
      } catch {
        return null;
      }
    },
    lineCounts: () => ({ ...counts }),
    tail: () => tail.join("\n"),
    async stop(graceMs = 15_000) {
      if (!done) {
        try {
          child.kill("SIGTERM");
        } catch {
          // Exited between the check and the signal.
        }
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
