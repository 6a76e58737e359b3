/**
 * The `/debug` page in headless Chromium (SPEC §6, §9): the controller runs on a temporary copy
 * of `examples/` (manifest-folder clusters) against the Polaris emulator; the page must list
 * every service with its state colour, follow an edited manifest within 2 s, open a service's
 * detail on click, and filter. Its script must come from the file `/debug/page.js`, served as
 * JavaScript, and run without an error. A screenshot is saved under `test-output/`.
 *
 * Needs `/usr/bin/chromium` (Debian's `chromium` package; `.ci/run` installs it).
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { waitFor } from "../cluster/objects.ts";
import { startController } from "../e2e/controller_process.ts";
import { chromium } from "playwright-core";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = `${ROOT}test-output`;

/** Colours of the state badges, as the page's stylesheet sets them. */
const STATE_COLOURS: Readonly<Record<string, string>> = {
  unsynced: "rgb(224, 224, 224)",
  synced: "rgb(46, 125, 50)",
  conflict: "rgb(198, 40, 40)",
  invalid: "rgb(106, 27, 154)",
  backoff: "rgb(239, 108, 0)",
};

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** Reads the service rows in the page: key, state badge text and its computed colour. */
const ROWS_IN_PAGE = `[...document.querySelectorAll("#services tbody tr.svc")].map((tr) => {
  const badge = tr.querySelector(".state");
  return { key: tr.dataset.key, state: badge.textContent, colour: getComputedStyle(badge).backgroundColor };
})`;

/** The source of every script element of the page: its `src`, or "inline". */
const SCRIPTS_IN_PAGE =
  `[...document.scripts].map((script) => script.getAttribute("src") ?? "inline")`;

interface Row {
  key: string;
  state: string;
  colour: string;
}

Deno.test({
  name: "/debug shows every example service with its state, follows edits, opens a detail",
  sanitizeOps: false,
  sanitizeResources: false,
  ignore: !(await Deno.stat(CHROMIUM).then(() => true, () => false)),
  async fn() {
    const work = await Deno.makeTempDir({ prefix: "polaris-debug-page-" });
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
    try {
      await controller.waitReady(120_000);
      const api = await waitFor(async () => {
        const page = (await controller.getJson("/debug/services?limit=1000")).body as {
          items: { key: string; state: string }[];
        };
        const settled = page.items.every((s) =>
          ["synced", "conflict", "invalid", "unsynced"].includes(s.state)
        );
        // examples/README.md: ten Polaris services, plus payments/ledger held as invalid, plus the
        // three Services no cluster syncs (shop/cdn, legacy/inventory, kube-system/kube-dns).
        return page.items.length === 14 && settled && page.items;
      }, { what: "eleven settled service actors and three unsynced Services", timeoutMs: 60_000 });
      const expected = Object.fromEntries(api.map((s) => [s.key, s.state]));
      assert.deepStrictEqual(expected["payments/ledger"], "invalid");
      assert.deepStrictEqual(expected["shop/reviews"], "conflict");
      assert.deepStrictEqual(expected["shop/cart"], "synced");
      assert.deepStrictEqual(expected["shop/cdn"], "unsynced");

      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const scriptAnswer = page.waitForResponse(
        (response) => new URL(response.url()).pathname === "/debug/page.js",
        { timeout: 10_000 },
      );
      await page.goto(`${controller.url}/debug`);
      // The script is the file /debug/page.js (adapters/http/debug_page_script.ts, types
      // stripped), not JavaScript inside the HTML.
      const script = await scriptAnswer;
      assert.deepStrictEqual(
        { status: script.status(), type: script.headers()["content-type"] },
        { status: 200, type: "text/javascript; charset=utf-8" },
        "/debug/page.js answer",
      );
      assert.deepStrictEqual(await page.evaluate(SCRIPTS_IN_PAGE), ["/debug/page.js"]);
      // Browser-side code is passed as text: this module is type-checked without the DOM lib.
      const rows = async (): Promise<Row[]> => (await page.evaluate(ROWS_IN_PAGE)) as Row[];
      const shown = await waitFor(async () => {
        const list = await rows();
        return list.length === api.length && list;
      }, { what: "every service on the page", timeoutMs: 10_000 });
      for (const row of shown) {
        assert.deepStrictEqual(row.state, expected[row.key], `state of ${row.key}`);
        assert.deepStrictEqual(
          row.colour,
          STATE_COLOURS[row.state],
          `colour of ${row.key} (${row.state})`,
        );
      }
      const counts = await page.textContent("#counts");
      const syncedCount = api.filter((s) => s.state === "synced").length;
      assert.ok(counts?.includes(`synced ${syncedCount}`), `counts per state: ${counts}`);
      const ledgerError = await page.textContent("tr.svc[data-key='payments/ledger'] .err");
      assert.ok(
        ledgerError?.includes('polarismesh.cn/sync="yes"'),
        `last error shown: ${ledgerError}`,
      );

      // Fix ledger's annotation: invalid → synced on the page within 2 s.
      const file = `${work}/cluster-a/payments.yaml`;
      const text = await Deno.readTextFile(file);
      await Deno.writeTextFile(
        file,
        text.replace('polarismesh.cn/sync: "yes"', 'polarismesh.cn/sync: "true"'),
      );
      const edited = Date.now();
      await page.waitForSelector(
        "tr.svc[data-key='payments/ledger'] .state.synced",
        { timeout: 2_000 },
      );
      console.log(`the page showed the edit after ${Date.now() - edited} ms`);
      const ledgerColour = (await rows()).find((r) => r.key === "payments/ledger")?.colour;
      assert.deepStrictEqual(ledgerColour, STATE_COLOURS.synced);

      // Open a service's detail.
      await page.click("tr.svc[data-key='shop/cart']");
      await page.waitForSelector("#detail:not([hidden])", { timeout: 5_000 });
      await page.waitForFunction(
        `document.querySelector("#detail")?.textContent?.includes("10.20.1.12")`,
        undefined,
        { timeout: 5_000 },
      );
      assert.deepStrictEqual(await page.textContent("#detail-title"), "shop/cart");
      const detail = await page.textContent("#detail");
      for (const host of ["10.10.1.11", "10.10.1.12", "10.20.1.11", "10.20.1.12"]) {
        assert.ok(detail?.includes(host), `the detail lists ${host}`);
      }

      // Filter by state and namespace.
      await page.selectOption("#state", "conflict");
      await waitFor(async () => (await rows()).map((r) => r.key).join() === "shop/reviews", {
        what: "only the conflict left",
        timeoutMs: 5_000,
      });
      await page.selectOption("#state", "");
      await page.fill("#namespace", "analytics");
      await waitFor(
        async () =>
          (await rows()).map((r) => r.key).sort().join() === "analytics/events,analytics/ingest",
        { what: "only the analytics namespace", timeoutMs: 5_000 },
      );
      await page.fill("#namespace", "");
      await waitFor(async () => (await rows()).length === api.length, { what: "every row back" });

      assert.deepStrictEqual(pageErrors, [], "errors thrown by the page's script");

      await Deno.mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/debug_page.png`, fullPage: true });
    } finally {
      await browser.close();
      await controller.stop();
      await emulator.stop();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(work, { recursive: true });
    }
  },
});
