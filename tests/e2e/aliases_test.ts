/**
 * End-to-end: Polaris service aliases from `polarismesh.cn/aliasService` +
 * `polarismesh.cn/aliasNamespace` (SPEC §2): created with their namespace, moved, deleted, and a
 * name already taken by someone else's alias or by a real Polaris service reported as a conflict and
 * left untouched. One controller process and one emulator serve the whole file.
 */
import { assert, assertEquals } from "../../domain/_assert.ts";
import { startPolarisEmulator } from "../../adapters/polaris/emulator/mod.ts";
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
const emulator = await startPolarisEmulator();
const controller = await startController({
  config: meshConfig({ polarisUrl: emulator.url, clusterName: "alias-a", resyncPeriod: "10m" }),
  kubeconfig: plane.kubeconfigPath,
});
await controller.waitReady();

function aliasesTo(namespace: string, service: string) {
  return emulator.state.aliases()
    .filter((a) => a.namespace === namespace && a.service === service)
    .map((a) => `${a.aliasNamespace}/${a.alias}`)
    .sort();
}

async function waitAliases(namespace: string, service: string, want: readonly string[]) {
  let last: string[] = [];
  await waitFor(() => {
    last = aliasesTo(namespace, service);
    return last.join(",") === [...want].sort().join(",");
  }, {
    what: `aliases of "${namespace}/${service}" = [${want}] (last [${last}])`,
    timeoutMs: CONVERGE_MS,
  });
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
  await waitHosts(emulator, namespace, name, [ip]);
  return ip;
}

Deno.test({
  name: "e2e: an alias is created with its namespace, moved, and deleted with the annotations",
  ...journey,
  async fn() {
    assert(!emulator.state.namespaces().some((n) => n.name === "shared"), "no namespace yet");
    const ip = await serviceWithAlias("shop", "cart", { service: "basket", namespace: "shared" });
    await waitAliases("shop", "cart", ["shared/basket"]);
    assert(emulator.state.namespaces().some((n) => n.name === "shared"), "alias namespace created");
    const synced = await waitState(controller, "shop", "cart", "synced");
    assertEquals(synced.report?.alias, "shared/basket");

    // Move: a new name in a new namespace; the old alias goes.
    await objects.setServiceAnnotations("shop", "cart", {
      [ALIAS_SERVICE]: "trolley",
      [ALIAS_NAMESPACE]: "shared2",
    });
    await waitAliases("shop", "cart", ["shared2/trolley"]);
    assert(emulator.state.namespaces().some((n) => n.name === "shared2"), "new namespace created");

    // Delete: annotations removed; the instances stay.
    await objects.setServiceAnnotations("shop", "cart", {});
    await waitAliases("shop", "cart", []);
    assertEquals(emulator.state.instances({ namespace: "shop", service: "cart" })[0].host, ip);
  },
});

Deno.test({
  name: "e2e: an alias name held by someone else's alias is a conflict; that alias is untouched",
  ...journey,
  async fn() {
    emulator.seedAliases([{
      alias: "taken",
      aliasNamespace: "shared",
      service: "legacy",
      namespace: "elsewhere",
      comment: "created by hand",
    }]);
    const before = emulator.state.aliases().find((a) => a.alias === "taken")!;
    await serviceWithAlias("shop2", "cart", { service: "taken", namespace: "shared" });
    const conflict = await waitState(controller, "shop2", "cart", "conflict");
    assert(
      (conflict.lastError ?? "").includes("shared/taken"),
      `the conflict names the alias: ${conflict.lastError}`,
    );
    await pause(500);
    const after = emulator.state.aliases().find((a) => a.alias === "taken");
    assertEquals(after, before, "the foreign alias is unchanged");
    assertEquals(aliasesTo("shop2", "cart"), []);
  },
});

Deno.test({
  name:
    "e2e: an alias name held by a real Polaris service is a conflict; that service is untouched",
  ...journey,
  async fn() {
    emulator.seedServices([{ namespace: "shared", name: "real", comment: "a real service" }]);
    emulator.seedInstances([{ namespace: "shared", service: "real", host: "192.0.2.7", port: 80 }]);
    const before = emulator.state.services().find((s) =>
      s.namespace === "shared" && s.name === "real"
    );
    await serviceWithAlias("shop3", "cart", { service: "real", namespace: "shared" });
    const conflict = await waitState(controller, "shop3", "cart", "conflict");
    assert(
      (conflict.lastError ?? "").includes("shared/real"),
      `the conflict names the alias: ${conflict.lastError}`,
    );
    await pause(500);
    assertEquals(
      emulator.state.services().find((s) => s.namespace === "shared" && s.name === "real"),
      before,
    );
    assertEquals(emulator.state.instances({ namespace: "shared", service: "real" }).length, 1);
    assertEquals(aliasesTo("shop3", "cart"), []);
  },
});

Deno.test({
  name: "e2e: teardown (aliases)",
  ...journey,
  async fn() {
    assertEquals(await controller.stop(), 0);
    await emulator.stop();
    await objects.close();
    await plane.stop();
  },
});
