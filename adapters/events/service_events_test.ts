import { deepStrictEqual } from "node:assert/strict";
import { type ReportForEvents, serviceEvents } from "./service_events.ts";

const invalidYes = 'Service annotation polarismesh.cn/sync is "yes"; expected "true" or "false"';

const rows: {
  name: string;
  report: Omit<ReportForEvents, "key">;
  failure?: string;
  expect: string[];
}[] = [
  {
    name: "a clean report asks for nothing",
    report: {
      clusters: [{ clusterName: "a", status: "synced", reason: "" }],
      problems: [],
      conflicts: [],
    },
    expect: [],
  },
  {
    name: "a fatal problem goes to the cluster holding the Service, not to the healthy one",
    report: {
      clusters: [
        { clusterName: "a", status: "held", reason: invalidYes },
        { clusterName: "b", status: "synced", reason: "" },
      ],
      problems: [{ fatal: true, message: invalidYes }],
      conflicts: [],
    },
    expect: [`a SyncInvalid ${invalidYes}`],
  },
  {
    name: "a non-fatal problem goes to every cluster taking part, never to absent or off ones",
    report: {
      clusters: [
        { clusterName: "a", status: "synced", reason: "" },
        { clusterName: "b", status: "absent", reason: "no such Service" },
        { clusterName: "c", status: "off", reason: "annotation false" },
        { clusterName: "d", status: "held", reason: "other" },
      ],
      problems: [{ fatal: false, message: "weight 70000 is out of range" }],
      conflicts: [],
    },
    expect: [
      "a SyncInvalid weight 70000 is out of range",
      "d SyncInvalid weight 70000 is out of range",
    ],
  },
  {
    name: "a conflict and a failure go to every cluster taking part, once each",
    report: {
      clusters: [{ clusterName: "a", status: "synced", reason: "" }],
      problems: [],
      conflicts: ["10.0.0.1:80 is owned by cluster x", "10.0.0.1:80 is owned by cluster x"],
    },
    failure: "Polaris answered 400141",
    expect: [
      "a SyncConflict 10.0.0.1:80 is owned by cluster x",
      "a SyncFailed Polaris answered 400141",
    ],
  },
];

for (const row of rows) {
  Deno.test(`serviceEvents() ${row.name}`, () => {
    const events = serviceEvents({ key: "shop/cart", ...row.report }, row.failure);
    deepStrictEqual(events.map((e) => `${e.clusterName} ${e.reason} ${e.message}`), row.expect);
    for (const event of events) deepStrictEqual([event.namespace, event.name], ["shop", "cart"]);
  });
}
