/**
 * The `/debug` page in headless Chromium shows every Service with why (SPEC §6, issue 15): the
 * controller runs on a temporary copy of `examples/` against the Polaris emulator, one Service's
 * weight turns invalid (held: its live weight stays), one Service's copies disagree on the alias.
 * The list rows must show an unsynced Service's reason, the held Service's reason and the
 * disagreement warning; the reason filter and the deep link `/debug#namespace/name` must work; a
 * broken manifest file must show in the header; at 400 px wide nothing may overflow; `/` leads to
 * the page and the favicon is an SVG. Screenshots are saved under `test-output/`.
 *
 * Needs `/usr/bin/chromium` (Debian's `chromium` package; `.ci/run` installs it).
 */
import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { waitFor } from "../cluster/objects.ts";
import { startController } from "../e2e/controller_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = `${ROOT}test-output`;

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** Replaces `from` by `to` in a file, which must contain it. */
async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await Deno.readTextFile(file);
  assert.ok(text.includes(from), `${file} has ${JSON.stringify(from)}`);
  await Deno.writeTextFile(file, text.replace(from, to));
}

/** Each service row as a reader sees it: key, state, notes text, and whether it is visible. */
const ROWS_IN_PAGE = `[...document.querySelectorAll("#services tbody tr.svc")].map((tr) => {
  const notes = tr.querySelector(".notes");
  const box = notes.getBoundingClientRect();
  return {
    key: tr.dataset.key,
    state: tr.querySelector(".state").textContent,
    notes: notes.innerText,
    warned: tr.classList.contains("warned"),
    visible: box.width > 0 && box.height > 0 && getComputedStyle(notes).visibility === "visible",
  };
})`;

/** How far the page reaches beyond the window, sideways (0 when it fits). */
const OVERFLOW_IN_PAGE = `(() => {
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
    .map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className);
  return { by: document.documentElement.scrollWidth - innerWidth, wide: wide.slice(0, 5) };
})()`;

interface Row {
  key: string;
  state: string;
  notes: string;
  warned: boolean;
  visible: boolean;
}

async function rows(page: Page): Promise<Row[]> {
  return (await page.evaluate(ROWS_IN_PAGE)) as Row[];
}

async function rowOf(page: Page, key: string): Promise<Row | undefined> {
  return (await rows(page)).find((row) => row.key === key);
}

