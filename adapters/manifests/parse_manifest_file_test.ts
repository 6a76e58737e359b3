import assert from "node:assert/strict";
import { parseManifestFile } from "./parse_manifest_file.ts";

const everyKind = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    polarismesh.cn/sync: "true"
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector: { app: cart }
  ports:
    - name: http
      port: 80
      targetPort: http
    - port: 9090
---
apiVersion: v1
kind: Pod
metadata:
  name: cart-0
  namespace: shop
  labels: { app: cart, version: v2 }
spec:
  containers:
    - name: app
      ports: [{ name: http, containerPort: 8080 }]
status:
  podIP: 10.1.0.5
  conditions: [{ type: Ready, status: "True" }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-abc
  namespace: shop
  labels: { kubernetes.io/service-name: db }
addressType: IPv4
endpoints:
  - addresses: [10.1.0.9]
    targetRef: { kind: Pod, name: db-0 }
  - addresses: [10.1.0.10]
    conditions: { ready: false, terminating: true }
ports: [{ name: sql, port: 5432, protocol: TCP }]
---
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
subsets:
  - addresses: [{ ip: 192.168.1.1 }]
    notReadyAddresses: [{ ip: 192.168.1.2, targetRef: { kind: Pod, name: legacy-1 } }]
    ports: [{ port: 7000, protocol: UDP }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart }
---
`;

Deno.test("parseManifestFile() reads every supported kind with Kubernetes defaults", () => {
  const file = parseManifestFile(everyKind, "shop.yaml");
  assert.deepEqual(file.namespaces, [{
    name: "shop",
    annotations: { "polarismesh.cn/sync": "true" },
  }]);
  assert.deepEqual(file.services, [{
    info: { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} },
    selector: { app: "cart" },
    ports: [
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
      { name: "", port: 9090, targetPort: 9090, protocol: "TCP" },
    ],
    publishNotReadyAddresses: false,
  }]);
  assert.deepEqual(file.pods, [{
    namespace: "shop",
    name: "cart-0",
    labels: { app: "cart", version: "v2" },
    podIP: "10.1.0.5",
    ready: true,
    terminating: false,
    terminal: false,
    containerPorts: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
  }]);
  assert.deepEqual(file.endpoints, [
    {
      kind: "EndpointSlice",
      name: "db-abc",
      namespace: "shop",
      service: "db",
      groups: [{
        addresses: [
          { address: "10.1.0.9", ready: true, terminating: false, podName: "db-0" },
          { address: "10.1.0.10", ready: false, terminating: true },
        ],
        ports: [{ name: "sql", port: 5432, protocol: "TCP" }],
      }],
    },
    {
      kind: "Endpoints",
      name: "legacy",
      namespace: "default",
      service: "legacy",
      groups: [{
        addresses: [
          { address: "192.168.1.1", ready: true, terminating: false },
          { address: "192.168.1.2", ready: false, terminating: false, podName: "legacy-1" },
        ],
        ports: [{ name: "", port: 7000, protocol: "UDP" }],
      }],
    },
  ]);
  assert.equal(file.skipped.length, 1);
  assert.match(file.skipped[0], /Deployment.*apps\/v1/);
});

Deno.test("parseManifestFile() reads v1beta1 EndpointSlices and List items", () => {
  const file = parseManifestFile(
    `
apiVersion: v1
kind: List
items:
  - apiVersion: discovery.k8s.io/v1beta1
    kind: EndpointSlice
    metadata: { name: s1, namespace: a, labels: { kubernetes.io/service-name: web } }
    endpoints: [{ addresses: [10.0.0.1], conditions: { ready: true } }]
    ports: [{ port: 80 }]
  - apiVersion: v1
    kind: Pod
    metadata: { name: p, namespace: a, deletionTimestamp: "2024-01-01T00:00:00Z" }
    status: { phase: Succeeded, podIP: 10.0.0.2 }
`,
    "list.yaml",
  );
  assert.equal(file.endpoints[0].service, "web");
  assert.deepEqual(file.endpoints[0].groups[0].ports, [{ name: "", port: 80, protocol: "TCP" }]);
  assert.equal(file.pods[0].terminating, true);
  assert.equal(file.pods[0].terminal, true);
  assert.equal(file.pods[0].ready, false);
});

Deno.test("parseManifestFile() skips EndpointSlices that no Service owns or that hold FQDNs", () => {
  const file = parseManifestFile(
    `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: orphan }
