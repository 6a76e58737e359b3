/**
 * End-to-end: Polaris service aliases from `polarismesh.cn/aliasService` +
 * `polarismesh.cn/aliasNamespace` (sync-rules §2): created with their namespace, moved, deleted,
 * and a name already taken by someone else's alias or by a real Polaris service reported as a
 * conflict and left untouched. One controller process and one real Polaris server (with a fault
 * proxy in front, read as its store holds the instances) serve the whole file.
 */
import assert from "node:assert/strict";
import { startRealPolaris, withStoreReads } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { meshConfig, startController } from "./controller_process.ts";
import {
  addService,
  CONVERGE_MS,
  ensureNode,
  ipPool,
  journey,
  pause,
  waitHosts,
  waitState,
} from "./journey_kit.ts";

const ALIAS_SERVICE = "polarismesh.cn/aliasService";
const ALIAS_NAMESPACE = "polarismesh.cn/aliasNamespace";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);
const nextIp = ipPool(30);
const polaris = withStoreReads(await startRealPolaris());
const controller = await startController({
  config: meshConfig({
    polarisUrl: polaris.url,
    token: polaris.token,
    clusterName: "alias-a",
    resyncPeriod: "10m",
  }),
  kubeconfig: plane.kubeconfigPath,
});
await controller.waitReady();

async function aliasesTo(namespace: string, service: string) {
  return (await polaris.allAliases())
    .filter((a) => a.namespace === namespace && a.service === service)
    .map((a) => `${a.aliasNamespace}/${a.alias}`)
    .sort();
}

/** The alias `aliasNamespace/alias`, read from the server. */
async function aliasNamed(aliasNamespace: string, alias: string) {
  return (await polaris.aliases(aliasNamespace)).find((a) => a.alias === alias);
}

/**
 * Write requests the controller sent, since the last reset, that could change `namespace/name` (an
 * alias or a service of that name, or its instances). An alias create is left out: the controller
 * finds a name held by a real service by trying, and the server refuses it (400201) unchanged.
 */
function writesNaming(namespace: string, name: string) {
  return polaris.writes().filter((w) =>
    !(w.method === "POST" && w.path === "/naming/v1/service/alias") &&
    (Array.isArray(w.body) ? w.body : [w.body]).some((item) => {
      const i = (item ?? {}) as Record<string, unknown>;
      return (i.alias === name && i.alias_namespace === namespace) ||
        (i.name === name && i.namespace === namespace) ||
        (i.service === name && i.namespace === namespace);
    })
  ).map((w) => `${w.method} ${w.path}`);
}

async function waitAliases(namespace: string, service: string, want: readonly string[]) {
  let last: string[] = [];
  try {
    await waitFor(async () => {
      last = await aliasesTo(namespace, service);
      return last.join(",") === [...want].sort().join(",");
    }, { what: `aliases of "${namespace}/${service}" = [${want}]`, timeoutMs: CONVERGE_MS });
  } catch (error) {
    // `what` is read when the wait starts: the last aliases seen are only known now.
    throw new Error(`${(error as Error).message}; last seen [${last}]`, { cause: error });
  }
}

async function serviceWithAlias(
  namespace: string,
  name: string,
  alias: { service: string; namespace: string } | null,
): Promise<string> {
  const ip = nextIp();
  await objects.createNamespace(namespace);
  await addService(objects, namespace, name, {
    annotations: alias
      ? { [ALIAS_SERVICE]: alias.service, [ALIAS_NAMESPACE]: alias.namespace }
      : {},
    pods: [{ name: `${name}-0`, ip }],
  });
  await waitHosts(polaris, namespace, name, [ip]);
  return ip;
}

Deno.test({
  name: "e2e: an alias is created with its namespace, moved, and deleted with the annotations",
  ...journey,
  async fn() {
    assert.ok(!(await polaris.hasNamespace("shared")), "no namespace yet");
    const ip = await serviceWithAlias("shop", "cart", { service: "basket", namespace: "shared" });
    await waitAliases("shop", "cart", ["shared/basket"]);
    assert.ok(await polaris.hasNamespace("shared"), "alias namespace created");
    const synced = await waitState(controller, "shop", "cart", "synced");
    assert.deepStrictEqual(synced.report?.alias, "shared/basket");

    // Move: a new name in a new namespace; the old alias goes.
    await objects.setServiceAnnotations("shop", "cart", {
      [ALIAS_SERVICE]: "trolley",
      [ALIAS_NAMESPACE]: "shared2",
    });
    await waitAliases("shop", "cart", ["shared2/trolley"]);
    assert.ok(await polaris.hasNamespace("shared2"), "new namespace created");

    // Delete: annotations removed; the instances stay.
    await objects.setServiceAnnotations("shop", "cart", {});
    await waitAliases("shop", "cart", []);
    assert.deepStrictEqual((await polaris.instances("shop", "cart")).map((i) => i.host), [ip]);
  },
});

