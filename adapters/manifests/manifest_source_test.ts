import type { LogLevel } from "../log/log_level.ts";
import assert from "node:assert/strict";
import type { ClusterChange } from "../../domain/cluster.ts";
import { createManifestSource, type ManifestSource } from "./manifest_source.ts";

const shop = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, annotations: { polarismesh.cn/sync: "true" } }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { selector: { app: cart }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: cart-0, namespace: shop, labels: { app: cart, version: v1 } }
status: { podIP: 10.1.0.5, conditions: [{ type: Ready, status: "True" }] }
`;

interface Logged {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

async function withFolder(
  files: Record<string, string>,
  run: (dir: string, logged: Logged[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "manifest_source_test_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    await run(dir, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function record(source: ManifestSource): ClusterChange[] {
  const changes: ClusterChange[] = [];
  source.subscribe((change) => changes.push(change));
  return changes;
}

/** Resolves with the first change that matches, or rejects after `timeoutMs`. */
function nextChange(
  source: ManifestSource,
  matches: (change: ClusterChange) => boolean,
  timeoutMs: number,
): Promise<ClusterChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`No matching change within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = source.subscribe((change) => {
      if (!matches(change)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(change);
    });
  });
}

Deno.test("createManifestSource() lists the folder, emits every key, then synced", async () => {
  await withFolder({ "shop.yaml": shop, "notes.txt": "kind: nonsense" }, async (dir, logged) => {
    const source = createManifestSource({
      clusterName: "cluster-a",
      dir,
      watch: false,
      log: (level, message, fields) => logged.push({ level, message, fields }),
    });
    const changes = record(source);
    assert.equal(source.synced, false);
    await source.start();
    try {
      assert.deepEqual(changes, [
        { kind: "namespace", name: "shop" },
        { kind: "service", namespace: "shop", name: "cart" },
        { kind: "synced" },
      ]);
      assert.equal(source.synced, true);
      assert.equal(source.clusterName, "cluster-a");
      assert.deepEqual(source.namespace("shop")?.annotations, { "polarismesh.cn/sync": "true" });
      assert.equal(source.service("shop", "cart")?.type, "ClusterIP");
      assert.deepEqual([...source.services()].map((s) => s.name), ["cart"]);
      assert.deepEqual([...source.servicesInNamespace("shop")].map((s) => s.name), ["cart"]);
      assert.deepEqual([...source.servicesInNamespace("nope")], []);
      assert.equal(source.endpoints("shop", "cart")[0].addresses[0].address, "10.1.0.5");
      assert.deepEqual(source.endpoints("shop", "nope"), []);
      assert.deepEqual(source.podLabels("shop", "cart-0"), { app: "cart", version: "v1" });
      const status = source.status();
      assert.equal(status.synced, true);
      assert.deepEqual(status.resources.map((r) => [r.resource, r.objects]), [
        [`folder ${dir}`, 3],
        ["file shop.yaml", 3],
      ]);
      assert.deepEqual(logged.filter((l) => l.level === "error"), []);
    } finally {
      await source.stop();
    }
    assert.ok(source.status().resources.every((r) => r.phase === "stopped"));
  });
});

Deno.test("reload() emits a change only for keys whose content changed", async () => {
  const other = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: front}\n";
  await withFolder({ "shop.yaml": shop, "front.yaml": other }, async (dir) => {
    const source = createManifestSource({ clusterName: "a", dir, watch: false, log: () => {} });
    await source.start();
    try {
      const changes = record(source);
      await Deno.writeTextFile(`${dir}/shop.yaml`, shop.replace("version: v1", "version: v2"));
      await Deno.writeTextFile(`${dir}/front.yaml`, `# touched\n${other}`);
      await source.reload();
      assert.deepEqual(changes, [{ kind: "service", namespace: "shop", name: "cart" }]);
      assert.deepEqual(source.podLabels("shop", "cart-0"), { app: "cart", version: "v2" });
      await Deno.remove(`${dir}/front.yaml`);
      await source.reload();
      assert.deepEqual(changes.slice(1), [
        { kind: "namespace", name: "front" },
        { kind: "service", namespace: "front", name: "web" },
      ]);
      assert.equal(source.service("front", "web"), undefined);
    } finally {
      await source.stop();
    }
  });
});

