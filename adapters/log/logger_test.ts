import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { createLogger, type LoggerOptions } from "./logger.ts";
import { secretRedactor } from "./secret_redactor.ts";

function capture(options: Omit<LoggerOptions, "write" | "now">) {
  const lines: string[] = [];
  const logger = createLogger({
    ...options,
    write: (line) => lines.push(line),
    now: () => new Date("2025-03-04T05:06:07.089Z"),
  });
  return { logger, lines };
}

Deno.test("createLogger() writes one JSON object per line with time, level and msg first", () => {
  const { logger, lines } = capture({ level: "info", format: "json" });
  logger.info("Synced service", { instances: 3, dryRun: false });
  assertEquals(lines, [
    '{"time":"2025-03-04T05:06:07.089Z","level":"info","msg":"Synced service","instances":3,"dryRun":false}',
  ]);
});

Deno.test("createLogger() drops lines below its level", () => {
  const { logger, lines } = capture({ level: "warn", format: "json" });
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  assertEquals(lines.map((line) => JSON.parse(line).level), ["warn", "error"]);
  assertEquals([logger.enabled("info"), logger.enabled("warn"), logger.level], [
    false,
    true,
    "warn",
  ]);
});

Deno.test("createLogger() child loggers carry their fields on every line", () => {
  const { logger, lines } = capture({ level: "debug", format: "json" });
  const cluster = logger.child({ cluster: "cluster-a" });
  const service = cluster.child({ service: "default/web" });
  service.debug("Debouncing", { delayMs: 200 });
  service.info("Synced");
  cluster.info("Listed");
  assertEquals(lines.map((line) => JSON.parse(line)), [
    {
      time: "2025-03-04T05:06:07.089Z",
      level: "debug",
      msg: "Debouncing",
      cluster: "cluster-a",
      service: "default/web",
      delayMs: 200,
    },
    {
      time: "2025-03-04T05:06:07.089Z",
      level: "info",
      msg: "Synced",
      cluster: "cluster-a",
      service: "default/web",
    },
    { time: "2025-03-04T05:06:07.089Z", level: "info", msg: "Listed", cluster: "cluster-a" },
  ]);
});

Deno.test("createLogger() lets a line's field override the child's field of the same name", () => {
  const { logger, lines } = capture({ level: "info", format: "json" });
  logger.child({ attempt: 1 }).info("Retrying", { attempt: 2 });
  assertEquals(JSON.parse(lines[0]).attempt, 2);
});

Deno.test("createLogger() keeps reserved keys and renames colliding fields", () => {
  const { logger, lines } = capture({ level: "info", format: "json" });
  logger.info("Real message", { msg: "spoof", level: "debug", time: "then" });
  assertEquals(JSON.parse(lines[0]), {
    time: "2025-03-04T05:06:07.089Z",
    level: "info",
    msg: "Real message",
    "field.msg": "spoof",
    "field.level": "debug",
    "field.time": "then",
  });
});

Deno.test("createLogger() serializes an error field with its message and cause chain", () => {
  const { logger, lines } = capture({ level: "info", format: "json" });
  const root = new TypeError("fetch failed");
  const error = new Error('Cannot register instances for "ns/svc": Polaris answered 500', {
    cause: root,
  });
  logger.error("Write failed", { error });
  assertEquals(JSON.parse(lines[0]).error, {
    name: "Error",
    message: 'Cannot register instances for "ns/svc": Polaris answered 500',
    cause: { name: "TypeError", message: "fetch failed" },
  });
});

Deno.test("createLogger() writes readable text lines with logfmt-style fields", () => {
  const { logger, lines } = capture({ level: "info", format: "text" });
  logger.child({ service: "default/web" }).warn("Conflict on instance", {
    instance: "10.0.0.1:8080",
    reason: "taken by cluster-b",
    counts: { ready: 2 },
  });
  assertEquals(lines, [
    '2025-03-04T05:06:07.089Z WARN  Conflict on instance service=default/web instance=10.0.0.1:8080 reason="taken by cluster-b" counts={"ready":2}',
  ]);
});

Deno.test("createLogger() writes an error's cause chain on one text line", () => {
  const { logger, lines } = capture({ level: "info", format: "text" });
  const error = new Error("Cannot list services", {
    cause: new RangeError("page out of range", { cause: "socket closed" }),
  });
  logger.error("List failed", { error });
  assertEquals(lines, [
    '2025-03-04T05:06:07.089Z ERROR List failed error="Cannot list services; caused by: RangeError: page out of range; caused by: socket closed"',
  ]);
});

Deno.test("createLogger() leaves undefined fields out", () => {
  const { logger, lines } = capture({ level: "info", format: "text" });
  logger.info("Started", { identity: undefined, leader: true });
  assertEquals(lines, ["2025-03-04T05:06:07.089Z INFO  Started leader=true"]);
});

Deno.test("createLogger() with a redactor shows no secret in a message, field, key or cause", () => {
  const token = 'pst-"quoted"-token';
  const redact = secretRedactor([token]);
  const error = new Error("Cannot list services: Polaris answered 401000", {
    cause: new Error(`echo: X-Polaris-Token: ${token}`),
  });
  for (const format of ["json", "text"] as const) {
    const { logger, lines } = capture({ level: "info", format, redact });
    logger.child({ context: token }).warn(`token ${token} refused`, {
      error,
      nested: { [token]: [token] },
    });
    assertEquals(lines.length, 1);
    assertEquals(lines[0].includes("pst-"), false, lines[0]);
    assertEquals(lines[0].includes("***"), true, lines[0]);
    if (format === "json") assertEquals(JSON.parse(lines[0]).nested, { "***": ["***"] });
  }
});
