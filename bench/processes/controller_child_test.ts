import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { lineLevel, procStatusBytes } from "./controller_child.ts";

Deno.test("procStatusBytes() reads a kB field of /proc/<pid>/status", () => {
  const text = "Name:\tdeno\nVmPeak:\t 9000 kB\nVmHWM:\t  225000 kB\nVmRSS:\t  200000 kB\n";
  assertEquals(procStatusBytes(text, "VmHWM"), 225000 * 1024);
  assertEquals(procStatusBytes(text, "VmRSS"), 200000 * 1024);
  assertEquals(procStatusBytes(text, "VmSwap"), null);
});

Deno.test("procStatusBytes() reads this process's own VmHWM", async () => {
  const bytes = procStatusBytes(await Deno.readTextFile("/proc/self/status"), "VmHWM");
  assert(bytes !== null && bytes >= 1024 * 1024, `VmHWM ${bytes}`);
});

Deno.test("lineLevel() reads the level of a JSON log line", () => {
  assertEquals(lineLevel('{"time":"t","level":"error","msg":"m"}'), "error");
  assertEquals(lineLevel('{"time":"t","msg":"m"}'), "other");
  assertEquals(lineLevel("{not json"), "other");
  assertEquals(lineLevel("plain text"), "other");
});
