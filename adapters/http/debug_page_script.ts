/// <reference lib="dom" />
/**
 * The script of the `/debug` page, run by the browser. It is served as `/debug/page.js`: the
 * server strips its types at start-up (`debug_page.ts`), so it may use only type syntax that
 * erases (no enums, no namespaces, no parameter properties) and may import only types.
 *
 * It polls the JSON endpoints twice a second (skipping a tick while the previous one is still
 * loading, and pausing while the tab is hidden) and shows readiness and leader role, clusters,
 * service actors with counts per state (a click on a count filters), filters by state, namespace
 * and name, and one service in full on click: its clusters, desired and registered instances
 * side by side, and recent transitions, with the raw JSON one click away.
 *
 * @module
 */

import type { ClusterSourceStatus } from "../../domain/cluster.ts";
import type { DesiredInstance, RegisteredInstance } from "../../domain/polaris.ts";
import type { Problem } from "../../domain/problems.ts";
import type { ClusterIntent } from "../../domain/service_intent.ts";

// What the page reads of each endpoint. The server's own types of a service (`ServiceSummary`,
// `ServiceDetail`, `ReconcileReport`) live in actors/, which adapters/ does not import, so the
// fields used here are written out; the domain types are the ones the server sends as they are.

/** `/readyz`. */
interface ReadyAnswer {
  readonly ready: boolean;
  readonly reasons: readonly string[];
  readonly details?: {
    readonly role?: string;
    readonly leaseHolder?: string | null;
    readonly writing?: boolean;
  };
}

/** `/debug/overview`. */
interface OverviewAnswer {
  readonly states: Readonly<Record<string, number>>;
  readonly services: number;
}

/** A service's last reconcile report. */
interface Report {
  readonly clusters: readonly ClusterIntent[];
  readonly problems?: readonly Problem[];
  readonly conflicts?: readonly string[];
  readonly alias: string | null;
  readonly summary: {
    readonly desired: number;
    readonly registered: number;
    readonly created: number;
    readonly deleted: number;
  };
}

/** One item of `/debug/services`. */
interface ServiceItem {
  readonly key: string;
  readonly state: string;
  readonly attempts: number;
  readonly lastError: string | null;
  /** ISO-8601. */
  readonly lastSyncAt: string | null;
  readonly reconciles: number;
  readonly report: Report | null;
}

/** `/debug/services`. */
interface ServicesAnswer {
  readonly total: number;
  readonly items: readonly ServiceItem[];
}

/** `/debug/services/{namespace}/{service}`. */
interface ServiceDetailAnswer extends ServiceItem {
  readonly transitions?: readonly {
    /** ISO-8601. */
    readonly at: string;
    readonly from: string;
    readonly to: string;
  }[];
  readonly clusters?: readonly ClusterIntent[];
  readonly desired?: readonly DesiredInstance[];
  /** The instances Polaris lists now, or why they could not be read. */
  readonly registered?: readonly RegisteredInstance[] | { readonly error?: string };
}

/** An instance as the detail's tables show it, desired or registered. */
type ShownInstance = Pick<
  DesiredInstance,
  "host" | "port" | "isolate" | "weight" | "version" | "metadata"
>;

/** The states of a service actor, in the order of the counts. */
const STATES = [
  "idle",
  "debouncing",
  "reconciling",
  "backoff",
  "synced",
  "conflict",
  "invalid",
  "released",
];

/** The filter inputs, by id; each is also the query parameter of `/debug/services`. */
const FILTERS = ["state", "namespace", "name"] as const;

/** Returns the element with `id`, checked to be of `type`. */
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new TypeError(`Cannot find the page's #${id}`);
  return element;
}

const stateSelect = byId("state", HTMLSelectElement);
const filterInputs = {
  state: stateSelect,
  namespace: byId("namespace", HTMLInputElement),
  name: byId("name", HTMLInputElement),
};
const readyBox = byId("ready", HTMLElement);
const updatedBox = byId("updated", HTMLElement);
const clustersBody = byId("clusters", HTMLTableElement).tBodies[0];
const countsBox = byId("counts", HTMLElement);
const servicesBody = byId("services", HTMLTableElement).tBodies[0];
const shownBox = byId("shown", HTMLElement);
const detailTitle = byId("detail-title", HTMLElement);
const detailBox = byId("detail", HTMLElement);

/** The key of the service whose detail is open. */
let openKey: string | null = null;
/** Whether a refresh is loading, so that the next tick skips. */
let busy = false;
/** When the open detail was last loaded (ms since the epoch). */
let detailAt = 0;

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Returns `value` as text safe inside HTML and attribute values; null or undefined is empty. */
function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** Returns the JSON answer of `path`, never from the browser's cache. */
async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: "no-store" });
  return await response.json() as T;
}

/** Returns how long ago an ISO-8601 time was: seconds, then minutes, then the date; empty for none. */
function ago(time: string | null | undefined): string {
  const ms = time ? Date.parse(time) : NaN;
  if (!ms) return "";
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(ms).toLocaleString();
}

/** Returns a state badge: its class is the state, which sets its colour. */
function badge(state: string): string {
  return `<span class="state ${esc(state)}">${esc(state)}</span>`;
}

