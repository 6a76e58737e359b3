import assert from "node:assert/strict";
import { EMULATOR_FLAGS, parseEmulatorArgs } from "./main.ts";

Deno.test("parseEmulatorArgs() reads port, hostname, token and validation", () => {
  assert.deepEqual(parseEmulatorArgs([]), {
    port: 8090,
    hostname: "127.0.0.1",
    token: undefined,
    validation: "whole-batch",
  });
  assert.deepEqual(
    parseEmulatorArgs([
      "--port",
      "18090",
      "--token=T",
      "--hostname",
      "0.0.0.0",
      "--validation",
      "per-item",
    ]),
    { port: 18090, hostname: "0.0.0.0", token: "T", validation: "per-item" },
  );
});

Deno.test("parseEmulatorArgs() names the bad flag", () => {
  assert.throws(() => parseEmulatorArgs(["--prot", "1"]), /unknown flag "--prot"/);
  assert.throws(() => parseEmulatorArgs(["--port", "x"]), /bad --port "x"/);
  assert.throws(() => parseEmulatorArgs(["--port"]), /needs a value/);
  assert.throws(() => parseEmulatorArgs(["--validation", "lenient"]), /bad --validation/);
});

Deno.test("main.ts runs standalone, prints its URL and answers GET /", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", new URL("./main.ts", import.meta.url).pathname, "--port", "0"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let printed = "";
    while (!printed.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      printed += value;
    }
    const url = printed.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
    assert.ok(url, `no URL in ${JSON.stringify(printed)}`);
    const res = await fetch(`${url}/`);
    assert.equal(await res.text(), "Polaris Server");
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
  }
});

Deno.test("emulator/README.md's flag table lists exactly the flags parseEmulatorArgs() accepts", async () => {
  const readme = await Deno.readTextFile(new URL("./README.md", import.meta.url));
  const rows = [...readme.matchAll(/^\| `(--[a-z-]+) [^`]*` +\|/gm)].map((m) => m[1]);
  assert.deepEqual(rows, [...EMULATOR_FLAGS]);
});