Deno.test({
  name: "/debug shows an unsynced Service's reason, a held Service's and a warning in the rows",
  sanitizeOps: false,
  sanitizeResources: false,
  ignore: !(await Deno.stat(CHROMIUM).then(() => true, () => false)),
  async fn() {
    const work = await Deno.makeTempDir({ prefix: "polaris-debug-reasons-" });
    await copyTree(`${ROOT}examples/cluster-a`, `${work}/cluster-a`);
    await copyTree(`${ROOT}examples/cluster-b`, `${work}/cluster-b`);
    const emulator = await startPolarisEmulator();
    const controller = await startController({
      config: [
        `serverAddress: ${emulator.url}`,
        "clusters:",
        `  - { clusterName: cluster-a, manifests: ${work}/cluster-a }`,
        `  - { clusterName: cluster-b, manifests: ${work}/cluster-b }`,
        "serviceSync:",
        "  mode: all",
        "  debounce: 50ms",
        "",
      ].join("\n"),
    });
    const profile = await Deno.makeTempDir({ prefix: "polaris-chromium-" });
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const gatewayWeights = () =>
      emulator.state.instances({ namespace: "payments", service: "gateway" }).map((i) => i.weight);
    try {
      await controller.waitReady(120_000);
      await waitFor(() => gatewayWeights().join() === "50", {
        what: "payments/gateway registered with weight 50",
        timeoutMs: 60_000,
      });
      // A bad weight: held, its live weight 50 kept. An alias only on cluster-b's shop/cart.
      await edit(`${work}/cluster-a/payments.yaml`, 'weight: "50"', 'weight: "heavy"');
      await edit(
        `${work}/cluster-b/shop.yaml`,
        "  name: cart\n  namespace: shop\n",
        "  name: cart\n  namespace: shop\n  annotations:\n" +
          "    polarismesh.cn/aliasService: basket\n    polarismesh.cn/aliasNamespace: shared\n",
      );
      await waitFor(async () => {
        const { body } = await controller.getJson("/debug/services/payments/gateway");
        return (body as { state: string }).state === "invalid";
      }, { what: "payments/gateway held as invalid", timeoutMs: 30_000 });
      assert.deepStrictEqual(gatewayWeights(), [50], "the live weight survives the bad value");

      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      // `/` leads to the page.
      await page.goto(`${controller.url}/`);
      assert.deepStrictEqual(new URL(page.url()).pathname, "/debug");
      const icon = await page.evaluate(
        `fetch(document.querySelector("link[rel=icon]").href).then((r) => r.headers.get("content-type"))`,
      );
      assert.deepStrictEqual(icon, "image/svg+xml");

      await waitFor(async () => (await rows(page)).length === 14, {
        what: "every Service on the page",
        timeoutMs: 10_000,
      });
      // The unsynced Service: its reason is in its row, visible.
      const cdn = await rowOf(page, "shop/cdn");
      assert.deepStrictEqual(cdn?.state, "unsynced");
      assert.ok(cdn?.visible, "the notes of shop/cdn are visible");
      assert.ok(cdn?.notes.includes('Service "shop/cdn" is of type ExternalName'), cdn?.notes);
      const inventory = await rowOf(page, "legacy/inventory");
      assert.ok(inventory?.notes.includes('Namespace "legacy" has polarismesh.cn/sync="false"'));
      // The held Service: its reason, and that it is held, in its row.
      const gateway = await rowOf(page, "payments/gateway");
      assert.deepStrictEqual(gateway?.state, "invalid");
      assert.ok(gateway?.visible, "the notes of payments/gateway are visible");
      assert.ok(gateway?.notes.includes('polarismesh.cn/weight="heavy"'), gateway?.notes);
      assert.ok(gateway?.notes.includes("held"), gateway?.notes);
      // A warning on a synced Service's row: its copies disagree on the alias.
      const cart = await waitFor(async () => {
        const row = await rowOf(page, "shop/cart");
        return row?.warned && row;
      }, { what: "shop/cart warned", timeoutMs: 10_000 });
      assert.deepStrictEqual(cart.state, "synced");
      assert.ok(cart.notes.includes("clusters disagree on the alias"), cart.notes);
      assert.ok(cart.notes.includes('cluster-b "shared/basket"'), cart.notes);
      await Deno.mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/debug_page_reasons.png`, fullPage: true });

      // Filter by reason.
      await page.selectOption("#reason", "external-name");
      await waitFor(async () => (await rows(page)).map((r) => r.key).join() === "shop/cdn", {
        what: "only the ExternalName Service",
        timeoutMs: 5_000,
      });
      await page.selectOption("#reason", "namespace-annotation-false");
      await waitFor(
        async () => (await rows(page)).map((r) => r.key).join() === "legacy/inventory",
        { what: "only the opted-out namespace's Service", timeoutMs: 5_000 },
      );
      await page.selectOption("#reason", "");
      await waitFor(async () => (await rows(page)).length === 14, { what: "every row back" });

      // A click opens the detail through the address, which is the Service's link.
      await page.click("tr.svc[data-key='legacy/inventory'] td.key");
      await page.waitForFunction(
        `document.querySelector("#detail-title")?.textContent === "legacy/inventory"`,
        undefined,
        { timeout: 5_000 },
      );
      assert.deepStrictEqual(new URL(page.url()).hash, "#legacy/inventory");

      // A deep link opens the detail of a Service without an actor (never a 404).
      const linked = await browser.newPage();
      linked.on("pageerror", (error) => pageErrors.push(error.message));
      await linked.goto(`${controller.url}/debug#shop/cdn`);
      await linked.waitForFunction(
        `document.querySelector("#detail")?.textContent?.includes("ExternalName")`,
        undefined,
        { timeout: 5_000 },
      );
      assert.deepStrictEqual(await linked.textContent("#detail-title"), "shop/cdn");
      const detail = await linked.textContent("#detail");
      assert.ok(detail?.includes("unsynced") && !detail.includes("no actor runs"), detail ?? "");

      // A broken manifest file shows in the header.
      await Deno.writeTextFile(`${work}/cluster-b/analytics.yaml`, "kind: [Service\n");
      const alert = await page.waitForSelector("#alerts .alert", { timeout: 5_000 });
      const alertText = await alert.textContent();
      assert.ok(
        alertText?.includes("cluster-b") && alertText.includes("analytics.yaml"),
        alertText!,
      );

      // A narrow window: nothing overflows sideways, list and detail included.
      await page.setViewportSize({ width: 400, height: 900 });
      await page.click("tr.svc[data-key='shop/cart'] td.key");
      await page.waitForFunction(
        `document.querySelector("#detail")?.textContent?.includes("10.20.1.12")`,
        undefined,
        { timeout: 5_000 },
      );
      await page.waitForTimeout(600);
      const overflow = (await page.evaluate(OVERFLOW_IN_PAGE)) as { by: number; wide: string[] };
      assert.ok(overflow.by <= 0, `the page is ${overflow.by} px too wide: ${overflow.wide}`);
      await page.screenshot({ path: `${SCREENSHOTS}/debug_page_narrow.png`, fullPage: true });
      await page.evaluate("scrollTo(0, 0)");
      await page.screenshot({ path: `${SCREENSHOTS}/debug_page_narrow_top.png` });

      assert.deepStrictEqual(pageErrors, [], "errors thrown by the page's script");
    } finally {
      await browser.close();
      await controller.stop();
      await emulator.stop();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(work, { recursive: true });
    }
  },
});
