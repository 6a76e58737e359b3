/// <reference lib="dom" />
/**
 * The script of the `/debug` page, run by the browser. It is served as `/debug/page.js`: the
 * server strips its types at start-up (`debug_page.ts`), so it may use only type syntax that
 * erases (no enums, no namespaces, no parameter properties) and may import only types.
 *
 * It polls the JSON endpoints twice a second (skipping a tick while the previous one is still
 * loading, and pausing while the tab is hidden) and shows readiness and leader role, a failing
 * cluster source or manifest file in the header, clusters, and every Service: the service actors
 * and the Services no cluster syncs, each row with its reason, warnings and last error. Counts per
 * state filter on a click; so do the state, sync reason, namespace and name filters. One service
 * opens in full on click or from its link `/debug#namespace/name`: why each cluster syncs it or
 * not, its clusters, desired and registered instances side by side, and recent transitions, with
 * the raw JSON one click away.
 *
 * @module
 */

import type { ClusterSourceStatus } from "../../domain/cluster.ts";
import type { DesiredInstance, RegisteredInstance } from "../../domain/polaris.ts";
import type { Problem } from "../../domain/problems.ts";
import type { ClusterIntent } from "../../domain/service_intent.ts";
import type { ClusterSyncReason, SyncReasonCode } from "../../domain/sync_reasons.ts";

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
  /** Service actors. */
  readonly services: number;
  /** Services the sources know that no cluster syncs. */
  readonly unsynced?: number;
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
  /** Whether and why each cluster that has the Service syncs it. */
  readonly sync?: readonly ClusterSyncReason[];
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
  "unsynced",
];

/** The sync reasons the reason filter offers, with how the page names them. */
const REASONS: Readonly<Record<SyncReasonCode, string>> = {
  "synced": "synced",
  "invalid-annotation": "invalid sync value",
  "service-annotation-false": "Service opted out",
  "namespace-annotation-false": "Namespace opted out",
  "demand-not-enabled": "demand mode, not asked",
  "ignored-namespace": "ignored namespace",
  "external-name": "ExternalName",
  "filtered": "left out by the operator's filter",
};

/** The filter inputs, by id; each is also the query parameter of `/debug/services`. */
const FILTERS = ["state", "reason", "namespace", "name"] as const;

/** Returns the element with `id`, checked to be of `type`. */
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new TypeError(`Cannot find the page's #${id}`);
  return element;
}

const stateSelect = byId("state", HTMLSelectElement);
const reasonSelect = byId("reason", HTMLSelectElement);
const filterInputs = {
  state: stateSelect,
  reason: reasonSelect,
  namespace: byId("namespace", HTMLInputElement),
  name: byId("name", HTMLInputElement),
};
const readyBox = byId("ready", HTMLElement);
const alertsBox = byId("alerts", HTMLElement);
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
/** The HTML of the service rows shown. */
let rowsHtml = "";

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

/**
 * Shows one row per cluster: listed or not, and each watched resource's phase. A resource that
 * fails (a manifest file that does not parse, a list or watch that errs) is also shown in the
 * header, where it is seen without looking for it.
 */
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
  alertsBox.innerHTML = list.flatMap((cluster) =>
    cluster.resources.filter((resource) => resource.lastError).map((resource) =>
      `<div class="alert" data-cluster="${esc(cluster.clusterName)}"><b>${
        esc(cluster.clusterName)
      }</b> ${esc(resource.resource)} (${esc(resource.phase)}): ${esc(resource.lastError)}</div>`
    )
  ).join("");
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

/** Returns the page's name of a sync reason code. */
function reasonName(code: string): string {
  return REASONS[code as SyncReasonCode] ?? code;
}

/** Returns how each cluster sees a service, one line per cluster that has it. */
function clusterCell(service: ServiceItem): string {
  const report = service.report;
  if (!report) {
    // No actor: each cluster's reason, in short.
    return (service.sync ?? []).map((reason) =>
      `${esc(reason.clusterName)}: <i>${esc(reasonName(reason.code))}</i>`
    ).join("<br>");
  }
  return report.clusters.filter((cluster) => cluster.status !== "absent").map((cluster) => {
    const notReady = cluster.notReady ? `, ${cluster.notReady} not ready` : "";
    const seen = cluster.status === "synced"
      ? `${cluster.ready} ready${notReady}`
      : `<i title="${esc(cluster.reason)}">${esc(cluster.status)}</i>`;
    return `${esc(cluster.clusterName)}: ${seen}`;
  }).join("<br>");
}

/** Returns the warnings of a service: problems with its input and conflicts, each once. */
function warningsOf(service: ServiceItem): string[] {
  const report = service.report;
  const all = [
    ...(report?.problems ?? []).map((problem) => problem.message),
    ...(report?.conflicts ?? []),
  ];
  return [...new Set(all)];
}

/**
 * Returns a service's notes: why it is not synced (no actor), its warnings (those its last error
 * does not already say) and its last error.
 */
