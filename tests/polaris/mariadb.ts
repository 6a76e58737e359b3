/**
 * Starts a throwaway MariaDB server (Debian's `mariadb-server`: `mariadb-install-db` and
 * `mariadbd`) for a real Polaris server on its MySQL store (`store.name: defaultStore`): a data dir
 * in a temp folder, a free loopback port plus a unix socket, and the schema of the pinned server
 * loaded from its Go module (`store/mysql/scripts/polaris_server.sql`, read from the module cache
 * at run time, never copied into the repository), with a user the server logs in as.
 *
 * @module
 */

import { freePort } from "../cluster/free_ports.ts";
import { pinnedPolarisVersion } from "./polaris_server.ts";

/** Where a server on the MySQL store finds its database. */
export interface MariaDb {
  /** `127.0.0.1:<port>`: the store's `dbAddr`. */
  readonly addr: string;
  readonly user: string;
  readonly password: string;
  /** `polaris_server`, the name the schema creates. */
  readonly database: string;
  readonly pid: number;
  readonly dir: string;
  /** Runs SQL as root over the socket; resolves to its tab-separated output. */
  sql(statement: string): Promise<string>;
  /** SIGTERM, SIGKILL after 10 s; removes the dir unless POLARIS_K8S_SYNC_KEEP=1. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startMariaDb}. */
export interface MariaDbOptions {
  /** InnoDB buffer pool, MiB. Default 256. */
  readonly bufferPoolMb?: number;
  /** How long to wait for the socket to answer. Default 30 s. */
  readonly readyTimeoutMs?: number;
}

async function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

/**
 * The schema file of the pinned server in the Go module cache: `$GOMODCACHE`, else `go env
 * GOMODCACHE`, else `~/go/pkg/mod`.
 */
export async function polarisSchemaPath(): Promise<string> {
  let cache = Deno.env.get("GOMODCACHE") ?? "";
  if (!cache) {
    try {
      cache = (await run("go", ["env", "GOMODCACHE"])).trim();
    } catch {
      cache = `${Deno.env.get("HOME") ?? ""}/go/pkg/mod`;
    }
  }
  const path = `${cache}/github.com/polarismesh/polaris@${pinnedPolarisVersion()}` +
    "/store/mysql/scripts/polaris_server.sql";
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `Cannot find the Polaris MySQL schema at "${path}": build the server first ` +
        "(`bash tests/deps/build-go-deps.sh polaris-server` downloads its module)",
    );
  }
  return path;
}

/** Starts MariaDB with the Polaris schema loaded; resolves once the server's user can log in. */
export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDb> {
  const schema = await Deno.readTextFile(await polarisSchemaPath());
  const dir = await Deno.makeTempDir({ prefix: "polaris-mariadb-" });
  const socket = `${dir}/mysqld.sock`;
  const root = Deno.uid() === 0 ? ["--user=root"] : [];
  await run("mariadb-install-db", [
    "--no-defaults",
    `--datadir=${dir}/data`,
    "--auth-root-authentication-method=socket",
    "--skip-test-db",
    ...root,
  ]);
  const port = freePort();
  const process = new Deno.Command("mariadbd", {
    args: [
      "--no-defaults",
      `--datadir=${dir}/data`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      "--skip-name-resolve",
      `--pid-file=${dir}/mariadbd.pid`,
      `--log-error=${dir}/error.log`,
      `--innodb-buffer-pool-size=${options.bufferPoolMb ?? 256}M`,
      ...root,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = process.status.then((s) => (exited = true, s));
  const sql = (statement: string) =>
    run("mariadb", ["--no-defaults", "-S", socket, "-uroot", "--batch"], statement);
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
      }, 10_000);
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
      if (exited) throw new Error(`mariadbd exited during start-up:\n${errorLog(dir)}`);
      if (await sql("SELECT 1").then(() => true, () => false)) break;
      if (Date.now() > deadline) {
        throw new Error(`mariadbd did not answer in time:\n${errorLog(dir)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await sql(schema);
    const user = "polaris";
    const password = "polaris";
    await sql(
      `CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}';\n` +
        `GRANT ALL ON polaris_server.* TO '${user}'@'127.0.0.1';`,
    );
    return {
      addr: `127.0.0.1:${port}`,
      user,
      password,
      database: "polaris_server",
      pid: process.pid,
      dir,
      sql,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function errorLog(dir: string): string {
  try {
    return Deno.readTextFileSync(`${dir}/error.log`).trimEnd().split("\n").slice(-15).join("\n");
  } catch {
    return "(no error log)";
  }
}
