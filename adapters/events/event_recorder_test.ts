import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { EventRecorder, type EventRecorderOptions } from "./event_recorder.ts";
import type { KubeJsonAnswer, KubeJsonApi, KubeJsonRequest } from "./kube_json_api.ts";
import { secretRedactor } from "../log/secret_redactor.ts";

/** An in-memory API: records requests, stores created Events, answers from `answer` when set. */
function fakeApi(answer?: (request: KubeJsonRequest) => KubeJsonAnswer | Error) {
  const requests: KubeJsonRequest[] = [];
  const events = new Map<string, Record<string, unknown>>();
  let closed = false;
  const api: KubeJsonApi = {
    request(request) {
      requests.push(request);
      const override = answer?.(request);
      if (override instanceof Error) return Promise.reject(override);
      if (override) return Promise.resolve(override);
      if (request.method === "GET") {
        return Promise.resolve({ status: 200, body: { metadata: { uid: "uid-1" } } });
      }
      if (request.method === "POST") {
        const body = request.body as { metadata: { name: string } };
        events.set(body.metadata.name, { ...body });
        return Promise.resolve({ status: 201, body });
      }
      const name = decodeURIComponent(request.path.split("/").pop()!);
      const event = events.get(name);
      if (!event) return Promise.resolve({ status: 404, body: { message: "not found" } });
      Object.assign(event, request.body);
      return Promise.resolve({ status: 200, body: event });
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
  return { api, requests, events, closed: () => closed };
}

function recorder(
  api: KubeJsonApi,
  clock: { now: number },
  options: Partial<EventRecorderOptions> = {},
) {
  return new EventRecorder({ api, instance: "replica-1", now: () => clock.now, ...options });
}

const cart = { namespace: "shop", name: "cart" };

Deno.test("EventRecorder.warn() creates a Warning Event on the Service with its uid", async () => {
  const fake = fakeApi();
  const events = recorder(fake.api, { now: Date.UTC(2024, 0, 2, 3, 4, 5, 678) });
  events.warn(cart, "SyncInvalid", 'polarismesh.cn/sync is "yes"');
  await events.close();
  equal(fake.events.size, 1);
  const [event] = [...fake.events.values()] as {
    involvedObject: unknown;
    type: string;
    reason: string;
    message: string;
    count: number;
    firstTimestamp: string;
    reportingInstance: string;
  }[];
  deepStrictEqual(event.involvedObject, {
    apiVersion: "v1",
    kind: "Service",
    namespace: "shop",
    name: "cart",
    uid: "uid-1",
  });
  deepStrictEqual(
    [event.type, event.reason, event.message, event.count],
    ["Warning", "SyncInvalid", 'polarismesh.cn/sync is "yes"', 1],
  );
  equal(event.firstTimestamp, "2024-01-02T03:04:05Z");
  equal(event.reportingInstance, "replica-1");
  equal(fake.requests.find((r) => r.method === "POST")?.path, "/api/v1/namespaces/shop/events");
  ok(!fake.closed(), "the client is shared with the source: its creator closes it");
});

Deno.test("EventRecorder.warn() writes nothing for a repeat inside the window, patches count after", async () => {
  const fake = fakeApi();
  const clock = { now: 1_000_000 };
  const results: string[] = [];
  const events = recorder(fake.api, clock, {
    dedupeWindowMs: 60_000,
    onResult: (reason, result) => results.push(`${reason} ${result}`),
  });
  events.warn(cart, "SyncConflict", "10.0.0.1:80 is taken");
  await events.flush();
  for (let i = 0; i < 5; i++) {
    clock.now += 10_000;
    events.warn(cart, "SyncConflict", "10.0.0.1:80 is taken");
  }
  await events.flush();
  equal(fake.requests.filter((r) => r.method !== "GET").length, 1, "one write in the window");
  equal(events.stats.deduplicated, 5);
  clock.now += 10_001;
  events.warn(cart, "SyncConflict", "10.0.0.1:80 is taken");
  await events.flush();
  const patch = fake.requests.at(-1)!;
  equal(patch.method, "PATCH");
  equal(patch.contentType, "application/merge-patch+json");
  const [event] = [...fake.events.values()];
  equal(event.count, 2);
  equal(fake.events.size, 1, "no duplicate Event");
  deepStrictEqual(results, [
    "SyncConflict created",
    ...Array(5).fill("SyncConflict deduplicated"),
    "SyncConflict patched",
  ]);
  events.warn(cart, "SyncConflict", "a different message");
  await events.close();
  equal(fake.events.size, 2, "a different message is a different Event");
});

Deno.test("EventRecorder.warn() creates a new Event when the old one expired on the server", async () => {
  const fake = fakeApi();
  const clock = { now: 0 };
  const events = recorder(fake.api, clock, { dedupeWindowMs: 1_000 });
  events.warn(cart, "SyncInvalid", "bad");
  await events.flush();
  fake.events.clear();
  clock.now += 5_000;
  events.warn(cart, "SyncInvalid", "bad");
  await events.close();
  deepStrictEqual(fake.requests.map((r) => r.method), ["GET", "POST", "PATCH", "GET", "POST"]);
  equal(fake.events.size, 1);
  equal(events.stats.created, 2);
});

Deno.test("EventRecorder.warn() drops writes beyond the rate limit", async () => {
  const fake = fakeApi();
  const clock = { now: 0 };
  const events = recorder(fake.api, clock, { burst: 3, writesPerSecond: 1 });
  for (let i = 0; i < 10; i++) {
    events.warn({ namespace: "ns", name: `svc-${i}` }, "SyncInvalid", "x");
  }
  await events.flush();
  equal(fake.events.size, 3);
  equal(events.stats.rateLimited, 7);
  clock.now += 1_000;
  events.warn({ namespace: "ns", name: "svc-9" }, "SyncInvalid", "x");
  await events.close();
  equal(fake.events.size, 4, "a dropped Event is written once a token is back");
});

Deno.test("EventRecorder keeps at most maxEntries keys", async () => {
  const fake = fakeApi();
  const events = recorder(fake.api, { now: 0 }, { maxEntries: 5, burst: 1000 });
  for (let i = 0; i < 50; i++) {
    events.warn({ namespace: "ns", name: `svc-${i}` }, "SyncInvalid", "x");
  }
  await events.close();
  equal(events.size, 5);
  equal(fake.events.size, 50);
});

Deno.test("EventRecorder logs a failed write, never throws, and tries again next time", async () => {
  let fail = true;
  const fake = fakeApi((request) =>
    request.method === "POST" && fail
      ? { status: 403, body: { message: 'events is forbidden: User "x" cannot create' } }
      : request.method === "GET"
      ? new Error("connection refused")
      : undefined!
  );
  const logs: string[] = [];
  const events = recorder(fake.api, { now: 0 }, {
    log: (level, message, fields) => logs.push(`${level} ${message} ${String(fields?.error)}`),
  });
  events.warn(cart, "SyncInvalid", "bad");
  await events.flush();
  equal(events.stats.failed, 1);
  ok(
    logs.some((l) => l.startsWith("warn Cannot write a Kubernetes Event") && l.includes("403")),
    logs.join("\n"),
  );
  fail = false;
  events.warn(cart, "SyncInvalid", "bad");
  await events.close();
  equal(events.stats.created, 1);
  const posted = fake.requests.filter((r) => r.method === "POST").at(-1)!.body as {
    involvedObject: { uid?: string };
  };
  equal(posted.involvedObject.uid, undefined, "written without uid when the Service read fails");
});

Deno.test("EventRecorder.warn() cuts a message longer than 1024 characters", async () => {
  const fake = fakeApi();
  const events = recorder(fake.api, { now: 0 });
  events.warn(cart, "SyncInvalid", "x".repeat(5000));
  await events.close();
  const [event] = [...fake.events.values()] as { message: string }[];
  equal(event.message.length, 1024);
});

Deno.test("EventRecorder.warn() redacts the message before it cuts and writes it", async () => {
  const fake = fakeApi();
  const token = "pst-e1a7-never-in-an-event";
  const events = recorder(fake.api, { now: 0 }, { redact: secretRedactor([token]) });
  // The token straddles the cut: redacted first, nothing of it can be left behind.
  events.warn(cart, "SyncFailed", `${"x".repeat(1020)}${token}`);
  events.warn(cart, "SyncFailed", `Polaris answered 401000: token ${token} is invalid`);
  await events.close();
  const messages = [...fake.events.values()].map((event) => String(event.message));
  deepStrictEqual(messages.map((m) => m.includes("pst-")), [false, false]);
  ok(messages.includes("Polaris answered 401000: token *** is invalid"), messages.join("\n"));
});
