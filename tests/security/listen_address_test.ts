/**
 * The debug endpoints listen on loopback unless told otherwise (docs/decisions.md §23). The
 * controller runs as `deno task dev` runs it (the task's own permissions, its embedded emulator
 * and examples/), in a network namespace of its own (`unshare --net`, as root), so the fixed
 * default ports are free whatever else runs on the machine and every listening socket seen in the
 * namespace is the controller's. The sockets are read from `/proc/<pid>/net/tcp{,6}`; HTTP goes
 * through `nsenter` into the namespace.
 */
import assert from "node:assert/strict";
import { manifestOf } from "../deploy/manifests.ts";
import { denoTaskArgs, ROOT } from "./_deno_tasks.ts";

/** A controller in a network namespace of its own. */
interface IsolatedController {
  readonly pid: number;
  output(): string;
  /** GETs `url` from inside the namespace; returns the HTTP status (0 when nothing answered). */
  status(url: string): Promise<number>;
  stop(): Promise<void>;
}

function startIsolated(extraArgs: readonly string[]): IsolatedController {
  const child = new Deno.Command("unshare", {
    args: [
      "--net",
      "--",
      "sh",
      "-c",
      'ip link set lo up && exec "$0" "$@"',
      Deno.execPath(),
      ...denoTaskArgs("dev"),
      ...extraArgs,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  return {
    pid: child.pid,
    output: () => text,
    async status(url) {
      const curl = await new Deno.Command("nsenter", {
        args: [
          `--net=/proc/${child.pid}/ns/net`,
          "--",
          "curl",
          "-s",
          "-o",
          "/dev/null",
          "-w",
          "%{http_code}",
          "--max-time",
          "5",
          url,
        ],
        stdin: "null",
        stderr: "null",
      }).output();
      return Number(new TextDecoder().decode(curl.stdout)) || 0;
    },
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      await pumps;
    },
  };
}

/** The listening TCP sockets of a network namespace, as `host:port` (`[::]:port` for IPv6). */
function listeningSockets(pid: number): string[] {
  const sockets: string[] = [];
  for (const file of ["tcp", "tcp6"]) {
    const lines = Deno.readTextFileSync(`/proc/${pid}/net/${file}`).trim().split("\n").slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A") continue; // TCP_LISTEN
      const [hex, portHex] = local.split(":");
      const port = parseInt(portHex, 16);
      sockets.push(file === "tcp" ? `${ipv4(hex)}:${port}` : `[${ipv6(hex)}]:${port}`);
    }
  }
  return sockets.sort();
}

/** `/proc/net/tcp` writes an IPv4 address as one little-endian 32-bit word in hex. */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
}

/** `/proc/net/tcp6` writes four little-endian 32-bit words; `::` and `::1` are what matter here. */
function ipv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  return hex;
}

async function until(check: () => Promise<boolean>, what: string, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

Deno.test({
  name: "deno task dev on its defaults listens on loopback only, /debug beside /healthz",
  sanitizeResources: false,
  async fn() {
    const controller = startIsolated([]);
    try {
      const url = "http://127.0.0.1:9090";
      await until(
        async () => (await controller.status(`${url}/readyz`)) === 200,
        "/readyz",
        controller.output,
      );
      // The embedded emulator (8090) and the one operator server (9090), nothing else.
      assert.deepEqual(listeningSockets(controller.pid), ["127.0.0.1:8090", "127.0.0.1:9090"]);
      for (const path of ["/healthz", "/metrics", "/debug", "/debug/services"]) {
        assert.equal(await controller.status(`${url}${path}`), 200, path);
      }
    } finally {
      await controller.stop();
    }
  },
});

Deno.test({
  name:
    "the Deployment's --listen 0.0.0.0:9090 exposes probes and metrics; /debug stays on loopback",
  sanitizeResources: false,
  async fn() {
    const [container] = manifestOf<{
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    }>("Deployment").spec.template.spec.containers;
    const listen = container.args[container.args.indexOf("--listen") + 1];
    assert.equal(listen, "0.0.0.0:9090");
    const controller = startIsolated(["--listen", listen]);
    try {
      const operations = "http://127.0.0.1:9090";
      const debug = "http://127.0.0.1:9091";
      await until(
        async () => (await controller.status(`${operations}/readyz`)) === 200,
        "/readyz",
        controller.output,
      );
      assert.deepEqual(listeningSockets(controller.pid), [
        "0.0.0.0:9090",
        "127.0.0.1:8090",
        "127.0.0.1:9091",
      ]);
      const statuses: Record<string, number> = {};
      for (const path of ["/healthz", "/readyz", "/metrics", "/debug", "/debug/services"]) {
        statuses[`${operations}${path}`] = await controller.status(`${operations}${path}`);
        statuses[`${debug}${path}`] = await controller.status(`${debug}${path}`);
      }
      assert.deepEqual(statuses, {
        [`${operations}/healthz`]: 200,
        [`${operations}/readyz`]: 200,
        [`${operations}/metrics`]: 200,
        [`${operations}/debug`]: 404,
        [`${operations}/debug/services`]: 404,
        // The debug page reads /readyz: the loopback server answers everything.
        [`${debug}/healthz`]: 200,
        [`${debug}/readyz`]: 200,
        [`${debug}/metrics`]: 200,
        [`${debug}/debug`]: 200,
        [`${debug}/debug/services`]: 200,
      });
      assert.match(controller.output(), /"debug":"http:\/\/127\.0\.0\.1:9091\/debug"/);
    } finally {
      await controller.stop();
    }
  },
});
