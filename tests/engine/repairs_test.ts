/**
 * Engine tests of what must reach Polaris at once, and then never again: a change to a metadata
 * key the console list hides, one port number served over two protocols, and a Polaris service or
 * namespace deleted behind the controller's back.
 */
import assert from "node:assert/strict";
import type { EndpointPort } from "../../domain/kubernetes.ts";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { group, startEngine } from "./harness.ts";

const svc = (namespace: string, name: string) => ({
  namespace,
  name,
  type: "ClusterIP",
  annotations: {},
});

Deno.test("engine writes a change to only a console-hidden Pod label at once, and nothing at the next resyncs", async () => {
  const e = await startEngine({ resyncPeriodMs: 100 });
  try {
    const [a] = e.sources;
    a.setPodLabels("shop", "pod-0", { app: "cart", zone: "z1" });
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    a.markSynced();
    await e.settle();
    const stored = () => e.emulator.state.instances({ namespace: "shop", service: "cart" });
    assert.deepStrictEqual(stored().map((i) => i.metadata.zone), ["z1"]);

    a.setPodLabels("shop", "pod-0", { app: "cart", zone: "z2" });
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    await e.settle();
    assert.deepStrictEqual(stored().map((i) => i.metadata.zone), ["z2"], "written at once");

    e.emulator.resetRequests();
    const before = e.supervisor.supervisorStatus().resyncs;
    await e.until(() => e.supervisor.supervisorStatus().resyncs >= before + 2, "two resyncs");
    await e.settle();
    assert.deepStrictEqual(e.writes(), {}, "no update at the resyncs after it");
  } finally {
    await e.stop();
  }
});

Deno.test("engine registers one instance for a port served over UDP and TCP, with the TCP protocol, and writes nothing when the ports come in another order", async () => {
  const e = await startEngine({ resyncPeriodMs: 100 });
  const udp: EndpointPort = { name: "dns-udp", port: 53, protocol: "UDP" };
  const tcp: EndpointPort = { name: "dns", port: 53, protocol: "TCP" };
  const endpoints = (ports: EndpointPort[]) => [{ ...group(["10.0.0.1"]), ports }];
  try {
    const [a] = e.sources;
    a.setService(svc("dns", "coredns"));
    a.setEndpoints("dns", "coredns", endpoints([udp, tcp]));
    a.markSynced();
    await e.settle();
    const stored = () =>
      e.emulator.state.instances({ namespace: "dns", service: "coredns" }).map((i) =>
        `${i.host}:${i.port} ${i.protocol}`
      );
    assert.deepStrictEqual(stored(), ["10.0.0.1:53 dns/TCP"]);
    const problems = e.supervisor.service("dns/coredns")?.report?.problems ?? [];
    assert.deepStrictEqual(problems.map((p) => p.code as string), ["shared-port"]);

    e.emulator.resetRequests();
    a.setEndpoints("dns", "coredns", endpoints([tcp, udp]));
    await e.settle();
    const before = e.supervisor.supervisorStatus().resyncs;
    await e.until(() => e.supervisor.supervisorStatus().resyncs >= before + 2, "two resyncs");
    await e.settle();
    assert.deepStrictEqual(e.writes(), {}, "neither the reordered ports nor a resync write");
    assert.deepStrictEqual(stored(), ["10.0.0.1:53 dns/TCP"]);
  } finally {
    await e.stop();
  }
});

for (const autoCreate of [true, false]) {
  Deno.test(
    `engine creates again a Polaris service, then a namespace, deleted behind its back (autoCreate ${
      autoCreate ? "on" : "off"
    })`,
    async () => {
      const emulator = await startPolarisEmulator({
        autoCreateService: autoCreate,
        autoCreateNamespace: autoCreate,
      });
      const e = await startEngine({ emulator });
      const post = async (path: string, body: unknown[]) => {
        const response = await fetch(`${emulator.url}${path}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        const answer = await response.json() as { code: number };
        assert.deepStrictEqual(answer.code, 200000, `${path}: ${JSON.stringify(answer)}`);
      };
      const deleteService = async () => {
        const hosts = emulator.state.instances({ namespace: "shop", service: "cart" });
        await post(
          "/naming/v1/instances/delete",
          hosts.map((i) => ({
            namespace: "shop",
            service: "cart",
            host: i.host,
            port: i.port,
          })),
        );
        await post("/naming/v1/services/delete", [{ namespace: "shop", name: "cart" }]);
      };
      const hosts = () =>
        emulator.state.instances({ namespace: "shop", service: "cart" }).map((i) => i.host);
      try {
        const [a] = e.sources;
        a.setService(svc("shop", "cart"));
        a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
        a.markSynced();
        await e.settle();
        assert.deepStrictEqual(hosts(), ["10.0.0.1"]);

        await deleteService();
        a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2"])]);
        await e.settle();
        assert.deepStrictEqual(hosts(), ["10.0.0.1", "10.0.0.2"], "the service is back");

        await deleteService();
        await post("/naming/v1/namespaces/delete", [{ name: "shop" }]);
        a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2", "10.0.0.3"])]);
        await e.settle();
        assert.deepStrictEqual(hosts(), ["10.0.0.1", "10.0.0.2", "10.0.0.3"], "the namespace too");
        assert.deepStrictEqual(e.supervisor.service("shop/cart")?.state, "synced");
      } finally {
        await e.stop();
      }
    },
  );
}