Deno.test({
  name: "e2e: an alias name held by someone else's alias is a conflict; that alias is untouched",
  ...journey,
  async fn() {
    await polaris.seedServices([{ namespace: "elsewhere", name: "legacy" }]);
    await polaris.seedAliases([{
      alias: "taken",
      aliasNamespace: "shared",
      service: "legacy",
      namespace: "elsewhere",
    }]);
    // seedAliases sets no comment: a console user's edit gives the foreign alias one.
    const edit = await fetch(`${polaris.serverUrl}/naming/v1/service/alias`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-Polaris-Token": polaris.token },
      body: JSON.stringify({
        alias: "taken",
        alias_namespace: "shared",
        service: "legacy",
        namespace: "elsewhere",
        owners: "polaris",
        comment: "created by hand",
      }),
    });
    assert.deepStrictEqual((await edit.json()).code, 200000, "the foreign alias is commented");
    const before = await aliasNamed("shared", "taken");
    assert.deepStrictEqual(before?.comment, "created by hand");
    polaris.resetRequests();
    await serviceWithAlias("shop2", "cart", { service: "taken", namespace: "shared" });
    const conflict = await waitState(controller, "shop2", "cart", "conflict");
    assert.ok(
      (conflict.lastError ?? "").includes("shared/taken"),
      `the conflict names the alias: ${conflict.lastError}`,
    );
    await pause(500);
    assert.deepStrictEqual(
      await aliasNamed("shared", "taken"),
      before,
      "the foreign alias is unchanged",
    );
    assert.deepStrictEqual(writesNaming("shared", "taken"), [], "nothing was written to it");
    assert.deepStrictEqual(await aliasesTo("shop2", "cart"), []);
  },
});

Deno.test({
  name:
    "e2e: an alias name held by a real Polaris service is a conflict; that service is untouched",
  ...journey,
  async fn() {
    await polaris.seedServices([{ namespace: "shared", name: "real", comment: "a real service" }]);
    await polaris.seedInstances([
      { namespace: "shared", service: "real", host: "192.0.2.7", port: 80 },
    ]);
    const real = async () => (await polaris.services("shared")).find((s) => s.name === "real");
    const before = await real();
    assert.deepStrictEqual(before?.comment, "a real service");
    const instancesBefore = await polaris.instances("shared", "real");
    polaris.resetRequests();
    await serviceWithAlias("shop3", "cart", { service: "real", namespace: "shared" });
    const conflict = await waitState(controller, "shop3", "cart", "conflict");
    assert.ok(
      (conflict.lastError ?? "").includes("shared/real"),
      `the conflict names the alias: ${conflict.lastError}`,
    );
    await pause(500);
    assert.deepStrictEqual(await real(), before);
    assert.deepStrictEqual(await polaris.instances("shared", "real"), instancesBefore);
    assert.deepStrictEqual(writesNaming("shared", "real"), [], "nothing was written to it");
    assert.deepStrictEqual(await aliasesTo("shop3", "cart"), []);
  },
});

Deno.test({
  name: "e2e: two Services ask for one alias: the first keeps it, the second reports a conflict",
  ...journey,
  async fn() {
    await serviceWithAlias("tug", "first", { service: "one", namespace: "tug-alias" });
    await waitAliases("tug", "first", ["tug-alias/one"]);
    polaris.resetRequests();
    await serviceWithAlias("tug2", "second", { service: "one", namespace: "tug-alias" });
    const conflict = await waitState(controller, "tug2", "second", "conflict");
    assert.ok(
      (conflict.lastError ?? "").includes("tug/first"),
      `the conflict names the holder: ${conflict.lastError}`,
    );
    await pause(500);
    assert.deepStrictEqual(
      await aliasesTo("tug", "first"),
      ["tug-alias/one"],
      "the first keeps it",
    );
    assert.deepStrictEqual(await aliasesTo("tug2", "second"), []);
    assert.deepStrictEqual(writesNaming("tug-alias", "one"), [], "the alias was not moved");
  },
});

Deno.test({
  name: "e2e: an alias moved to a name someone else holds keeps its old alias (check, then move)",
  ...journey,
  async fn() {
    await serviceWithAlias("move", "cart", { service: "three", namespace: "move-alias" });
    await waitAliases("move", "cart", ["move-alias/three"]);
    await polaris.seedServices([{ namespace: "move-other", name: "owner" }]);
    await polaris.seedAliases([{
      alias: "held",
      aliasNamespace: "move-alias",
      service: "owner",
      namespace: "move-other",
    }]);
    polaris.resetRequests();
    await objects.setServiceAnnotations("move", "cart", {
      [ALIAS_SERVICE]: "held",
      [ALIAS_NAMESPACE]: "move-alias",
    });
    const conflict = await waitState(controller, "move", "cart", "conflict");
    assert.ok(
      (conflict.lastError ?? "").includes("move-alias/held"),
      `the conflict names the blocked alias: ${conflict.lastError}`,
    );
    await pause(500);
    assert.deepStrictEqual(
      await aliasesTo("move", "cart"),
      ["move-alias/three"],
      "the old alias stays",
    );
    assert.deepStrictEqual(writesNaming("move-alias", "three"), [], "nothing deleted it");
    assert.deepStrictEqual((await aliasNamed("move-alias", "held"))?.namespace, "move-other");
  },
});

Deno.test({
  name: "e2e: teardown (aliases)",
  ...journey,
  async fn() {
    assert.deepStrictEqual(await controller.stop(), 0);
    await polaris.stop();
    await objects.close();
    await plane.stop();
  },
});
