import assert from "node:assert/strict";
import { boltdbServerConfig, mysqlServerConfig } from "./polaris_mysql_config.ts";

const db = { addr: "127.0.0.1:3307", user: "u", password: "p", database: "polaris_server" };

Deno.test("mysqlServerConfig replaces the boltdb store with defaultStore and keeps the rest", () => {
  const base = boltdbServerConfig();
  const text = mysqlServerConfig(base, db);
  assert.ok(!text.includes("boltdbStore"));
  assert.match(text, /name: defaultStore\n {2}option:\n {4}master:\n {6}dbType: mysql\n/);
  assert.match(text, /dbAddr: 127\.0\.0\.1:3307\n/);
  assert.equal(text.split("\nstore:")[0], base.split("\nstore:")[0]);
});

Deno.test("mysqlServerConfig refuses a config without the boltdb store section", () => {
  assert.throws(() => mysqlServerConfig("store:\n  name: other\n", db), /no boltdb store/);
});