function notesCell(service: ServiceItem): string {
  if (!service.report && service.state === "unsynced") {
    const reasons = service.sync ?? [];
    return reasons.map((reason) =>
      `<span class="reason">${reasons.length > 1 ? `${esc(reason.clusterName)}: ` : ""}${
        esc(reason.message)
      }</span>`
    ).join("<br>");
  }
  const error = service.lastError || "";
  const warnings = warningsOf(service).filter((warning) => !error.includes(warning));
  return [
    ...warnings.map((warning) => `<span class="warn">${esc(warning)}</span>`),
    ...(error ? [`<span class="err">${esc(error)}</span>`] : []),
  ].join("<br>");
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
  const classes = "svc" + (openKey === service.key ? " open" : "") +
    (warningsOf(service).length > 0 ? " warned" : "");
  return `<tr class="${classes}" data-key="${esc(service.key)}"` +
    ` data-state="${esc(service.state)}"><td class="key"><a href="#${esc(service.key)}">` +
    `${esc(service.key)}</a></td><td>${badge(service.state)}${attempt}</td>` +
    `<td data-label="clusters">${clusterCell(service)}</td>` +
    `<td class="num" data-label="desired / in Polaris">${counts}</td>` +
    `<td data-label="alias">${esc(report?.alias || "")}</td>` +
    `<td class="num" data-label="last sync" title="${syncedAt}"` +
    (service.lastSyncAt ? ` data-at="${esc(service.lastSyncAt)}"` : "") + `></td>` +
    `<td class="notes">${notesCell(service)}</td></tr>`;
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
  const error = service.lastError || "";
  const warnings = warningsOf(service).filter((warning) => !error.includes(warning));
  const why = (service.sync ?? []).map((reason) =>
    `<tr><td>${esc(reason.clusterName)}</td><td>${esc(reasonName(reason.code))}</td>` +
    `<td>${esc(reason.message)}</td></tr>`
  );
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
    (report?.alias ? `, alias ${esc(report.alias)}` : "") +
    ` <a class="muted" href="#${esc(service.key)}">link</a></p>` +
    (error ? `<p class="err">${esc(error)}</p>` : "") +
    (warnings.length ? `<p class="warn">${warnings.map(esc).join("<br>")}</p>` : "") +
    `<h3>Why</h3><table><tbody>${why.join("")}</tbody></table>` +
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

/** Loads and shows the open service; says so when no cluster has it any more. */
async function loadDetail(): Promise<void> {
  if (!openKey) return;
  const [namespace, ...name] = openKey.split("/");
  const path = `/debug/services/${encodeURIComponent(namespace)}/` +
    name.map((part) => encodeURIComponent(part)).join("/");
  const response = await fetch(path, { cache: "no-store" });
  if (response.status === 404) {
    detailTitle.textContent = openKey;
    detailBox.innerHTML = `<p class="muted">no cluster has this Service, and no actor runs ` +
      `for it</p>`;
    detailBox.hidden = false;
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
    // The server sends the list in key order. Rows are replaced only when they change, and their
    // times are filled in place, so a row under the pointer stays the element clicked.
    const html = page.items.map(serviceRow).join("") ||
      `<tr><td colspan="7" class="muted">no service matches</td></tr>`;
    if (html !== rowsHtml) servicesBody.innerHTML = rowsHtml = html;
    for (const cell of servicesBody.querySelectorAll<HTMLElement>("td[data-at]")) {
      cell.textContent = ago(cell.dataset.at);
    }
    const shown = page.items.length;
    shownBox.textContent = `${shown} of ${overview.services + (overview.unsynced ?? 0)} services` +
      (page.total > shown ? ` (first ${shown} of ${page.total} matches)` : "");
    if (openKey && (force || Date.now() - detailAt > 2000)) await loadDetail();
    updatedBox.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    showUnreachable(error);
  } finally {
    busy = false;
  }
}

/** Returns the service key of the page's address (`/debug#namespace/name`), or null. */
function keyOfHash(): string | null {
  const key = decodeURIComponent(location.hash.replace(/^#/, ""));
  return key.includes("/") ? key : null;
}

/** Opens a service's detail, scrolls to it and refreshes the list (its row is marked open). */
function openService(key: string): void {
  openKey = key;
  detailAt = 0;
  loadDetail().then(() => detailTitle.scrollIntoView({ behavior: "smooth" }), showUnreachable);
  refresh(true);
}

for (const state of STATES) {
  const option = document.createElement("option");
  option.value = state;
  option.textContent = state;
  stateSelect.appendChild(option);
}
for (const [code, name] of Object.entries(REASONS)) {
  const option = document.createElement("option");
  option.value = code;
  option.textContent = name;
  reasonSelect.appendChild(option);
}

// A row (or its link) opens the service through the address, so every open detail has a link.
servicesBody.addEventListener("click", (event) => {
  const row = event.target instanceof Element ? event.target.closest("tr.svc") : null;
  if (!(row instanceof HTMLElement) || !row.dataset.key) return;
  event.preventDefault();
  if (keyOfHash() === row.dataset.key) openService(row.dataset.key);
  else location.hash = row.dataset.key;
});

addEventListener("hashchange", () => {
  const key = keyOfHash();
  if (key) openService(key);
});

countsBox.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button") : null;
  if (!button) return;
  const state = button.dataset.state ?? "";
  stateSelect.value = stateSelect.value === state ? "" : state;
  refresh(true);
});

for (const filter of FILTERS) filterInputs[filter].addEventListener("input", () => refresh(true));

const linked = keyOfHash();
if (linked) openService(linked);
else refresh(true);
setInterval(() => refresh(false), 500);
