import { deepStrictEqual } from "node:assert/strict";
import { normalEvents, type ReportForEvents, serviceEvents } from "./service_events.ts";

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

const twoClusters = {
  key: "shop/cart",
  clusters: [
    { clusterName: "a", status: "synced", reason: "" },
    { clusterName: "b", status: "absent", reason: "no such Service" },
    { clusterName: "c", status: "synced", reason: "" },
  ],
};

const normalRows: {
  name: string;
  summary: {
    desired: number;
    created: number;
    updated: number;
    deleted: number;
  };
  emit: ("Synced" | "InstancesChanged")[];
  expect: string[];
}[] = [
  {
    name: "a first registration is Synced, in every cluster that syncs the Service",
    summary: { desired: 2, created: 2, updated: 0, deleted: 0 },
    emit: ["Synced", "InstancesChanged"],
    expect: [
      'a Synced Registered 2 instances in Polaris service "shop/cart"',
      'c Synced Registered 2 instances in Polaris service "shop/cart"',
    ],
  },
  {
    name: "a change of a registered service is InstancesChanged",
    summary: { desired: 3, created: 1, updated: 1, deleted: 0 },
    emit: ["Synced", "InstancesChanged"],
    expect: [
      'a InstancesChanged Polaris instances of "shop/cart" changed: 1 created, 1 updated, 0 deleted; 3 now',
      'c InstancesChanged Polaris instances of "shop/cart" changed: 1 created, 1 updated, 0 deleted; 3 now',
    ],
  },
  {
    name: "a reconcile that changed nothing (a restart finding all in place) asks for nothing",
    summary: { desired: 2, created: 0, updated: 0, deleted: 0 },
    emit: ["Synced", "InstancesChanged"],
    expect: [],
  },
  {
    name: "nothing is emitted by default",
    summary: { desired: 2, created: 2, updated: 0, deleted: 0 },
    emit: [],
    expect: [],
  },
  {
    name: "a first registration beside another cluster's instances is Synced too",
    summary: { desired: 1, created: 1, updated: 0, deleted: 0 },
    emit: ["Synced"],
    expect: [
      'a Synced Registered 1 instance in Polaris service "shop/cart"',
      'c Synced Registered 1 instance in Polaris service "shop/cart"',
    ],
  },
  {
    name: "only the reasons asked for",
    summary: { desired: 1, created: 0, updated: 0, deleted: 1 },
    emit: ["Synced"],
    expect: [],
  },
];

for (const row of normalRows) {
  Deno.test(`normalEvents() ${row.name}`, () => {
    const events = normalEvents(twoClusters, row.summary, row.emit);
    deepStrictEqual(
      events.map((e) => `${e.clusterName} ${e.reason} ${e.message}`),
      row.expect,
    );
    for (const event of events) deepStrictEqual([event.namespace, event.name], ["shop", "cart"]);
  });
}

Deno.test("serviceEvents() and normalEvents() go to the Kubernetes Service of a cluster that registers under an override", () => {
  const clusters = [
    { clusterName: "a", status: "synced", reason: "", service: "shop/cart" },
    { clusterName: "b", status: "synced", reason: "" },
  ];
  const warnings = serviceEvents({
    key: "shop/Cart",
    clusters,
    problems: [],
    conflicts: ["10.0.0.1:80 is taken"],
  });
  deepStrictEqual(warnings.map((e) => `${e.clusterName} ${e.namespace}/${e.name}`), [
    "a shop/cart",
    "b shop/Cart",
  ]);
  const normal = normalEvents({ key: "shop/Cart", clusters }, {
    desired: 1,
    created: 1,
    updated: 0,
    deleted: 0,
  }, ["Synced"]);
  deepStrictEqual(normal.map((e) => `${e.clusterName} ${e.namespace}/${e.name}`), [
    "a shop/cart",
    "b shop/Cart",
  ]);
});
