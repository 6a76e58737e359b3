/**
 * Starts a real PolarisMesh server (v1.18.1, built by `tests/deps/build-go-deps.sh`) for tests: on
 * a free loopback port, in a temp dir of its own, with the project's minimal config
 * (`polaris-server.yaml` beside this file: the HTTP API only, the boltdb store), and logs in as the
 * seeded owner for a console token.
 *
 * Readiness is probed over HTTP (`GET /` answers `Polaris Server`): the server prints `[ERROR] …`
 * and exits 0 when its start-up fails, so its exit code says nothing.
 *
 * @module
 */

import { freePort } from "../cluster/free_ports.ts";

/** The seeded owner of a fresh boltdb store (reference: real-test-dependencies §A). */
export const POLARIS_OWNER = { name: "polaris", password: "polaris" } as const;

/** Options of {@linkcode startPolarisServer}. */
export interface PolarisServerOptions {
  /** The server's log level (`debug`, `info`, `warn`, `error`). Default `info`. */
  readonly logLevel?: string;
  /** How long to wait for `GET /` to answer. Default 30 s. */
  readonly readyTimeoutMs?: number;
  /** Another config text instead of `polaris-server.yaml` (same `${POLARIS_TEST_*}` variables). */
  readonly config?: string;
}

/** A running real Polaris server. */
export interface PolarisServer {
  /** `http://127.0.0.1:<port>`: the HTTP API (admin, console and client). */
  readonly url: string;
  /** The seeded owner's console token (`X-Polaris-Token`). */
  readonly token: string;
  /** The temp dir: config, boltdb file, logs. */
  readonly dir: string;
  /** The server's pid, for signals a test sends on purpose. */
  readonly pid: number;
  /** The last lines of the server's own output, for failure messages. */
  logTail(lines?: number): string;
  /**
   * SIGTERM, SIGKILL after 1 s (v1.18.1 logs "begin stop server" and is still running 10 s later);
   * removes the dir unless POLARIS_K8S_SYNC_KEEP=1.
   */
  stop(): Promise<void>;
}

const here = new URL(".", import.meta.url).pathname;

/** The PolarisMesh server version the wrapper module pins (`tests/deps/polaris-server/go.mod`). */
export function pinnedPolarisVersion(): string {
  const goMod = Deno.readTextFileSync(`${here}../deps/polaris-server/go.mod`);
  const found = goMod.match(/^\s*(?:require\s+)?github\.com\/polarismesh\/polaris\s+(v\S+)/m);
  if (!found) {
    throw new Error("tests/deps/polaris-server/go.mod pins no github.com/polarismesh/polaris");
  }
  return found[1];
}

/**
 * The folder with `polaris-server` and `i18n/`: `POLARIS_SERVER_DIR` when set, else
 * `${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync/polaris-server-<pinned version>`.
 */
export function polarisServerDir(): string {
  const override = Deno.env.get("POLARIS_SERVER_DIR");
  if (override) return override;
  const cache = Deno.env.get("XDG_CACHE_HOME") || `${Deno.env.get("HOME") ?? ""}/.cache`;
  return `${cache}/polaris-k8s-sync/polaris-server-${pinnedPolarisVersion()}`;
}

/**
 * The project's server config (`polaris-server.yaml`) with automatic creation switched on or off:
 * `namespace.autoCreate` (a service create makes a missing namespace) and `naming.autoCreate` (an
 * instance registration makes a missing service, and through it the namespace). Off, a create in a
 * missing service answers 400301 NotFoundService and one in a missing namespace 400305
 * NotFoundNamespace (reference §1.1, §1.4).
 */
export function polarisServerConfig(options: { readonly autoCreate: boolean }): string {
  const text = Deno.readTextFileSync(`${here}polaris-server.yaml`);
  const lines = text.match(/^ {2}autoCreate: true$/gm) ?? [];
  if (lines.length !== 2) {
    throw new Error("polaris-server.yaml no longer has two `autoCreate: true` lines to switch");
  }
  return text.replaceAll(/^ {2}autoCreate: true$/gm, `  autoCreate: ${options.autoCreate}`);
}

