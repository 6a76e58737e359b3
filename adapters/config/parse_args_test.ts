import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { FLAGS } from "./flags.ts";
import { parseArgs } from "./parse_args.ts";

Deno.test("parseArgs() reads --flag value and --flag=value alike", () => {
  const spaced = parseArgs([
    "--config",
    "mesh.yaml",
    "--kubeconfig",
    "kc",
    "--cluster-name",
    "a",
    "--sync-mode",
    "demand",
    "--polaris-address",
    "p:1",
    "--listen",
    ":1",
    "--log-level",
    "debug",
    "--dry-run",
    "--once",
    "--dev",
  ]);
  const inline = parseArgs([
    "--config=mesh.yaml",
    "--kubeconfig=kc",
    "--cluster-name=a",
    "--sync-mode=demand",
    "--polaris-address=p:1",
    "--listen=:1",
    "--log-level=debug",
    "--dry-run=true",
    "--once",
    "--dev",
  ]);
  const expected = {
    kind: "flags",
    flags: {
      config: "mesh.yaml",
      kubeconfig: "kc",
      clusterName: "a",
      syncMode: "demand",
      polarisAddress: "p:1",
      listen: ":1",
      logLevel: "debug",
      dryRun: true,
      once: true,
      dev: true,
    },
  };
  assertEquals(spaced, expected);
  assertEquals(inline, expected);
});

Deno.test("parseArgs() keeps a value holding '=' whole", () => {
  assertEquals(parseArgs(["--config=/tmp/a=b.yaml"]), {
    kind: "flags",
    flags: { config: "/tmp/a=b.yaml", dryRun: false, once: false, dev: false },
  });
});

Deno.test("parseArgs() lets the last occurrence of a flag win", () => {
  const result = parseArgs(["--sync-mode", "all", "--sync-mode=demand", "--once", "--once=false"]);
  assertEquals(result, {
    kind: "flags",
    flags: { syncMode: "demand", dryRun: false, once: false, dev: false },
  });
});

Deno.test("parseArgs() answers help for --help or -h anywhere", () => {
  assertEquals(parseArgs(["--bogus", "--help"]), { kind: "help" });
  assertEquals(parseArgs(["-h"]), { kind: "help" });
});

Deno.test("parseArgs() names the flag that is unknown or incomplete", () => {
  const cases: ReadonlyArray<readonly [readonly string[], string]> = [
    [["--sync"], "Cannot start: --sync is not a known flag; expected one of "],
    [["--verbose=1"], "Cannot start: --verbose is not a known flag; expected one of "],
    [["-v"], "Cannot start: -v is not a known flag; expected one of "],
    [["--config"], "Cannot start: --config has no value; expected --config FILE"],
    [["--listen", "--dev"], "Cannot start: --listen has no value; expected --listen HOST:PORT"],
    [["--once=yes"], 'Cannot start: --once is "yes"; expected no value, true or false'],
    [
      ["mesh.yaml"],
      'Cannot start: "mesh.yaml" is not a flag; this program takes no positional arguments',
    ],
  ];
  for (const [args, prefix] of cases) {
    const result = parseArgs(args);
    const message = result.kind === "error" ? result.message : JSON.stringify(result);
    assertEquals([args, message.startsWith(prefix)], [args, true], message);
  }
});

Deno.test("parseArgs() sets the field of every flag of the table", () => {
  for (const flag of FLAGS) {
    if (flag.kind === "help") {
      assertEquals(parseArgs([flag.name]), { kind: "help" });
      assertEquals(parseArgs([`-${flag.short}`]), { kind: "help" });
    } else if (flag.kind === "value") {
      const result = parseArgs([`${flag.name}=x`]);
      assertEquals(result.kind === "flags" && result.flags[flag.field], "x", flag.name);
    } else {
      const on = parseArgs([flag.name]);
      const off = parseArgs([flag.name, `${flag.name}=false`]);
      assertEquals(on.kind === "flags" && on.flags[flag.field], true, flag.name);
      assertEquals(off.kind === "flags" && off.flags[flag.field], false, flag.name);
    }
  }
});

Deno.test("parseArgs() takes a value starting with a dash only as --flag=value", () => {
  assertEquals(parseArgs(["--listen", "-1"]), {
    kind: "error",
    message: "Cannot start: --listen has no value; expected --listen HOST:PORT",
  });
  assertEquals(parseArgs(["--listen=-1"]), {
    kind: "flags",
    flags: { listen: "-1", dryRun: false, once: false, dev: false },
  });
});

Deno.test("parseArgs() refuses a lone -- and names the unknown letter of a short group", () => {
  const messages = [["--"], ["--", "x"], ["-hv"]].map((args) => {
    const result = parseArgs(args);
    return result.kind === "error" ? result.message.split(";")[0] : result.kind;
  });
  assertEquals(messages, [
    "Cannot start: -- is not a known flag",
    "Cannot start: -- is not a known flag",
    "Cannot start: -v is not a known flag",
  ]);
});

Deno.test("parseArgs() knows every flag of the reference", () => {
  for (const flag of FLAGS) {
    const args = flag.kind === "value" ? [flag.name, "x"] : [flag.name];
    assertEquals([flag.name, parseArgs(args).kind], [
      flag.name,
      flag.name === "--help" ? "help" : "flags",
    ]);
  }
});
