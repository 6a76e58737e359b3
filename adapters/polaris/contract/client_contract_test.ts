/**
 * The Polaris client against the emulator over real HTTP on loopback: every shared contract case
 * (see `_suite.ts`), under both ways the emulator validates batches (HEAD whole-batch, v1.18.1
 * per-item), with and without a token.
 */
import { startPolarisEmulator, type ValidationMode } from "../../../emulator/mod.ts";
import { contractCases, withContext } from "./_suite.ts";

const TOKEN = "contract-token";

for (const validation of ["whole-batch", "per-item"] as const satisfies readonly ValidationMode[]) {
  for (const testCase of contractCases) {
    Deno.test(`PolarisClient vs emulator (${validation}): ${testCase.name}`, async () => {
      const emulator = await startPolarisEmulator({ validation, token: TOKEN });
      try {
        await withContext(emulator.url, TOKEN, testCase.run);
      } finally {
        await emulator.stop();
      }
    });
  }
}
