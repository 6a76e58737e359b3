import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { errorChainText, toLogValue } from "./log_value.ts";

Deno.test("toLogValue() keeps an error's own fields such as a Polaris code", () => {
  const error = Object.assign(new Error("Cannot create service"), { code: 400201, ids: [1, 2] });
  assertEquals(toLogValue(error), {
    name: "Error",
    message: "Cannot create service",
    code: 400201,
    ids: [1, 2],
  });
});

Deno.test("toLogValue() follows a cause chain and stops at a cycle", () => {
  const first = new Error("first");
  const second = new Error("second", { cause: first });
  (first as { cause?: unknown }).cause = second;
  assertEquals(toLogValue(second), {
    name: "Error",
    message: "second",
    cause: { name: "Error", message: "first", cause: "[Circular]" },
  });
});

Deno.test("toLogValue() lists the errors of an AggregateError", () => {
  const error = new AggregateError([new Error("a"), "b"], "Cannot write batch");
  assertEquals(toLogValue(error), {
    name: "AggregateError",
    message: "Cannot write batch",
    errors: [{ name: "Error", message: "a" }, "b"],
  });
});

Deno.test("toLogValue() converts values JSON cannot hold", () => {
  const value = {
    big: 10n,
    date: new Date("2025-01-02T03:04:05.000Z"),
    map: new Map([["a", 1]]),
    set: new Set(["x"]),
    nan: Number.NaN,
    skipped: undefined,
    fn: function named() {},
  };
  assertEquals(toLogValue(value), {
    big: "10",
    date: "2025-01-02T03:04:05.000Z",
    map: { a: 1 },
    set: ["x"],
    nan: "NaN",
    fn: "[Function named]",
  });
});

Deno.test("toLogValue() repeats a shared object that is not a cycle", () => {
  const shared = { a: 1 };
  assertEquals(toLogValue({ x: shared, y: shared }), { x: { a: 1 }, y: { a: 1 } });
});

Deno.test("toLogValue() cuts values nested deeper than eight levels", () => {
  let deep: Record<string, unknown> = { end: true };
  for (let i = 0; i < 10; i++) deep = { next: deep };
  const text = JSON.stringify(toLogValue(deep));
  assertEquals(text.includes("[Truncated]"), true);
  assertEquals(text.includes("end"), false);
});

Deno.test("errorChainText() joins the messages of the cause chain", () => {
  const error = new Error("Cannot sync", { cause: new TypeError("bad", { cause: { code: 7 } }) });
  assertEquals(
    errorChainText(error),
    'Cannot sync; caused by: TypeError: bad; caused by: {"code":7}',
  );
});
