/**
 * Runs the controller as a separate process (`deno run main.ts`, what `deno task start` runs) for
 * end-to-end journeys, with its own config file, and stops it with SIGTERM.
 *
 * @module
 */

import { freePort } from "../cluster/free_ports.ts";

/** The checkout's root, where `main.ts` is. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * `deno run` with the permissions of `deno task start`, then `main.ts`: how the tests and the
 * benchmark start the controller; its own arguments follow. `tests/security/deno_tasks_test.ts`
 * keeps it equal to the task.
 */
export const CONTROLLER_RUN_ARGS: readonly string[] = [
  "run",
  "--allow-net",
  "--allow-read",
  "--allow-env",
  "--allow-sys=hostname",
  `${ROOT}main.ts`,
];

/** A running controller process. */
export interface ControllerProcess {
  /** `http://127.0.0.1:<port>` of its operator endpoints. */
  readonly url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** GETs a JSON endpoint of the controller. */
  getJson(path: string): Promise<{ status: number; body: unknown }>;
  /** Waits until `/readyz` answers 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM (or another signal) and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  /** Resolves with the exit code when the process ends by itself. */
  readonly exited: Promise<number>;
}

/** Options of {@linkcode startController}. */
export interface ControllerOptions {
  /** The `mesh` YAML written to the config file. */
  readonly config: string;
  readonly kubeconfig?: string;
  readonly extraArgs?: readonly string[];
  readonly env?: Record<string, string>;
}

/** Starts the controller; it is not ready yet when this resolves (see `waitReady`). */
export async function startController(options: ControllerOptions): Promise<ControllerProcess> {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-e2e-" });
  const configPath = `${dir}/mesh.yaml`;
  await Deno.writeTextFile(configPath, options.config);
  const port = freePort();
  const args = [
    ...CONTROLLER_RUN_ARGS,
    "--config",
    configPath,
    "--listen",
    `127.0.0.1:${port}`,
    ...(options.kubeconfig ? ["--kubeconfig", options.kubeconfig] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then(async (status) => {
    await pumps;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    return status.code;
  });
  let done = false;
  exited.then(() => done = true);
  const url = `http://127.0.0.1:${port}`;
  const getJson = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const body = await response.text();
    try {
      return { status: response.status, body: JSON.parse(body) as unknown };
    } catch {
      return { status: response.status, body };
    }
  };
  return {
    url,
    output: () => text,
    getJson,
    exited,
    async waitReady(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        if (done) throw new Error(`The controller exited before it was ready:\n${text}`);
        try {
          const r = await getJson("/readyz");
          if (r.status === 200) return;
          last = JSON.stringify(r.body);
        } catch (error) {
          last = String(error);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`The controller was not ready within ${timeoutMs} ms (${last}):\n${text}`);
    },
    async stop(signal: Deno.Signal = "SIGTERM") {
      if (!done) {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * A `mesh` config for the journeys: fast debounce and backoff, a short resync. Without
 * `clusterName` the line is left out (for a `clusters:` list given in `extra`).
 */
export function meshConfig(options: {
  polarisUrl: string;
  /** The server's console token (`accessToken`); the real server refuses writes without it. */
  token?: string;
  clusterName?: string;
  mode?: "all" | "demand";
  resyncPeriod?: string;
  extra?: string;
}): string {
  return [
    `serverAddress: ${options.polarisUrl}`,
    ...(options.token === undefined ? [] : [`accessToken: ${JSON.stringify(options.token)}`]),
    ...(options.clusterName === undefined ? [] : [`clusterName: ${options.clusterName}`]),
    "serviceSync:",
    `  mode: ${options.mode ?? "all"}`,
    "  debounce: 50ms",
    `  resyncPeriod: ${options.resyncPeriod ?? "2s"}`,
    "  backoffBase: 100ms",
    "  backoffMax: 1s",
    options.extra ?? "",
  ].join("\n") + "\n";
}