/** Shows readiness, and the role when leader election is on. */
function showHeader(ready: ReadyAnswer): void {
  const details = ready.details ?? {};
  const holder = details.leaseHolder && details.role !== "leader"
    ? ` (leader: ${esc(details.leaseHolder)})`
    : "";
  const role = details.role === "writer"
    ? ""
    : `<span class="pill">${esc(details.role)}${holder}</span>`;
  const state = ready.ready
    ? `<span class="pill ok">ready</span>`
    : `<span class="pill bad">not ready</span> <span class="err">${
      esc(ready.reasons.join("; "))
    }</span>`;
  const writing = details.writing === false ? ` <span class="pill">not writing</span>` : "";
  readyBox.innerHTML = `${state} ${role}${writing}`;
}

/** Shows one row per cluster: listed or not, and each watched resource's phase. */
function showClusters(list: readonly ClusterSourceStatus[]): void {
  clustersBody.innerHTML = list.map((cluster) => {
    const resources = cluster.resources.map((resource) =>
      `${esc(resource.resource)}: ${esc(resource.phase)}, ${resource.objects} objects` +
      (resource.restarts ? `, ${resource.restarts} restarts` : "") +
      (resource.lastError ? ` <span class="err">${esc(resource.lastError)}</span>` : "")
    );
    const listed = cluster.synced ? "yes" : `<b class="err">listing</b>`;
    return `<tr><td>${esc(cluster.clusterName)}</td><td>${listed}</td>` +
      `<td class="res">${resources.join("<br>")}</td></tr>`;
  }).join("");
}

/** Shows a button per state with its count; the one filtered on is marked. */
function showCounts(states: Readonly<Record<string, number>>): void {
  const filtered = stateSelect.value;
  countsBox.innerHTML = STATES.map((state) => {
    const classes = (states[state] ? "" : "zero") + (filtered === state ? " on" : "");
    return `<button data-state="${state}" class="${classes}">${badge(state)} ${
      states[state] || 0
    }</button>`;
  }).join("");
}

/** Returns how each cluster sees a service, one line per cluster that has it. */
function clusterCell(report: Report | null): string {
  if (!report) return "";
  return report.clusters.filter((cluster) => cluster.status !== "absent").map((cluster) => {
    const notReady = cluster.notReady ? `, ${cluster.notReady} not ready` : "";
    const seen = cluster.status === "synced"
      ? `${cluster.ready} ready${notReady}`
      : `<i>${esc(cluster.status)}</i>`;
    return `${esc(cluster.clusterName)}: ${seen}`;
  }).join("<br>");
}

/** Returns a service's row; `data-key` and `data-state` let a test read the page. */
function serviceRow(service: ServiceItem): string {
  const report = service.report;
  const summary = report?.summary;
  const counts = summary
    ? `${summary.desired} / ${summary.registered + summary.created - summary.deleted}`
    : "";
  const attempt = service.attempts > 1
    ? ` <span class="muted">attempt ${service.attempts}</span>`
    : "";
  const syncedAt = esc(service.lastSyncAt || "");
  return `<tr class="svc${openKey === service.key ? " open" : ""}" data-key="${esc(service.key)}"` +
    ` data-state="${esc(service.state)}"><td>${esc(service.key)}</td>` +
    `<td>${badge(service.state)}${attempt}</td><td>${clusterCell(report)}</td>` +
    `<td class="num">${counts}</td><td>${esc(report?.alias || "")}</td>` +
    `<td class="num" title="${syncedAt}">${ago(service.lastSyncAt)}</td>` +
    `<td class="err">${esc(service.lastError || "")}</td></tr>`;
}

