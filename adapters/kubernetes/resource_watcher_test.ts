import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { KubeApiError } from "./kube_client.ts";
import { reduceService, sameReduced } from "./reduced_objects.ts";
import { ResourceWatcher } from "./resource_watcher.ts";
import type { ServiceInfo } from "../../domain/kubernetes.ts";
import { FakeApi, ManualClock, object, settle } from "./testdata/fake_api.ts";

const PATH = "/api/v1/services";

function setup(options: { watchdogMs?: number } = {}) {
  const api = new FakeApi();
  const clock = new ManualClock();
  const changes: string[] = [];
  const listed: boolean[] = [];
  const watcher = new ResourceWatcher<ServiceInfo>({
    resource: "services",
    path: PATH,
    reduce: reduceService,
    equal: sameReduced,
    transport: api,
    onChange: (key, previous, next) =>
      changes.push(`${previous ? (next ? "update" : "delete") : "add"} ${key}`),
    onListed: (first) => listed.push(first),
    watchTimeoutSeconds: 60,
    watchdogMs: options.watchdogMs,
    backoffBaseMs: 100,
    backoffMaxMs: 400,
    pageSize: 500,
    clock,
    log: () => {},
  });
  return { api, clock, changes, listed, watcher };
}

const svc = (name: string, rv: string, annotations: Record<string, string> = {}) =>
  object("shop", name, rv, { annotations, spec: { type: "ClusterIP" } });

Deno.test("ResourceWatcher lists, then watches from the list's resourceVersion with bookmarks", async () => {
  const { api, changes, listed, watcher } = setup();
  api.objects.set(PATH, [svc("web", "90"), svc("db", "95")]);
  watcher.start();
  await settle();
  deepStrictEqual(api.requests, [
    `list ${PATH}`,
    `watch ${PATH}?allowWatchBookmarks=true&resourceVersion=100&timeoutSeconds=60`,
  ]);
  deepStrictEqual(changes, ["add shop/web", "add shop/db"]);
  deepStrictEqual(listed, [true]);
  equal(watcher.status().phase, "watching");
  equal(watcher.status().objects, 2);
  await watcher.stop();
  equal(watcher.status().phase, "stopped");
  equal(api.watchesOn(PATH), 0);
});

Deno.test("ResourceWatcher emits nothing for a resourceVersion-only update, a change for a removed annotation", async () => {
  const { api, changes, watcher } = setup();
  api.objects.set(PATH, [svc("web", "90", { "polarismesh.cn/sync": "true", other: "x" })]);
  watcher.start();
  await settle();
  changes.length = 0;
  api.send(PATH, {
    type: "MODIFIED",
    object: svc("web", "101", { other: "x", "polarismesh.cn/sync": "true" }),
  });
  deepStrictEqual(changes, []);
  api.send(PATH, { type: "MODIFIED", object: svc("web", "102", { other: "x" }) });
  deepStrictEqual(changes, ["update shop/web"]);
  deepStrictEqual(watcher.get("shop/web")?.annotations, { other: "x" });
  equal(watcher.status().resourceVersion, "102");
  api.send(PATH, { type: "DELETED", object: svc("web", "103") });
  deepStrictEqual(changes, ["update shop/web", "delete shop/web"]);
  await watcher.stop();
});

Deno.test("ResourceWatcher resumes from a bookmark's resourceVersion after a server-side close", async () => {
  const { api, clock, changes, watcher } = setup();
  watcher.start();
  await settle();
  api.send(PATH, {
    type: "BOOKMARK",
    object: { kind: "Service", metadata: { resourceVersion: "150" } },
  });
  deepStrictEqual(changes, []);
  await clock.advance(5000); // the watch lived long enough to be a normal timeout
  api.end(PATH);
  await settle();
  equal(
    api.requests.at(-1),
    `watch ${PATH}?allowWatchBookmarks=true&resourceVersion=150&timeoutSeconds=60`,
  );
  equal(watcher.status().restarts, 1);
  await watcher.stop();
});

Deno.test("ResourceWatcher relists on a 410 event and emits only the differences", async () => {
  const { api, changes, listed, watcher } = setup();
  api.objects.set(PATH, [svc("a", "1"), svc("b", "2"), svc("c", "3")]);
  watcher.start();
  await settle();
  changes.length = 0;
  api.objects.set(PATH, [svc("a", "1"), svc("b", "7", { changed: "yes" }), svc("d", "8")]);
  api.resourceVersion = "200";
  api.send(PATH, {
    type: "ERROR",
    object: { kind: "Status", code: 410, reason: "Expired", message: "too old" },
  });
  await settle();
  deepStrictEqual(changes.sort(), ["add shop/d", "delete shop/c", "update shop/b"]);
  deepStrictEqual(listed, [true, false]);
  equal(watcher.status().restarts, 1);
  equal(watcher.status().resourceVersion, "200");
  equal(api.requests.filter((request) => request.startsWith("list")).length, 2);
  await watcher.stop();
});

