/**
 * The shared contract cases (`_suite.ts`) against a real PolarisMesh server v1.18.1 on every run:
 * the server is built by `tests/deps/build-go-deps.sh` and started here by
 * `tests/polaris/polaris_server.ts` with its console auth on. `POLARIS_TEST_URL` (and
 * `POLARIS_TEST_TOKEN`) point the same cases at another server instead, e.g. one with the MySQL
 * store. Each case works in fresh `ct-<run>-*` namespaces and deletes them afterwards.
 */
import { contractCases, withContext } from "./_suite.ts";
import { startPolarisServer } from "../../../tests/polaris/polaris_server.ts";

const external = Deno.env.get("POLARIS_TEST_URL") || undefined;
const server = external ? undefined : await startPolarisServer();
const url = external ?? server!.url;
const token = external ? Deno.env.get("POLARIS_TEST_TOKEN") || undefined : server!.token;

for (const [i, testCase] of contractCases.entries()) {
  Deno.test({
    name: `PolarisClient vs real Polaris: ${testCase.name}`,
    ignore: testCase.needsToken === true && token === undefined,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      try {
        await withContext(url, token, testCase.run);
      } finally {
        if (i === contractCases.length - 1) await server?.stop();
      }
    },
  });
}
