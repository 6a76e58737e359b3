/**
 * The real Polaris server's config on the MySQL store: the project's `polaris-server.yaml` with
 * its `store` section (boltdb) replaced by `defaultStore` pointing at a {@linkcode MariaDb}. The
 * option names are v1.18.1's (`store/mysql/default.go` `parseStoreConfig`: `master.dbType`,
 * `dbName`, `dbUser`, `dbPwd`, `dbAddr`, `maxOpenConns`, `maxIdleConns`, `connMaxLifetime`,
 * `txIsolationLevel`), with the values of the shipped `release/conf/polaris-server.yaml`.
 *
 * @module
 */

import type { MariaDb } from "./mariadb.ts";

const BOLTDB_STORE =
  "store:\n  name: boltdbStore\n  option:\n    path: ${POLARIS_TEST_STORE_PATH}\n";

/** Returns `boltdbConfig` (the text of `polaris-server.yaml`) with the store set to `db`. */
export function mysqlServerConfig(
  boltdbConfig: string,
  db: Pick<MariaDb, "addr" | "user" | "password" | "database">,
): string {
  if (!boltdbConfig.includes(BOLTDB_STORE)) {
    throw new Error(
      "Cannot write the MySQL config: polaris-server.yaml has no boltdb store section",
    );
  }
  const store = [
    "store:",
    "  name: defaultStore",
    "  option:",
    "    master:",
    "      dbType: mysql",
    `      dbName: ${db.database}`,
    `      dbUser: ${db.user}`,
    `      dbPwd: ${db.password}`,
    `      dbAddr: ${db.addr}`,
    "      maxOpenConns: 300",
    "      maxIdleConns: 50",
    "      connMaxLifetime: 300",
    "      txIsolationLevel: 2",
    "",
  ].join("\n");
  return boltdbConfig.replace(BOLTDB_STORE, store);
}

/** The text of the project's `polaris-server.yaml` (boltdb). */
export function boltdbServerConfig(): string {
  return Deno.readTextFileSync(new URL("polaris-server.yaml", import.meta.url));
}
