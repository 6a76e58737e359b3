/**
 * The `/debug` page (SPEC §6): one HTML document and its script, no build step, no external
 * asset. The script is the TypeScript module `debug_page_script.ts`, whose types are stripped
 * once at start-up and served as `/debug/page.js` (docs/decisions.md §17); it polls the JSON
 * endpoints and shows readiness, clusters and service actors, as that module describes.
 *
 * Rows carry `data-key` and `data-state`, and badges the class of their state, so a browser test
 * can read the page without depending on its layout. The page fits a narrow window: below 700 px
 * each service row becomes a block of labelled lines. The favicon is an inline SVG.
 *
 * @module
 */

import { stripTypeScriptTypes } from "node:module";
import SCRIPT_SOURCE from "./debug_page_script.ts" with { type: "text" };

/** Where the page loads its script from. */
export const DEBUG_PAGE_SCRIPT_PATH = "/debug/page.js";

/** Where the favicon is served (browsers ask there unasked, so the page links the same path). */
export const FAVICON_PATH = "/favicon.ico";

/** The favicon: a small SVG, a white north star (Polaris) on the blue of the page's badges. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
  `<circle cx="16" cy="16" r="15" fill="#1565c0"/>` +
  `<path d="M16 3l2.6 10.4L29 16l-10.4 2.6L16 29l-2.6-10.4L3 16l10.4-2.6z" fill="#fff"/></svg>`;

/**
 * The JavaScript of `/debug/page.js`: `debug_page_script.ts` with its types replaced by spaces,
 * so lines and columns stay those of the TypeScript (Deno's `node:module` strips them, with the
 * parser of `deno check`; a type syntax that does not erase throws here, at start-up).
 */
export const DEBUG_PAGE_SCRIPT: string = stripTypeScriptTypes(SCRIPT_SOURCE, {
  mode: "strip",
  sourceUrl: "debug_page_script.ts",
});

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.2rem 1.5rem;color:#1d1d1f;background:#fafafa}
h1{font-size:1.35rem;margin:0} h2{font-size:1.05rem;margin:1.3rem 0 .45rem}
header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;margin-bottom:.4rem}
.pill{padding:.1rem .55rem;border-radius:.8rem;background:#e0e0e0;font-size:12px}
.pill.ok{background:#c8e6c9}.pill.bad{background:#ffcdd2}.muted{color:#666;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{padding:.3rem .55rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{font-weight:600;font-size:12px;color:#555;background:#f3f3f3}
.state{display:inline-block;padding:0 .5rem;border-radius:.7rem;color:#fff;font-size:12px;white-space:nowrap}
.synced{background:#2e7d32}.debouncing,.reconciling{background:#1565c0}.idle{background:#757575}
.backoff{background:#ef6c00}.conflict{background:#c62828}.invalid{background:#6a1b9a}.released{background:#9e9e9e}
.unsynced{background:#e0e0e0;color:#424242}.pending{background:#90a4ae}
tr.svc{cursor:pointer} tr.svc:hover{background:#f1f5fb} tr.svc.open{background:#e3edf9} tr.svc.warned{box-shadow:inset 3px 0 #f9a825}
tr.svc[data-state=conflict]{box-shadow:inset 3px 0 #c62828} tr.svc[data-state=invalid]{box-shadow:inset 3px 0 #6a1b9a}
tr.svc[data-state=backoff]{box-shadow:inset 3px 0 #ef6c00}
tr.svc[data-state=unsynced]{color:#555} tr.svc a{color:inherit;text-decoration:none} tr.svc a:hover{text-decoration:underline}
#counts{display:flex;gap:.4rem;flex-wrap:wrap;margin:.2rem 0 .6rem}
#counts button{border:1px solid #ddd;background:#fff;border-radius:1rem;padding:.1rem .5rem .1rem .15rem;cursor:pointer;font:inherit}
#counts button.zero{opacity:.45} #counts button.on{border-color:#333}
.filters{display:flex;gap:.5rem;flex-wrap:wrap;margin-bottom:.6rem} .filters input,.filters select{font:inherit;padding:.15rem .35rem;min-width:0}
.err{color:#b71c1c} .warn{color:#8d6e00} .reason{color:#555} .num{font-variant-numeric:tabular-nums;white-space:nowrap}
td{overflow-wrap:break-word} td.key{white-space:nowrap} .notes{font-size:12px}
#alerts .alert{background:#ffebee;border-left:4px solid #c62828;padding:.35rem .6rem;margin:.3rem 0;overflow-wrap:anywhere}
.res{font-size:12px;color:#444}
#detail{background:#fff;border:1px solid #ddd;border-radius:.4rem;padding:.6rem .9rem}
#detail .cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem} #detail .cols>div{min-width:0}
#detail h3{font-size:.95rem;margin:.6rem 0 .3rem}
pre{background:#f7f7f7;padding:.6rem;overflow:auto;max-height:28rem;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:700px){
body{margin:.6rem} #services thead{display:none} #services tr.svc{display:block;padding:.35rem 0;border-bottom:1px solid #ddd}
#services td{display:block;border:0;padding:.1rem .5rem} #services td:empty{display:none}
td,td.key{overflow-wrap:anywhere;white-space:normal}
#services td[data-label]::before{content:attr(data-label) ": ";color:#777;font-size:12px}
#detail .cols{grid-template-columns:1fr} .num{white-space:normal} #detail{padding:.5rem}
}
`;

/** The HTML of `/debug`. */
export const DEBUG_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>polaris-k8s-sync</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" type="image/svg+xml" href="${FAVICON_PATH}"><style>${STYLE}</style></head><body>
<header><h1>polaris-k8s-sync</h1><span id="ready"></span><span id="updated" class="muted"></span></header>
<div id="alerts"></div>
<h2>Clusters</h2><table id="clusters"><thead><tr><th>cluster</th><th>listed</th><th>resources</th></tr></thead><tbody></tbody></table>
<h2>Services</h2>
<div id="counts"></div>
<div class="filters"><select id="state" aria-label="state"><option value="">every state</option></select>
<select id="reason" aria-label="sync reason"><option value="">every reason</option></select>
<input id="namespace" placeholder="namespace" aria-label="namespace"><input id="name" placeholder="name contains" aria-label="name"><span id="shown" class="muted"></span></div>
<table id="services"><thead><tr><th>service</th><th>state</th><th>clusters</th><th>desired / in Polaris</th><th>alias</th><th>last sync</th><th>reason, warnings, last error</th></tr></thead><tbody></tbody></table>
<h2 id="detail-title"></h2><div id="detail" hidden></div>
<script type="module" src="${DEBUG_PAGE_SCRIPT_PATH}"></script></body></html>
`;
