import { startControlPlane } from "./tests/cluster/control_plane.ts";
import { ClusterObjects } from "./tests/cluster/objects.ts";
import { createKubernetesSource } from "./adapters/kubernetes/kubernetes_source.ts";
const t0 = Date.now();
const T = () => ((Date.now() - t0) / 1000).toFixed(1);
const cp = await startControlPlane({withControllerManager: false});
console.log(T(), "ready");
const o = new ClusterObjects(cp.kubeconfigPath);
try {
  await o.createNamespace("x", {a: "1"}); console.log(T(), "ns");
  const src = createKubernetesSource({ clusterName: "c", kubeconfigPath: cp.kubeconfigPath, backoffBaseMs: 100, backoffMaxMs: 1000, log: (l, m, f) => console.log(T(), l, m, JSON.stringify(f)) });
  await src.start();
  for (let i = 0; i < 100 && !src.synced; i++) await new Promise(r => setTimeout(r, 100));
  await o.core.createNamespacedConfigMap({ namespace: "x", body: { metadata: { name: "bump" } } }); console.log(T(), "cm");
  await cp.stopApiserver(); console.log(T(), "stopped apiserver");
  await cp.startApiserver(); console.log(T(), "started apiserver");
  await o.createService("x", "new"); console.log(T(), "svc");
  for (let i = 0; i < 100 && !src.service("x", "new"); i++) await new Promise(r => setTimeout(r, 100));
  console.log(T(), "seen", !!src.service("x", "new"));
  await src.stop(); console.log(T(), "stopped src");
} finally { await o.close(); await cp.stop(); console.log(T(), "cp stopped"); }
