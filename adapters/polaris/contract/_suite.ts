/**
 * Contract cases that hold for any Polaris server: run against the emulator by
 * `client_contract_test.ts` and against a real server by `real_server_test.ts`. Every case works
 * in namespaces of its own (unique names), so it can share a real server, and cleans them up.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type ItemResult,
  PolarisClient,
  type PolarisClientOptions,
  PolarisRequestError,
} from "../mod.ts";

/** What a case gets: a client factory, unique names, and the server's auth setting. */
export interface ContractContext {
  readonly url: string;
  /** The token the server expects, when it checks one. */
  readonly token?: string;
  /** A client for the server, with fast backoff; options override the defaults. */
  client(options?: Partial<PolarisClientOptions>): PolarisClient;
  /** A namespace name unique to this run, registered for cleanup. */
  namespace(label: string): string;
}

/** One contract case. */
export interface ContractCase {
  readonly name: string;
  /** Only when the server checks tokens. */
  readonly needsToken?: boolean;
  run(ctx: ContractContext): Promise<void>;
}

const fast: Partial<PolarisClientOptions> = {
  backoffBaseMs: 1,
  backoffMaxMs: 5,
  maxRetries: 2,
  timeoutMs: 5000,
};

/**
 * Runs `fn` with a context on the server at `url`, then deletes (aliases, instances, services,
 * namespaces) what the case created in its namespaces.
 */
export async function withContext(
  url: string,
  token: string | undefined,
  fn: (ctx: ContractContext) => Promise<void>,
): Promise<void> {
  const run = crypto.randomUUID().slice(0, 8);
  const namespaces: string[] = [];
  const client = (options: Partial<PolarisClientOptions> = {}) =>
    new PolarisClient({ baseUrl: url, token, ...fast, ...options });
  const ctx: ContractContext = {
    url,
    token,
    client,
    namespace(label) {
      const name = `ct-${run}-${label}`;
      namespaces.push(name);
      return name;
    },
  };
  try {
    await fn(ctx);
  } finally {
    await cleanup(client(), url, token, namespaces);
  }
}

async function cleanup(
  client: PolarisClient,
  url: string,
  token: string | undefined,
  namespaces: readonly string[],
) {
  for (const namespace of namespaces) {
    const aliases = [
      ...await client.listAliases({ aliasNamespace: namespace }),
      ...await client.listAliases({ namespace }),
    ];
    await client.deleteAliases(
      aliases.map((a) => ({ alias: a.alias, aliasNamespace: a.aliasNamespace })),
    );
    await client.deleteInstances(await client.listInstances({ namespace }));
    const services = await client.listServices({ namespace });
    await client.deleteServices(services.map((s) => ({ namespace: s.namespace, name: s.name })));
  }
  if (namespaces.length === 0) return;
  // The client has no namespace delete (the controller never deletes one); use plain fetch.
  const response = await fetch(`${url}/naming/v1/namespaces/delete`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { "X-Polaris-Token": token } : {}) },
    body: JSON.stringify(namespaces.map((name) => ({ name }))),
  });
  await response.body?.cancel();
}

const owner = { clusterName: "cluster-a", source: "polaris-controller" };

function instances(
  namespace: string,
  service: string,
  count: number,
  extra: Record<string, string> = owner,
) {
  return Array.from({ length: count }, (_, i) => ({
    namespace,
    service,
    host: `10.${Math.floor(i / 250)}.${i % 250}.1`,
    port: 8080,
    protocol: "http/TCP",
    weight: 100,
    healthy: true,
    isolate: false,
    enableHealthCheck: false,
    metadata: { ...extra, k8s_namespace: namespace },
  }));
}

function codes(results: readonly ItemResult[]) {
  return results.map((
    r,
  ) => (r.ok ? `ok:${r.code}` : `fail:${r.code}:${r.retryable ? "retry" : "final"}`));
}