Deno.test("ResourceWatcher backs off failed watches exponentially up to the cap, keeping its resourceVersion", async () => {
  const { api, clock, watcher } = setup();
  watcher.start();
  await settle();
  api.failures.set(PATH, new Error("connection refused"));
  api.fail(PATH, new Error("connection refused"));
  await settle();
  const delays: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    equal(watcher.status().phase, "backoff");
    delays.push(clock.pending()[0]);
    await clock.advance(clock.pending()[0]);
  }
  deepStrictEqual(delays, [100, 200, 400, 400]);
  match(watcher.status().lastError ?? "", /^Cannot watch services: connection refused/);
  api.failures.delete(PATH);
  await clock.advance(clock.pending()[0]);
  equal(watcher.status().phase, "watching");
  ok(api.requests.at(-1)?.includes("resourceVersion=100"));
  equal(api.requests.filter((request) => request.startsWith("list")).length, 1);
  await watcher.stop();
});

Deno.test("ResourceWatcher retries a watch that broke after it ran at the base delay, whatever failed before", async () => {
  // Found by `deno task chaos`: the failure count was never reset by a watch that worked, so late
  // in a run one cut connection waited the 30 s cap (earned by earlier outages) before it resumed.
  const { api, clock, watcher } = setup();
  watcher.start();
  await settle();
  api.failures.set(PATH, new Error("connection refused"));
  api.fail(PATH, new Error("connection refused"));
  await settle();
  for (let attempt = 0; attempt < 3; attempt++) await clock.advance(clock.pending()[0]);
  deepStrictEqual(clock.pending(), [400], "an outage backs off up to the cap");
  api.failures.delete(PATH);
  await clock.advance(400);
  equal(watcher.status().phase, "watching");
  await clock.advance(5000);
  api.send(PATH, { type: "ADDED", object: svc("web", "160") });
  api.fail(PATH, new Error("connection reset"));
  await settle();
  equal(watcher.status().phase, "backoff");
  deepStrictEqual(clock.pending(), [100], "the first retry after a working watch waits the base");
  await watcher.stop();
});

Deno.test("ResourceWatcher reports a 403 on list with the resource and the verb, and retries", async () => {
  const { api, clock, listed, watcher } = setup();
  api.failures.set(
    PATH,
    new KubeApiError(
      "Cannot GET",
      403,
      "Forbidden",
      'services is forbidden: User "x" cannot list resource "services"',
    ),
  );
  watcher.start();
  await settle();
  equal(watcher.status().phase, "backoff");
  match(
    watcher.status().lastError ?? "",
    /^Cannot list services: forbidden by RBAC.*403 Forbidden.*cannot list/,
  );
  deepStrictEqual(listed, []);
  await clock.advance(100);
  equal(api.requests.filter((request) => request.startsWith("list")).length, 2);
  await watcher.stop();
});

Deno.test("ResourceWatcher restarts a watch that stays silent past the watchdog", async () => {
  const { api, clock, watcher } = setup({ watchdogMs: 1000 });
  watcher.start();
  await settle();
  await clock.advance(900);
  api.send(PATH, { type: "BOOKMARK", object: { metadata: { resourceVersion: "120" } } });
  await clock.advance(900); // 1800 ms since the start, 900 since the bookmark: still alive
  equal(watcher.status().restarts, 0);
  await clock.advance(100);
  equal(watcher.status().restarts, 1);
  match(watcher.status().lastError ?? "", /silent/);
  equal(api.watchesOn(PATH), 1);
  equal(
    api.requests.at(-1),
    `watch ${PATH}?allowWatchBookmarks=true&resourceVersion=120&timeoutSeconds=60`,
  );
  await watcher.stop();
});

Deno.test("ResourceWatcher stop() ends a pending backoff at once", async () => {
  const { api, clock, watcher } = setup();
  api.failures.set(PATH, new Error("down"));
  watcher.start();
  await settle();
  equal(clock.pending().length, 1);
  await watcher.stop();
  equal(clock.pending().length, 0);
  equal(watcher.status().phase, "stopped");
});
