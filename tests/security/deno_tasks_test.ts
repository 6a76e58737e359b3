/**
 * The Deno permissions of the tasks (`deno.json`) and of the image (`deploy/deno_permissions.txt`):
 * the README's table says what they are, the e2e tests start the controller exactly as
 * `deno task start` does, each narrowed task still does its job and is refused what it was not
 * given, and a canary fails once `@kubernetes/client-node` no longer forces `--allow-env` on
 * every variable, so the list can be narrowed then.
 */
import assert from "node:assert/strict";
import { freePort } from "../cluster/free_ports.ts";
import { CONTROLLER_RUN_ARGS } from "../e2e/controller_process.ts";
import { denoTaskArgs, permissionFlags, ROOT } from "./_deno_tasks.ts";

/** The words of `deploy/deno_permissions.txt`, as `container_entrypoint.sh` reads them. */
function imagePermissions(): string[] {
  return Deno.readTextFileSync(`${ROOT}deploy/deno_permissions.txt`).split("\n")
    .map((line) => line.replace(/#.*/, ""))
    .flatMap((line) => line.split(/\s+/).filter((word) => word !== ""));
}

/** Runs `deno` with `args` in the checkout; returns the exit code and everything printed. */
async function deno(args: readonly string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: ROOT,
    stdin: "null",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
  };
}

Deno.test("CONTROLLER_RUN_ARGS of the e2e tests is `deno task start`", () => {
  const start = denoTaskArgs("start").map((word) => word === "main.ts" ? `${ROOT}main.ts` : word);
  assert.deepEqual([...CONTROLLER_RUN_ARGS], start);
});

Deno.test("the README's permission table is what deno.json and deno_permissions.txt grant", () => {
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  const rows = new Map<string, string>();
  for (const line of readme.split("\n")) {
    const match = /^\| (`deno task [a-z-]+`|the image) +\| ([^|]+?) +\|/.exec(line);
    if (match) rows.set(match[1], match[2]);
  }
  const flags = (cell: string) => [...cell.matchAll(/`(--[^`]+)`/g)].map((m) => m[1]);
  for (const task of ["dev", "start", "polaris-emulator"]) {
    const row = rows.get(`\`deno task ${task}\``);
    assert.ok(row !== undefined, `the README has no row for deno task ${task}`);
    const expected = permissionFlags(denoTaskArgs(task))
      .map((flag) => flag.replace(Deno.env.get("HOME") ?? "$HOME", "$HOME"));
    assert.deepEqual(flags(row), expected, `deno task ${task}`);
  }
  assert.deepEqual(flags(rows.get("the image") ?? ""), imagePermissions(), "the image");
  assert.equal(rows.size, 4, [...rows.keys()].join());
});

Deno.test("deno task polaris-emulator serves on loopback and may not listen elsewhere", async () => {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [...denoTaskArgs("polaris-emulator"), "--port", String(port)],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const deadline = Date.now() + 15_000;
    let answer = "";
    while (answer !== "Polaris Server" && Date.now() < deadline) {
      answer = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => "")
        .then((text) => text.trim());
      if (answer === "") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(answer, "Polaris Server");
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
  const everywhere = await deno([
    ...denoTaskArgs("polaris-emulator"),
    "--port",
    String(freePort()),
    "--hostname",
    "0.0.0.0",
  ]);
  assert.notEqual(everywhere.code, 0);
  assert.match(everywhere.text, /Requires net access to "0\.0\.0\.0:\d+"/);
});

Deno.test("deno task dev reads examples/ and ~/.kube only, and says so for anything else", async () => {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-perm-" });
  try {
    await Deno.writeTextFile(`${dir}/mesh.yaml`, "clusterName: a\n");
    const { code, text } = await deno([...denoTaskArgs("dev"), "--config", `${dir}/mesh.yaml`]);
    assert.equal(code, 2, text);
    assert.match(
      text,
      /Requires read access to "[^"]*mesh\.yaml", run again with the --allow-read/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("canary: main.ts still cannot load with --allow-env limited to named variables", async () => {
  // What the controller and its dependencies read by name (README, Deno permissions).
  const named = [
    "POLARIS_TOKEN",
    "KUBECONFIG",
    "KUBERNETES_SERVICE_HOST",
    "KUBERNETES_SERVICE_PORT",
    "HOME",
    "UNDICI_NO_WASM_SIMD",
    "UNDICI_USE_MILO",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "DEBUG",
  ];
  const start = denoTaskArgs("start").map((word) =>
    word === "--allow-env" ? `--allow-env=${named.join(",")}` : word
  );
  const { code, text } = await deno([...start, "--help"]);
  assert.notEqual(
    code,
    0,
    "main.ts loads with named variables only: narrow --allow-env in deno.json, " +
      "deploy/deno_permissions.txt and the README's table",
  );
  // The `debug` package (socks-proxy-agent, imported by client-node's config.js) lists them all.
  assert.match(text, /Requires env access, run again/);
  assert.match(text, /debug\/[\d.]+\/src\/node\.js/);
});
