/**
 * Optional tier: the shared contract cases (`_suite.ts`) against a real Polaris server, when
 * `POLARIS_TEST_URL` is set (e.g. `http://127.0.0.1:8090`), with `POLARIS_TEST_TOKEN` when its
 * console auth is on (reference §4: the default admin token works on a default install). Each
 * case works in fresh `ct-<run>-*` namespaces and deletes them afterwards. Without the variable
 * every test is listed as ignored with a name that says why.
 */
import { contractCases, withContext } from "./_suite.ts";

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: treat as unset
  }
}

const url = readEnv("POLARIS_TEST_URL");
const token = readEnv("POLARIS_TEST_TOKEN");

for (const testCase of contractCases) {
  const skip = url === undefined
    ? "skipped: POLARIS_TEST_URL is not set"
    : testCase.needsToken && token === undefined
    ? "skipped: POLARIS_TEST_TOKEN is not set"
    : undefined;
  Deno.test({
    name: `PolarisClient vs real Polaris${skip ? ` (${skip})` : ` at ${url}`}: ${testCase.name}`,
    ignore: skip !== undefined,
    async fn() {
      await withContext(url!, token, testCase.run);
    },
  });
}