/** Returns a table of instances sorted by address, or why there is none. */
function instanceTable(
  list: readonly ShownInstance[] | { readonly error?: string } | undefined,
  withSource: boolean,
): string {
  if (!Array.isArray(list)) {
    const error = list && "error" in list ? list.error : undefined;
    return `<p class="err">${esc(error || "unavailable")}</p>`;
  }
  const instances: readonly ShownInstance[] = list;
  if (instances.length === 0) return `<p class="muted">none</p>`;
  const address = (instance: ShownInstance) => `${instance.host}:${instance.port}`;
  const sorted = instances.slice().sort((a, b) =>
    address(a).localeCompare(address(b), undefined, { numeric: true })
  );
  const rows = sorted.map((instance) => {
    const metadata = instance.metadata ?? {};
    const source = withSource ? ` <span class="muted">${esc(metadata.source || "")}</span>` : "";
    return `<tr><td class="num">${esc(address(instance))}</td>` +
      `<td>${esc(metadata.clusterName || "")}${source}</td>` +
      `<td>${instance.isolate ? "isolated" : "serving"}</td>` +
      `<td class="num">${esc(instance.weight)}</td><td>${esc(instance.version || "")}</td></tr>`;
  });
  return "<table><thead><tr><th>address</th><th>cluster</th><th>state</th><th>weight</th>" +
    `<th>version</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Shows one service in full below the list. */
function showDetail(service: ServiceDetailAnswer): void {
  const report = service.report;
  const transitions = (service.transitions ?? []).slice().reverse().map((transition) =>
    `<tr><td class="num">${esc(new Date(transition.at).toLocaleTimeString())}</td>` +
    `<td>${badge(transition.from)} → ${badge(transition.to)}</td></tr>`
  );
  const problems = [
    ...(report?.problems ?? []).map((problem) => problem.message),
    ...(report?.conflicts ?? []),
  ];
  const clusters = (service.clusters ?? []).map((cluster) =>
    `<tr><td>${esc(cluster.clusterName)}</td><td>${esc(cluster.status)}</td>` +
    `<td>${esc(cluster.reason)}</td></tr>`
  );
  const registered = service.registered;
  const registeredCount = Array.isArray(registered) ? registered.length : "?";
  detailTitle.textContent = service.key;
  detailBox.innerHTML = `<p>${badge(service.state)} ` +
    (service.lastSyncAt ? `last sync ${ago(service.lastSyncAt)}, ` : "") +
    `reconciles: ${service.reconciles}` +
    (report?.alias ? `, alias ${esc(report.alias)}` : "") + "</p>" +
    (problems.length ? `<p class="err">${problems.map(esc).join("<br>")}</p>` : "") +
    `<h3>Clusters</h3><table><tbody>${clusters.join("")}</tbody></table>` +
    `<div class="cols"><div><h3>Desired (${(service.desired ?? []).length})</h3>` +
    instanceTable(service.desired, false) +
    `</div><div><h3>Registered in Polaris (${registeredCount})</h3>` +
    instanceTable(registered, true) + "</div></div>" +
    `<h3>Recent transitions</h3><table><tbody>${transitions.join("")}</tbody></table>` +
    `<details><summary>raw JSON</summary><pre>${
      esc(JSON.stringify(service, null, 2))
    }</pre></details>`;
  detailBox.hidden = false;
}

/** Loads and shows the open service; says so when its actor is gone. */
async function loadDetail(): Promise<void> {
  if (!openKey) return;
  const [namespace, ...name] = openKey.split("/");
  const path = `/debug/services/${encodeURIComponent(namespace)}/` +
    name.map((part) => encodeURIComponent(part)).join("/");
  const response = await fetch(path, { cache: "no-store" });
  if (response.status === 404) {
    detailTitle.textContent = openKey;
    detailBox.innerHTML = `<p class="muted">no actor for this service any more</p>`;
    return;
  }
  showDetail(await response.json() as ServiceDetailAnswer);
  detailAt = Date.now();
}

/** Shows that the controller did not answer. */
function showUnreachable(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  readyBox.innerHTML = `<span class="pill bad">cannot reach the controller</span> ` +
    `<span class="err">${esc(message)}</span>`;
}

/**
 * Reloads everything shown. A tick is skipped while the previous one is loading or, unless
 * `force`d by the user, while the tab is hidden; the open detail is reloaded every 2 s.
 */
async function refresh(force: boolean): Promise<void> {
  if (busy || (document.hidden && !force)) return;
  busy = true;
  try {
    const query = new URLSearchParams({ limit: "1000" });
    for (const filter of FILTERS) {
      const value = filterInputs[filter].value.trim();
      if (value) query.set(filter, value);
    }
    const [ready, clusters, overview, page] = await Promise.all([
      getJson<ReadyAnswer>("/readyz"),
      getJson<ClusterSourceStatus[]>("/debug/clusters"),
      getJson<OverviewAnswer>("/debug/overview"),
      getJson<ServicesAnswer>(`/debug/services?${query}`),
    ]);
    showHeader(ready);
    showClusters(clusters);
    showCounts(overview.states);
    const rows = page.items.slice().sort((a, b) => a.key.localeCompare(b.key)).map(serviceRow);
    servicesBody.innerHTML = rows.join("") ||
      `<tr><td colspan="7" class="muted">no service matches</td></tr>`;
    const shown = page.items.length;
    shownBox.textContent = `${shown} of ${overview.services} services` +
      (page.total > shown ? ` (first ${shown} of ${page.total} matches)` : "");
    if (openKey && (force || Date.now() - detailAt > 2000)) await loadDetail();
    updatedBox.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    showUnreachable(error);
  } finally {
    busy = false;
  }
}

for (const state of STATES) {
  const option = document.createElement("option");
  option.value = state;
  option.textContent = state;
  stateSelect.appendChild(option);
}

servicesBody.addEventListener("click", (event) => {
  const row = event.target instanceof Element ? event.target.closest("tr.svc") : null;
  if (!(row instanceof HTMLElement)) return;
  openKey = row.dataset.key ?? null;
  detailAt = 0;
  loadDetail().then(() => detailTitle.scrollIntoView({ behavior: "smooth" }), showUnreachable);
  refresh(true);
});

countsBox.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button") : null;
  if (!button) return;
  const state = button.dataset.state ?? "";
  stateSelect.value = stateSelect.value === state ? "" : state;
  refresh(true);
});

for (const filter of FILTERS) filterInputs[filter].addEventListener("input", () => refresh(true));

refresh(true);
setInterval(() => refresh(false), 500);