Deno.test("createManifestSource() keeps the last good content of a broken file and logs it", async () => {
  await withFolder({ "shop.yaml": shop }, async (dir, logged) => {
    const source = createManifestSource({
      clusterName: "a",
      dir,
      watch: false,
      log: (level, message, fields) => logged.push({ level, message, fields }),
    });
    await source.start();
    try {
      const changes = record(source);
      await Deno.writeTextFile(
        `${dir}/shop.yaml`,
        "apiVersion: v1\nkind: Service\nmetadata: [oops\n",
      );
      await source.reload();
      assert.deepEqual(changes, []);
      assert.equal(source.service("shop", "cart")?.name, "cart");
      const errors = logged.filter((l) => l.level === "error");
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, /^Cannot parse manifest file "shop.yaml": document 1: /);
      assert.match(errors[0].message, /keeping its last good content$/);
      assert.equal(errors[0].fields?.file, "shop.yaml");
      const fileStatus = source.status().resources.find((r) => r.resource === "file shop.yaml");
      assert.match(fileStatus?.lastError ?? "", /shop.yaml/);

      await source.reload();
      assert.equal(logged.filter((l) => l.level === "error").length, 1, "reported once");

      await Deno.writeTextFile(`${dir}/shop.yaml`, shop.replace("cart", "basket"));
      await source.reload();
      assert.deepEqual(changes, [
        { kind: "service", namespace: "shop", name: "basket" },
        { kind: "service", namespace: "shop", name: "cart" },
      ]);
      assert.ok(logged.some((l) => l.level === "info" && /valid again/.test(l.message)));
      const fixed = source.status().resources.find((r) => r.resource === "file shop.yaml");
      assert.equal(fixed?.lastError, undefined);
    } finally {
      await source.stop();
    }
  });
});

Deno.test("createManifestSource() starts a broken file as empty and reports it", async () => {
  await withFolder({ "bad.yml": "kind: [", "shop.yaml": shop }, async (dir, logged) => {
    const source = createManifestSource({
      clusterName: "a",
      dir,
      watch: false,
      log: (level, message, fields) => logged.push({ level, message, fields }),
    });
    await source.start();
    try {
      assert.equal(source.synced, true);
      assert.equal(source.service("shop", "cart")?.name, "cart");
      assert.match(logged.find((l) => l.level === "error")?.message ?? "", /"bad.yml"/);
    } finally {
      await source.stop();
    }
  });
});

Deno.test("createManifestSource() watches the folder and emits the change after an edit", async () => {
  await withFolder({ "shop.yaml": shop }, async (dir) => {
    const source = createManifestSource({ clusterName: "a", dir, debounceMs: 20, log: () => {} });
    await source.start();
    try {
      assert.equal(source.status().resources[0].phase, "watching");
      const changed = nextChange(source, (c) => c.kind === "service", 5000);
      await Deno.writeTextFile(
        `${dir}/shop.yaml`,
        shop.replace('status: "True"', 'status: "False"'),
      );
      assert.deepEqual(await changed, { kind: "service", namespace: "shop", name: "cart" });
      assert.equal(source.endpoints("shop", "cart")[0].addresses[0].ready, false);

      const added = nextChange(source, (c) => c.kind === "namespace", 5000);
      await Deno.writeTextFile(
        `${dir}/new.yml`,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n",
      );
      assert.deepEqual(await added, { kind: "namespace", name: "n" });
    } finally {
      await source.stop();
    }
  });
});

Deno.test("createManifestSource() start() rejects when the folder cannot be listed", async () => {
  const logged: Logged[] = [];
  const source = createManifestSource({
    clusterName: "a",
    dir: "/nonexistent/manifest/folder",
    log: (level, message) => logged.push({ level, message }),
  });
  await assert.rejects(
    source.start(),
    /Cannot read manifest folder "\/nonexistent\/manifest\/folder"/,
  );
  assert.equal(source.synced, false);
  assert.equal(logged[0].level, "error");
  await source.stop();
});
