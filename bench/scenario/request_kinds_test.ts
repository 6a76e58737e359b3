import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { classifyRequests, counterDelta, writeLowerBound } from "./request_kinds.ts";

Deno.test("classifyRequests() sorts counters into kinds and leaves the benchmark's own reads out", () => {
  const kinds = classifyRequests({
    "POST /naming/v1/namespaces": 2,
    "POST /naming/v1/services": 11,
    "POST /naming/v1/service/alias": 3,
    "PUT /naming/v1/service/alias": 1,
    "POST /naming/v1/instances": 111,
    "PUT /naming/v1/instances": 4,
    "POST /naming/v1/instances/delete": 5,
    "GET /naming/v1/instances": 20,
    "GET /naming/v1/service/aliases": 7,
    "GET /naming/v1/namespaces": 1,
    "GET /naming/v1/instances/count": 9,
  });
  assertEquals(kinds.namespaceWrites, 2);
  assertEquals(kinds.serviceWrites, 11);
  assertEquals(kinds.aliasWrites, 4);
  assertEquals(kinds.instanceCreates, 111);
  assertEquals(kinds.instanceUpdates, 4);
  assertEquals(kinds.instanceDeletes, 5);
  assertEquals(kinds.writes, 2 + 11 + 4 + 111 + 4 + 5);
  assertEquals(kinds.instanceReads, 20);
  assertEquals(kinds.aliasReads, 7);
  assertEquals(kinds.otherReads, 1);
  assertEquals(kinds.reads, 28);
  assertEquals(kinds.benchmark, 9);
});

Deno.test("writeLowerBound() rounds each batched kind up to whole requests of 100", () => {
  const bound = writeLowerBound({
    namespaces: 501,
    services: 50_000,
    aliases: 3,
    instanceCreates: 1,
    instanceUpdates: 0,
    instanceDeletes: 100,
  });
  assertEquals(bound, {
    namespaces: 6,
    services: 500,
    aliases: 3,
    instanceCreates: 1,
    instanceUpdates: 0,
    instanceDeletes: 1,
    total: 511,
  });
});

Deno.test("counterDelta() keeps only the counters that moved", () => {
  assertEquals(
    counterDelta({ "GET /a": 5, "POST /b": 2, "PUT /c": 1 }, { "GET /a": 5, "POST /b": 1 }),
    { "POST /b": 1, "PUT /c": 1 },
  );
});
