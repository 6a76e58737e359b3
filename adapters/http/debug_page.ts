/**
 * The `/debug` page: one HTML document, no build step. It polls the JSON endpoints every second
 * and shows clusters, service actors by state (filterable), and one service in full on click.
 *
 * @module
 */

/** The HTML of `/debug`. */
export const DEBUG_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>polaris-k8s-sync</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.3rem;margin:0 0 .5rem} h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%} td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.state{display:inline-block;padding:0 .45rem;border-radius:.6rem;color:#fff;font-size:12px}
.synced{background:#2e7d32}.debouncing,.reconciling{background:#1565c0}.idle{background:#777}
.backoff{background:#ef6c00}.conflict{background:#c62828}.invalid{background:#6a1b9a}.released{background:#999}
#counts span{margin-right:1rem} input,select{margin-right:.5rem} tr.svc{cursor:pointer} tr.svc:hover{background:#f5f5f5}
pre{background:#f7f7f7;padding:.6rem;overflow:auto;max-height:28rem}
.err{color:#b71c1c}
</style></head><body>
<h1>polaris-k8s-sync</h1>
<div id="ready"></div>
<h2>Clusters</h2><table id="clusters"><thead><tr><th>cluster</th><th>synced</th><th>resources</th></tr></thead><tbody></tbody></table>
<h2>Services</h2>
<div id="counts"></div>
<p><select id="state"><option value="">every state</option></select>
<input id="namespace" placeholder="namespace"><input id="name" placeholder="name contains"></p>
<table id="services"><thead><tr><th>service</th><th>state</th><th>clusters (ready/not ready)</th><th>desired / registered</th><th>alias</th><th>last sync</th><th>last error</th></tr></thead><tbody></tbody></table>
<h2 id="detail-title"></h2><pre id="detail" hidden></pre>
<script>
const STATES=["idle","debouncing","reconciling","backoff","synced","conflict","invalid","released"];
const sel=document.getElementById("state");
for(const s of STATES){const o=document.createElement("option");o.value=s;o.textContent=s;sel.appendChild(o);}
let open=null;
function esc(t){return String(t??"").replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));}
async function get(p){const r=await fetch(p);return r.json();}
async function refresh(){
  try{
    const [ready,clusters,overview]=await Promise.all([fetch("/readyz").then(r=>r.json()),get("/debug/clusters"),get("/debug/overview")]);
    document.getElementById("ready").innerHTML=ready.ready?"<b>ready</b>":"<b class=err>not ready</b>: "+esc(ready.reasons.join("; "));
    document.querySelector("#clusters tbody").innerHTML=clusters.map(c=>"<tr><td>"+esc(c.clusterName)+"</td><td>"+(c.synced?"yes":"no")+"</td><td>"+c.resources.map(r=>esc(r.resource+": "+r.phase+" ("+r.objects+" objects, "+r.restarts+" restarts)"+(r.lastError?" "+r.lastError:""))).join("<br>")+"</td></tr>").join("");
    document.getElementById("counts").innerHTML=Object.entries(overview.states).map(([s,n])=>"<span><span class='state "+s+"'>"+s+"</span> "+n+"</span>").join("");
    const q=new URLSearchParams({limit:"500"});
    for(const k of ["state","namespace","name"]){const v=document.getElementById(k).value.trim();if(v)q.set(k,v);}
    const page=await get("/debug/services?"+q);
    document.querySelector("#services tbody").innerHTML=page.items.map(s=>{
      const r=s.report;const cl=r?r.clusters.map(c=>esc(c.clusterName+": "+(c.status==="synced"?c.ready+"/"+c.notReady:c.status))).join("<br>"):"";
      return "<tr class=svc data-key='"+esc(s.key)+"' id='svc-"+esc(s.key)+"'><td>"+esc(s.key)+"</td><td><span class='state "+s.state+"'>"+s.state+"</span></td><td>"+cl+"</td><td>"+(r?r.summary.desired+" / "+r.summary.registered:"")+"</td><td>"+esc(r&&r.alias||"")+"</td><td>"+(s.lastSyncAt?new Date(s.lastSyncAt).toLocaleTimeString():"")+"</td><td class=err>"+esc(s.lastError||"")+"</td></tr>";}).join("");
    if(open){const d=await fetch("/debug/services/"+open).then(r=>r.json());const pre=document.getElementById("detail");pre.hidden=false;pre.textContent=JSON.stringify(d,null,2);document.getElementById("detail-title").textContent=open;}
  }catch(e){document.getElementById("ready").innerHTML="<b class=err>cannot reach the controller: "+esc(e.message)+"</b>";}
}
document.querySelector("#services tbody").addEventListener("click",e=>{const tr=e.target.closest("tr.svc");if(tr){open=tr.dataset.key;refresh();}});
for(const id of ["state","namespace","name"])document.getElementById(id).addEventListener("input",refresh);
refresh();setInterval(refresh,1000);
</script></body></html>
`;
