import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { CONFIG_KEYS } from "./config_reference.ts";
import { FLAGS } from "./flags.ts";

Deno.test("FLAGS gives every flag its own name and field", () => {
  const names = FLAGS.map((flag) => flag.name);
  const fields = FLAGS.flatMap((flag) => flag.kind === "help" ? [] : [flag.field]);
  assertEquals(new Set(names).size, names.length);
  assertEquals(new Set(fields).size, fields.length);
});

Deno.test("FLAGS overrides only config keys the reference lists", () => {
  const keys = new Set(CONFIG_KEYS.map((key) => key.key));
  const unknown = FLAGS.flatMap((flag) =>
    "overrides" in flag && !keys.has(flag.overrides) ? [flag.name] : []
  );
  assertEquals(unknown, []);
});
