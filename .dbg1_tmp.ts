import { startControlPlane } from "./tests/cluster/control_plane.ts";
import { ClusterObjects } from "./tests/cluster/objects.ts";
import { createKubernetesSource } from "./adapters/kubernetes/kubernetes_source.ts";
const t0 = Date.now();
const T = () => ((Date.now() - t0) / 1000).toFixed(1);
const cp = await startControlPlane();
console.log(T(), "ready");
const o = new ClusterObjects(cp.kubeconfigPath);
try {
  await o.createNode("n1"); console.log(T(), "node");
  await o.createNamespace("x", {a: "1"}); console.log(T(), "ns");
  await o.createService("x", "web", { selector: { app: "web" } }); console.log(T(), "svc");
  await o.createPod("x", "web-1", { labels: { app: "web" }, nodeName: "n1" }); console.log(T(), "pod");
  await o.setPodReady("x", "web-1", "10.244.1.1", true); console.log(T(), "ready");
  const src = createKubernetesSource({ clusterName: "c", kubeconfigPath: cp.kubeconfigPath, log: (l, m, f) => console.log(T(), l, m, JSON.stringify(f)) });
  await src.start();
  for (let i = 0; i < 100 && src.endpoints("x", "web").length === 0; i++) await new Promise(r => setTimeout(r, 100));
  console.log(T(), "eps", JSON.stringify(src.endpoints("x", "web")));
  await src.stop(); console.log(T(), "stopped src");
} finally { await o.close(); await cp.stop(); console.log(T(), "cp stopped"); }