/** Processes of every server this test process started, for the exit safety net. */
const live = new Set<Deno.ChildProcess>();
let safetyNet = false;
function installSafetyNet() {
  if (safetyNet) return;
  safetyNet = true;
  globalThis.addEventListener("unload", () => {
    for (const process of live) {
      try {
        process.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/** Starts a real Polaris server; resolves once it answers and a token is in hand. */
export async function startPolarisServer(
  options: PolarisServerOptions = {},
): Promise<PolarisServer> {
  const home = polarisServerDir();
  const binary = `${home}/polaris-server`;
  try {
    Deno.statSync(binary);
  } catch {
    throw new Error(
      `Cannot start a real Polaris server: "${binary}" not found. Build it with ` +
        "`bash tests/deps/build-go-deps.sh polaris-server` (about 2 minutes, once per machine) " +
        "or point POLARIS_SERVER_DIR at a folder that has polaris-server and i18n/",
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "polaris-server-" });
  await Deno.mkdir(`${dir}/conf/i18n`, { recursive: true });
  await Deno.mkdir(`${dir}/data`);
  for (const entry of Deno.readDirSync(`${home}/i18n`)) {
    await Deno.writeFile(
      `${dir}/conf/i18n/${entry.name}`,
      await Deno.readFile(`${home}/i18n/${entry.name}`),
    );
  }
  if (options.config === undefined) {
    await Deno.copyFile(`${here}polaris-server.yaml`, `${dir}/conf/polaris-server.yaml`);
  } else {
    await Deno.writeTextFile(`${dir}/conf/polaris-server.yaml`, options.config);
  }
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const logPath = `${dir}/server.log`;
  const process = new Deno.Command("bash", {
    args: [
      "-c",
      'exec "$0" "$@" >>"$SERVER_LOG" 2>&1',
      binary,
      "start",
      "-c",
      `${dir}/conf/polaris-server.yaml`,
    ],
    cwd: dir,
    env: {
      SERVER_LOG: logPath,
      POLARIS_TEST_HTTP_PORT: String(port),
      POLARIS_TEST_STORE_PATH: `${dir}/data/polaris.bolt`,
      POLARIS_TEST_LOG_LEVEL: options.logLevel ?? "info",
    },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  live.add(process);
  installSafetyNet();
  let exited = false;
  const status = process.status.then((s) => {
    exited = true;
    live.delete(process);
    return s;
  });
  const logTail = (lines = 30) => {
    try {
      return Deno.readTextFileSync(logPath).trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const stop = async () => {
    if (!exited) {
      try {
        process.kill("SIGTERM");
      } catch {
        // exited meanwhile
      }
      const timer = setTimeout(() => {
        try {
          process.kill("SIGKILL");
        } catch {
          // exited meanwhile
        }
      }, 1_000);
      await status;
      clearTimeout(timer);
    }
    if (Deno.env.get("POLARIS_K8S_SYNC_KEEP") !== "1") {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  };

  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (exited) {
        const errors = logTail(10_000).split("\n").filter((line) => line.startsWith("[ERROR]"));
        throw new Error(
          `polaris-server exited during start-up (its exit code means nothing): ${
            errors.join("; ") || "no [ERROR] line"
          }\n${logTail()}`,
        );
      }
      if (await answers(url)) break;
      if (Date.now() > deadline) {
        throw new Error(`polaris-server did not answer GET / at ${url} in time:\n${logTail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const token = await login(url);
    return { url, token, dir, pid: process.pid, logTail, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
    return response.ok && (await response.text()).trim() === "Polaris Server";
  } catch {
    return false;
  }
}

/** Logs in as the seeded owner (`POST /core/v1/user/login`); returns the token. */
async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/core/v1/user/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(POLARIS_OWNER),
  });
  const text = await response.text();
  let token: unknown;
  try {
    token = JSON.parse(text)?.loginResponse?.token;
  } catch {
    // reported below
  }
  if (typeof token !== "string" || token === "") {
    throw new Error(
      `Cannot log in to polaris-server as "${POLARIS_OWNER.name}": ${response.status} ${
        text.slice(0, 300)
      }`,
    );
  }
  return token;
}