endpoints: [{ addresses: [10.0.0.1] }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: names, labels: { kubernetes.io/service-name: web } }
addressType: FQDN
endpoints: [{ addresses: [example.com] }]
`,
    "slices.yaml",
  );
  assert.deepEqual(file.endpoints, []);
  assert.equal(file.skipped.length, 2);
  assert.match(file.skipped[0], /no "kubernetes.io\/service-name" label/);
  assert.match(file.skipped[1], /FQDN/);
});

Deno.test("parseManifestFile() throws a SyntaxError naming the file and document on bad YAML", () => {
  const text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n";
  assert.throws(() => parseManifestFile(text, "broken.yaml"), (error: unknown) => {
    assert.ok(error instanceof SyntaxError);
    assert.match(error.message, /^Cannot parse manifest file "broken.yaml": document 2: /);
    return true;
  });
});

Deno.test("parseManifestFile() refuses what the API server would refuse, naming the field", () => {
  const cases = [
    {
      text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: w\n  annotations:\n" +
        "    polarismesh.cn/weight: 50\n",
      expect:
        /document 1 \(Service "w"\): metadata\.annotations\.polarismesh\.cn\/weight: .*\(write it in quotes: "50"\)$/,
    },
    {
      text: "apiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec: {ports: [{port: 70000}]}\n",
      expect: /spec\.ports\.0\.port: /,
    },
    { text: "apiVersion: v1\nkind: Pod\nmetadata: {}\n", expect: /metadata\.name: / },
    { text: "kind: Service\nmetadata: {name: w}\n", expect: /document 1: apiVersion: / },
    { text: "- just\n- a list\n", expect: /document 1: expected an object .*got a list/ },
  ];
  for (const { text, expect } of cases) {
    assert.throws(() => parseManifestFile(text, "bad.yaml"), (error: unknown) => {
      assert.ok(error instanceof TypeError, text);
      assert.match(error.message, /^Cannot parse manifest file "bad.yaml": /);
      assert.match(error.message, expect);
      return true;
    });
  }
});

Deno.test("parseManifestFile() accepts an empty file", () => {
  const file = parseManifestFile("", "empty.yaml");
  assert.deepEqual(file, { namespaces: [], services: [], pods: [], endpoints: [], skipped: [] });
  assert.deepEqual(parseManifestFile("---\n# nothing\n---\n", "e.yaml").services, []);
});

// Found by parse_manifest_file_fuzz_test.ts (shrunk to a 4-level bomb of 9 aliases each): an alias
// bomb or an alias to a missing anchor threw the yaml package's ReferenceError, which named
// neither the file nor the document.
Deno.test("parseManifestFile() throws a SyntaxError naming the file and document on an alias bomb or a missing anchor", () => {
  const nine = (name: string) => `[${Array(9).fill(`*${name}`).join(",")}]`;
  const bomb = `l0: &l0 ["x","x","x","x","x","x","x","x","x"]\nl1: &l1 ${nine("l0")}\n` +
    `l2: &l2 ${nine("l1")}\nl3: &l3 ${nine("l2")}\n`;
  const cases = [
    { text: bomb, expect: /document 1: Excessive alias count/ },
    {
      text: "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: *nope\n",
      expect: /document 2: Unresolved alias/,
    },
  ];
  for (const { text, expect } of cases) {
    assert.throws(() => parseManifestFile(text, "aliases.yaml"), (error: unknown) => {
      assert.ok(error instanceof SyntaxError, String(error));
      assert.match(error.message, /^Cannot parse manifest file "aliases.yaml": /);
      assert.match(error.message, expect);
      return true;
    });
  }
});

// Found by parse_manifest_file_fuzz_test.ts (shrunk to a Namespace annotated constructor: "true"):
// valibot's record dropped the keys constructor and prototype, so such an annotation or label was
// lost, and a non-string value under one of them went unreported.
Deno.test("parseManifestFile() keeps annotations and labels named constructor or prototype", () => {
  const file = parseManifestFile(
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n" +
      '  annotations: {constructor: "true", prototype: "x"}\n',
    "keys.yaml",
  );
  assert.deepStrictEqual({ ...file.namespaces[0].annotations }, {
    constructor: "true",
    prototype: "x",
  });
  assert.throws(
    () =>
      parseManifestFile(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations: {constructor: 0}\n",
        "keys.yaml",
      ),
    /metadata\.annotations\.constructor: .*\(write it in quotes: "0"\)/,
  );
});
