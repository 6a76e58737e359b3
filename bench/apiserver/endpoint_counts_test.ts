import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { incompleteServices, readyFromEndpoints, readyFromSlices } from "./endpoint_counts.ts";

Deno.test("readyFromEndpoints() counts distinct ready addresses per Service", () => {
  const counts = readyFromEndpoints({
    items: [
      {
        metadata: { namespace: "a", name: "x" },
        subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }] }, {
          addresses: [{ ip: "10.0.0.1" }],
        }],
      },
      { metadata: { namespace: "a", name: "empty" } },
    ],
  });
  assertEquals([...counts], [["a/x", 2], ["a/empty", 0]]);
});

Deno.test("readyFromSlices() merges slices by service label and skips not-ready endpoints", () => {
  const label = (name: string) => ({ "kubernetes.io/service-name": name });
  const counts = readyFromSlices({
    items: [
      {
        metadata: { namespace: "a", labels: label("x") },
        endpoints: [
          { addresses: ["10.0.0.1"], conditions: { ready: true } },
          { addresses: ["10.0.0.2"], conditions: { ready: false } },
        ],
      },
      {
        metadata: { namespace: "a", labels: label("x") },
        endpoints: [{ addresses: ["10.0.0.3"] }, { addresses: ["10.0.0.1"] }],
      },
      { metadata: { namespace: "a" }, endpoints: [{ addresses: ["10.0.0.9"] }] },
    ],
  });
  assertEquals([...counts], [["a/x", 2]]);
});

Deno.test("incompleteServices() names Services with too few or too many addresses", () => {
  const expected = new Map([["a/x", 3], ["a/y", 3], ["a/z", 1]]);
  const seen = new Map([["a/x", 3], ["a/y", 4]]);
  assertEquals(incompleteServices(expected, seen), ["a/y", "a/z"]);
  assertEquals(incompleteServices(expected, expected), []);
});
