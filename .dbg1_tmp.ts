import { startControlPlane } from "/work/main/tests/cluster/control_plane.ts";
import { ClusterObjects } from "/work/main/tests/cluster/objects.ts";
import { createKubernetesSource } from "/work/main/adapters/kubernetes/kubernetes_source.ts";
const cp = await startControlPlane({ withControllerManager: false });
console.log("ready");
const o = new ClusterObjects(cp.kubeconfigPath);
try {
  await o.createNode("n1"); console.log("node");
  await o.createNamespace("x", {a: "1"}); console.log("ns");
  const src = createKubernetesSource({ clusterName: "c", kubeconfigPath: cp.kubeconfigPath, log: (l, m, f) => console.log(l, m, JSON.stringify(f)) });
  await src.start();
  for (let i = 0; i < 50 && !src.synced; i++) await new Promise(r => setTimeout(r, 100));
  console.log("synced", src.synced, JSON.stringify(src.status()));
  await src.stop(); console.log("stopped src");
} finally { await o.close(); await cp.stop(); }
