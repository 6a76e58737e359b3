/**
 * The `/debug` page (SPEC §6): one HTML document, no build step, no external asset. It polls the
 * JSON endpoints twice a second (skipping a tick while the previous one is still loading, and
 * pausing while the tab is hidden) and shows readiness and leader role, clusters, service actors
 * with counts per state (a click on a count filters), filters by state, namespace and name, and
 * one service in full on click: its clusters, desired and registered instances side by side, and
 * recent transitions, with the raw JSON one click away.
 *
 * Rows carry `data-key` and `data-state`, and badges the class of their state, so a browser test
 * can read the page without depending on its layout.
 *
 * @module
 */

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
tr.svc{cursor:pointer} tr.svc:hover{background:#f1f5fb} tr.svc.open{background:#e3edf9}
tr.svc[data-state=conflict]{box-shadow:inset 3px 0 #c62828} tr.svc[data-state=invalid]{box-shadow:inset 3px 0 #6a1b9a}
tr.svc[data-state=backoff]{box-shadow:inset 3px 0 #ef6c00}
#counts{display:flex;gap:.4rem;flex-wrap:wrap;margin:.2rem 0 .6rem}
#counts button{border:1px solid #ddd;background:#fff;border-radius:1rem;padding:.1rem .5rem .1rem .15rem;cursor:pointer;font:inherit}
#counts button.zero{opacity:.45} #counts button.on{border-color:#333}
.filters{display:flex;gap:.5rem;margin-bottom:.6rem} .filters input,.filters select{font:inherit;padding:.15rem .35rem}
.err{color:#b71c1c} .num{font-variant-numeric:tabular-nums;white-space:nowrap}
.res{font-size:12px;color:#444}
#detail{background:#fff;border:1px solid #ddd;border-radius:.4rem;padding:.6rem .9rem}
#detail .cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
#detail h3{font-size:.95rem;margin:.6rem 0 .3rem}
pre{background:#f7f7f7;padding:.6rem;overflow:auto;max-height:28rem;font-size:12px}
`;

const SCRIPT = `
const STATES=["idle","debouncing","reconciling","backoff","synced","conflict","invalid","released"];
const $=(id)=>document.getElementById(id);
for(const s of STATES){const o=document.createElement("option");o.value=s;o.textContent=s;$("state").appendChild(o);}
let open=null,busy=false,tick=0,detailAt=0;
function esc(t){return String(t??"").replace(/[&<>"']/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));}
async function get(p){const r=await fetch(p,{cache:"no-store"});return r.json();}
function ago(ms){if(!ms)return "";const s=Math.max(0,Math.round((Date.now()-ms)/1000));return s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":new Date(ms).toLocaleString();}
function badge(s){return "<span class='state "+esc(s)+"'>"+esc(s)+"</span>";}
function header(ready){
  const d=ready.details||{};
  const role=d.role==="writer"?"":"<span class=pill>"+esc(d.role)+(d.leaseHolder&&d.role!=="leader"?" (leader: "+esc(d.leaseHolder)+")":"")+"</span>";
  $("ready").innerHTML=(ready.ready?"<span class='pill ok'>ready</span>":"<span class='pill bad'>not ready</span> <span class=err>"+esc(ready.reasons.join("; "))+"</span>")+" "+role+
    (d.writing===false?" <span class=pill>not writing</span>":"");
}
function clusters(list){
  $("clusters").querySelector("tbody").innerHTML=list.map(c=>"<tr><td>"+esc(c.clusterName)+"</td><td>"+(c.synced?"yes":"<b class=err>listing</b>")+"</td><td class=res>"+
    c.resources.map(r=>esc(r.resource)+": "+esc(r.phase)+", "+r.objects+" objects"+(r.restarts?", "+r.restarts+" restarts":"")+(r.lastError?" <span class=err>"+esc(r.lastError)+"</span>":"")).join("<br>")+"</td></tr>").join("");
}
function counts(states){
  const f=$("state").value;
  $("counts").innerHTML=STATES.map(s=>"<button data-state='"+s+"' class='"+(states[s]?"":"zero")+(f===s?" on":"")+"'>"+badge(s)+" "+(states[s]||0)+"</button>").join("");
}
function clusterCell(r){
  return r?r.clusters.filter(c=>c.status!=="absent").map(c=>esc(c.clusterName)+": "+(c.status==="synced"?c.ready+" ready"+(c.notReady?", "+c.notReady+" not ready":""):"<i>"+esc(c.status)+"</i>")).join("<br>"):"";
}
function row(s){
  const r=s.report, inPolaris=r?r.summary.registered+r.summary.created-r.summary.deleted:"";
  return "<tr class='svc"+(open===s.key?" open":"")+"' data-key='"+esc(s.key)+"' data-state='"+esc(s.state)+"'><td>"+esc(s.key)+"</td><td>"+badge(s.state)+
    (s.attempts>1?" <span class=muted>attempt "+s.attempts+"</span>":"")+"</td><td>"+clusterCell(r)+"</td><td class=num>"+(r?r.summary.desired+" / "+inPolaris:"")+"</td><td>"+esc(r&&r.alias||"")+
    "</td><td class=num title='"+(s.lastSyncAt?esc(new Date(s.lastSyncAt).toISOString()):"")+"'>"+ago(s.lastSyncAt)+"</td><td class=err>"+esc(s.lastError||"")+"</td></tr>";
}
function instances(list,withSource){
  if(!Array.isArray(list))return "<p class=err>"+esc(list&&list.error||"unavailable")+"</p>";
  if(list.length===0)return "<p class=muted>none</p>";
  const sorted=list.slice().sort((a,b)=>(a.host+":"+a.port).localeCompare(b.host+":"+b.port,undefined,{numeric:true}));
  return "<table><thead><tr><th>address</th><th>cluster</th><th>state</th><th>weight</th><th>version</th></tr></thead><tbody>"+sorted.map(i=>{
    const m=i.metadata||{};
    return "<tr><td class=num>"+esc(i.host+":"+i.port)+"</td><td>"+esc(m.clusterName||"")+(withSource?" <span class=muted>"+esc(m.source||"")+"</span>":"")+"</td><td>"+(i.isolate?"isolated":"serving")+"</td><td class=num>"+esc(i.weight)+"</td><td>"+esc(i.version||"")+"</td></tr>";}).join("")+"</tbody></table>";
}
function detail(d){
  const r=d.report||{};
  const trans=(d.transitions||[]).slice().reverse().map(t=>"<tr><td class=num>"+esc(new Date(t.at).toLocaleTimeString())+"</td><td>"+badge(t.from)+" → "+badge(t.to)+"</td></tr>").join("");
  const problems=[...(r.problems||[]).map(p=>p.message),...(r.conflicts||[])];
  $("detail-title").textContent=d.key;
  $("detail").innerHTML="<p>"+badge(d.state)+" "+(d.lastSyncAt?"last sync "+ago(d.lastSyncAt)+", ":"")+"reconciles: "+d.reconciles+(r.alias?", alias "+esc(r.alias):"")+"</p>"+
    (problems.length?"<p class=err>"+problems.map(esc).join("<br>")+"</p>":"")+
    "<h3>Clusters</h3><table><tbody>"+(d.clusters||[]).map(c=>"<tr><td>"+esc(c.clusterName)+"</td><td>"+esc(c.status)+"</td><td>"+esc(c.reason)+"</td></tr>").join("")+"</tbody></table>"+
    "<div class=cols><div><h3>Desired ("+(d.desired||[]).length+")</h3>"+instances(d.desired,false)+"</div><div><h3>Registered in Polaris ("+(Array.isArray(d.registered)?d.registered.length:"?")+")</h3>"+instances(d.registered,true)+"</div></div>"+
    "<h3>Recent transitions</h3><table><tbody>"+trans+"</tbody></table>"+
    "<details><summary>raw JSON</summary><pre>"+esc(JSON.stringify(d,null,2))+"</pre></details>";
  $("detail").hidden=false;
}
async function showDetail(){
  if(!open)return;
  const [ns,...rest]=open.split("/");
  const r=await fetch("/debug/services/"+encodeURIComponent(ns)+"/"+rest.map(encodeURIComponent).join("/"),{cache:"no-store"});
  if(r.status===404){$("detail-title").textContent=open;$("detail").innerHTML="<p class=muted>no actor for this service any more</p>";return;}
  detail(await r.json());detailAt=Date.now();
}
async function refresh(force){
  if(busy||(document.hidden&&!force))return;
  busy=true;
  try{
    const q=new URLSearchParams({limit:"1000"});
    for(const k of ["state","namespace","name"]){const v=$(k).value.trim();if(v)q.set(k,v);}
    const [ready,cl,overview,page]=await Promise.all([fetch("/readyz",{cache:"no-store"}).then(r=>r.json()),get("/debug/clusters"),get("/debug/overview"),get("/debug/services?"+q)]);
    header(ready);clusters(cl);counts(overview.states);
    $("services").querySelector("tbody").innerHTML=page.items.slice().sort((a,b)=>a.key.localeCompare(b.key)).map(row).join("")||"<tr><td colspan=7 class=muted>no service matches</td></tr>";
    $("shown").textContent=page.items.length+" of "+overview.services+" services"+(page.total>page.items.length?" (first "+page.items.length+" of "+page.total+" matches)":"");
    if(open&&(force||Date.now()-detailAt>2000))await showDetail();
    $("updated").textContent="updated "+new Date().toLocaleTimeString();
  }catch(e){$("ready").innerHTML="<span class='pill bad'>cannot reach the controller</span> <span class=err>"+esc(e.message)+"</span>";}
  finally{busy=false;}
}
$("services").querySelector("tbody").addEventListener("click",e=>{const tr=e.target.closest("tr.svc");if(tr){open=tr.dataset.key;detailAt=0;showDetail().then(()=>$("detail-title").scrollIntoView({behavior:"smooth"}));refresh(true);}});
$("counts").addEventListener("click",e=>{const b=e.target.closest("button");if(b){$("state").value=$("state").value===b.dataset.state?"":b.dataset.state;refresh(true);}});
for(const id of ["state","namespace","name"])$(id).addEventListener("input",()=>refresh(true));
refresh(true);setInterval(()=>refresh(false),500);
`;

/** The HTML of `/debug`. */
export const DEBUG_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>polaris-k8s-sync</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>
<header><h1>polaris-k8s-sync</h1><span id="ready"></span><span id="updated" class="muted"></span></header>
<h2>Clusters</h2><table id="clusters"><thead><tr><th>cluster</th><th>listed</th><th>resources</th></tr></thead><tbody></tbody></table>
<h2>Services</h2>
<div id="counts"></div>
<div class="filters"><select id="state" aria-label="state"><option value="">every state</option></select>
<input id="namespace" placeholder="namespace" aria-label="namespace"><input id="name" placeholder="name contains" aria-label="name"><span id="shown" class="muted"></span></div>
<table id="services"><thead><tr><th>service</th><th>state</th><th>clusters</th><th>desired / in Polaris</th><th>alias</th><th>last sync</th><th>last error</th></tr></thead><tbody></tbody></table>
<h2 id="detail-title"></h2><div id="detail" hidden></div>
<script>${SCRIPT}</script></body></html>
`;