/** Every contract case; the names read as test names. */
export const contractCases: readonly ContractCase[] = [
  {
    name: "health() is true",
    async run(ctx) {
      assert.equal(await ctx.client().health(), true);
    },
  },
  {
    name: "createNamespaces() creates, accepts existing (400201) and reports a bad name (400110)",
    async run(ctx) {
      const ns = ctx.namespace("ns");
      const client = ctx.client();
      assert.deepEqual(codes(await client.createNamespaces([{ name: ns, comment: "contract" }])), [
        "ok:200000",
      ]);
      const again = await client.createNamespaces([{ name: ns }, { name: "bad name#" }]);
      assert.deepEqual(codes(again), ["ok:400201", "fail:400110:final"]);
      const listed = await client.listNamespaces({ name: ns });
      assert.deepEqual(listed.map((n) => [n.name, n.comment]), [[ns, "contract"]]);
      assert.ok((await client.listNamespaces()).some((n) => n.name === "default"));
    },
  },
  {
    name:
      "services: create, 400201, list with metadata filter, update (200002 on no change), 400202, delete",
    async run(ctx) {
      const ns = ctx.namespace("svc");
      const client = ctx.client();
      await client.createNamespaces([{ name: ns }]);
      const created = await client.createServices([
        { namespace: ns, name: "web", metadata: { team: "a" }, comment: "c" },
        { namespace: ns, name: "api" },
      ]);
      assert.deepEqual(codes(created), ["ok:200000", "ok:200000"]);
      assert.deepEqual(codes(await client.createServices([{ namespace: ns, name: "web" }])), [
        "ok:400201",
      ]);
      const all = await client.listServices({ namespace: ns });
      assert.deepEqual(all.map((s) => s.name).sort(), ["api", "web"]);
      const web = all.find((s) => s.name === "web");
      assert.deepEqual(web?.metadata, { team: "a" });
      assert.match(web?.id ?? "", /^[0-9a-f]{32}$/);
      const byTeam = await client.listServices({ namespace: ns, metadata: { team: "a" } });
      assert.deepEqual(byTeam.map((s) => s.name), ["web"]);
      const updated = await client.updateServices([
        { namespace: ns, name: "web", metadata: { team: "b" } },
        { namespace: ns, name: "api", comment: "" },
        { namespace: ns, name: "missing", comment: "x" },
      ]);
      assert.deepEqual(codes(updated).slice(0, 1), ["ok:200000"]);
      assert.ok(updated[1].ok, "an unchanged service is success");
      assert.deepEqual(codes(updated).slice(2), ["fail:400202:final"]);
      assert.deepEqual(
        codes(
          await client.updateServices([{ namespace: ns, name: "web", metadata: { team: "b" } }]),
        ),
        [
          "ok:200002",
        ],
      );
      const deleted = await client.deleteServices([{ namespace: ns, name: "api" }, {
        namespace: ns,
        name: "gone",
      }]);
      assert.deepEqual(codes(deleted), ["ok:200000", "ok:200000"]);
      assert.deepEqual((await client.listServices({ namespace: ns })).map((s) => s.name), ["web"]);
    },
  },
  {
    name:
      "deleteServices() reports 400204 while instances remain and 400210 while an alias remains",
    async run(ctx) {
      const ns = ctx.namespace("guard");
      const client = ctx.client();
      await client.createNamespaces([{ name: ns }]);
      await client.createServices([{ namespace: ns, name: "with-ins" }, {
        namespace: ns,
        name: "with-alias",
      }]);
      await client.createInstances(instances(ns, "with-ins", 1));
      assert.ok(
        (await client.createAlias({
          alias: "al",
          aliasNamespace: ns,
          service: "with-alias",
          namespace: ns,
        })).ok,
      );
      const results = await client.deleteServices([
        { namespace: ns, name: "with-ins" },
        { namespace: ns, name: "with-alias" },
      ]);
      assert.deepEqual(codes(results), ["fail:400204:final", "fail:400210:final"]);
    },
  },
  {
    name:
      "aliases: create, exists (400201), 400301, list, update/repoint, 400304, delete idempotent",
    async run(ctx) {
      const ns = ctx.namespace("src");
      const aliasNs = ctx.namespace("alias");
      const client = ctx.client();
      assert.deepEqual(codes(await client.createNamespaces([{ name: ns }, { name: aliasNs }])), [
        "ok:200000",
        "ok:200000",
      ]);
      await client.createServices([{ namespace: ns, name: "web" }, {
        namespace: ns,
        name: "web2",
      }]);
      const alias = {
        alias: "web-alias",
        aliasNamespace: aliasNs,
        service: "web",
        namespace: ns,
        comment: "ours",
      };
      assert.deepEqual(await client.createAlias(alias), { ok: true, code: 200000 });
      const again = await client.createAlias(alias);
      assert.equal(again.ok, false);
      assert.equal(again.code, 400201);
      assert.equal(!again.ok && again.retryable, false);
      const taken = await client.createAlias({ ...alias, alias: "web2", aliasNamespace: ns });
      assert.equal(taken.code, 400201, "a real service's name is taken too");
      const orphan = await client.createAlias({ ...alias, alias: "x", service: "nope" });
      assert.equal(orphan.code, 400301);
      const listed = await client.listAliases({ aliasNamespace: aliasNs });
      assert.deepEqual(
        listed.map((a) => [a.alias, a.aliasNamespace, a.service, a.namespace, a.comment]),
        [
          ["web-alias", aliasNs, "web", ns, "ours"],
        ],
      );
      assert.deepEqual((await client.listAliases({ service: "web", namespace: ns })).length, 1);
      assert.equal(
        (await client.listServices({ namespace: aliasNs })).length,
        0,
        "aliases are not services",
      );
      assert.ok((await client.updateAlias({ ...alias, service: "web2" })).ok);
      assert.equal((await client.listAliases({ aliasNamespace: aliasNs }))[0].service, "web2");
      const missing = await client.updateAlias({ ...alias, alias: "nope" });
      assert.equal(missing.code, 400304);
      const deleted = await client.deleteAliases([
        { alias: "web-alias", aliasNamespace: aliasNs },
        { alias: "web-alias", aliasNamespace: aliasNs },
      ]);
      assert.deepEqual(codes(deleted), ["ok:200000", "ok:400304"]);
      assert.deepEqual(await client.listAliases({ aliasNamespace: aliasNs }), []);
    },
  },
  {
    name: "createAlias() refuses an alias of an alias (400504)",
    async run(ctx) {
      const ns = ctx.namespace("chain");
      const client = ctx.client();
      await client.createNamespaces([{ name: ns }]);
      await client.createServices([{ namespace: ns, name: "web" }]);
      assert.ok(
        (await client.createAlias({
          alias: "a1",
          aliasNamespace: ns,
          service: "web",
          namespace: ns,
        })).ok,
      );
      const chained = await client.createAlias({
        alias: "a2",
        aliasNamespace: ns,
        service: "a1",
        namespace: ns,
      });
      assert.equal(chained.code, 400504);
    },
  },
  {
    name:
      "instances: 250 created in 3 requests, listed in full with every field, owned filter, update, delete",
    async run(ctx) {
      const ns = ctx.namespace("ins");
      const client = ctx.client();
      await client.createNamespaces([{ name: ns }]);
      const mine = instances(ns, "web", 250);
      const results = await client.createInstances(mine);
      assert.equal(results.length, 250);
      assert.ok(results.every((r) => r.ok), JSON.stringify(results.find((r) => !r.ok)));
      const foreign = instances(ns, "web", 3, {
        clusterName: "cluster-b",
        source: "polaris-controller",
      })
        .map((i) => ({ ...i, port: 9090 }));
      await client.createInstances(foreign);
      const listed = await client.listInstances({ namespace: ns, service: "web" });
      assert.equal(listed.length, 253);
      assert.equal(new Set(listed.map((i) => i.id)).size, 253);
      const first = listed.find((i) => i.host === "10.0.0.1" && i.port === 8080);
      assert.match(first?.revision ?? "", /^[0-9a-f]{32}$/, "every write gets a revision");
      assert.deepEqual(first && { ...first, id: "", revision: "" }, {
        id: "",
        revision: "",
        namespace: ns,
        service: "web",
        host: "10.0.0.1",
        port: 8080,
        protocol: "http/TCP",
        version: "",
        weight: 100,
        healthy: true,
        isolate: false,
        enableHealthCheck: false,
        vpcId: "",
        metadata: { ...owner, k8s_namespace: ns },
      });
      const owned = await client.listOwnedInstances(owner);
      assert.equal(owned.filter((i) => i.namespace === ns).length, 250);
      assert.ok(owned.every((i) => i.metadata.clusterName === "cluster-a"));
      // The sweep's question, over the same 3 pages: which services hold an instance of ours.
      const services = await client.listOwnedServices(owner);
      assert.deepEqual(services.filter((s) => s.namespace === ns), [{
        namespace: ns,
        service: "web",
      }]);
      assert.deepEqual(await client.listOwnedServices({ ...owner, clusterName: "nobody" }), []);
      // polaris-controller's older marker counts; another registrar's same clusterName does not.
      await client.createInstances([
        {
          namespace: ns,
          service: "legacy",
          host: "10.0.9.1",
          port: 80,
          metadata: { clusterName: owner.clusterName, platform: owner.source },
        },
        {
          namespace: ns,
          service: "theirs",
          host: "10.0.9.2",
          port: 80,
          metadata: { clusterName: owner.clusterName, source: "someone-else" },
        },
      ]);
      assert.deepEqual(
        (await client.listOwnedServices(owner)).filter((s) => s.namespace === ns)
          .map((s) => s.service).sort(),
        ["legacy", "web"],
      );
      const byHost = await client.listInstances({ namespace: ns, host: "10.0.0.1" });
      assert.deepEqual(byHost.map((i) => i.port).sort(), [8080, 9090]);

      const update = await client.updateInstances([
        { ...mine[0], weight: 5, isolate: true },
        mine[1],
        { ...mine[2], host: "10.99.99.99" },
      ]);
      assert.deepEqual(codes(update), ["ok:200000", "ok:200002", "fail:400303:final"]);
      const edited = await client.listInstances({ namespace: ns, host: mine[0].host });
      assert.deepEqual(edited.filter((i) => i.port === 8080).map((i) => [i.weight, i.isolate]), [[
        5,
        true,
      ]]);

      const deleted = await client.deleteInstances([...mine.slice(0, 150), {
        ...mine[0],
        host: "10.99.99.99",
      }]);
      assert.equal(deleted.length, 151);
      assert.ok(deleted.every((r) => r.ok), "deleting a missing instance is success");
      assert.equal((await client.listInstances({ namespace: ns, service: "web" })).length, 103);
    },
  },
  {
    name:
      "createInstances() is an upsert that keeps isolate when omitted, and accepts duplicates in input",
    async run(ctx) {
      const ns = ctx.namespace("upsert");
      const client = ctx.client();
      await client.createNamespaces([{ name: ns }]);
      const [one] = instances(ns, "web", 1);
      await client.createInstances([{ ...one, isolate: true }]);
      const { isolate: _isolate, ...withoutIsolate } = one;
      const twice = await client.createInstances([{ ...withoutIsolate, weight: 7 }, {
        ...withoutIsolate,
        weight: 9,
      }]);
      assert.deepEqual(codes(twice), ["ok:200000", "ok:200000"]);
      const [stored] = await client.listInstances({ namespace: ns, service: "web" });
      assert.equal(stored.isolate, true);
      assert.equal(stored.weight, 9, "duplicates are applied in input order");
    },
  },
  {
    name:
      "createInstances() judges a batch with an invalid item item by item, whichever way the server validates",
    async run(ctx) {
      const ns = ctx.namespace("mixed");
      const client = ctx.client();
      await client.createNamespaces([{ name: ns }]);
      const good = instances(ns, "web", 2);
      const bad = { ...good[0], host: "10.1.1.1", port: 70000 };
      const results = await client.createInstances([good[0], bad, good[1]]);
      assert.equal(results[1].code, 400132);
      assert.equal(!results[1].ok && results[1].retryable, false);
      // v1.18.1 applies the valid items; HEAD rejects the whole batch and lists only the bad one.
      for (const result of [results[0], results[2]]) {
        assert.ok(
          result.ok || (result.code === undefined && result.retryable),
          JSON.stringify(result),
        );
      }
      const retry = good.filter((_, i) => !results[i === 0 ? 0 : 2].ok);
      assert.ok((await client.createInstances(retry)).every((r) => r.ok));
      assert.equal((await client.listInstances({ namespace: ns, service: "web" })).length, 2);
    },
  },
  {
    name:
      "createInstances() reports an instance of a missing namespace per item when auto-create is off, or creates it",
    async run(ctx) {
      const ns = ctx.namespace("auto");
      const client = ctx.client();
      const [one] = instances(ns, "web", 1);
      const [result] = await client.createInstances([one]);
      // Shipped config auto-creates namespaces; without it the server answers 400305.
      assert.ok(result.ok || result.code === 400305, JSON.stringify(result));
      if (result.ok) assert.equal((await client.listServices({ namespace: ns })).length, 1);
    },
  },
  {
    name: "write methods send nothing and return nothing for no items",
    async run(ctx) {
      const client = ctx.client();
      assert.deepEqual(await client.createInstances([]), []);
      assert.deepEqual(await client.deleteInstances([]), []);
      assert.deepEqual(await client.createServices([]), []);
      assert.deepEqual(await client.deleteAliases([]), []);
    },
  },
  {
    name: "a client without a token is refused with 401001: reads reject, writes report every item",
    needsToken: true,
    async run(ctx) {
      const ns = ctx.namespace("auth");
      for (const token of [undefined, "wrong-token"]) {
        const client = ctx.client({ token });
        await assert.rejects(client.listInstances({ namespace: ns }), (error) => {
          assert.ok(error instanceof PolarisRequestError);
          assert.equal(error.code, 401001);
          assert.equal(error.status, 401);
          assert.equal(error.retryable, false);
          assert.equal(error.attempts, 1);
          return true;
        });
        await assert.rejects(client.listOwnedInstances(owner), PolarisRequestError);
        await assert.rejects(client.listOwnedServices(owner), PolarisRequestError);
        const written = await client.createInstances(instances(ns, "web", 3));
        assert.deepEqual(codes(written), Array(3).fill("fail:401001:final"));
        const alias = await client.createAlias({
          alias: "a",
          aliasNamespace: ns,
          service: "s",
          namespace: ns,
        });
        assert.equal(alias.code, 401001);
      }
    },
  },
];
