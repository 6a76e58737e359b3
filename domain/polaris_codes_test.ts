import assert from "node:assert/strict";
import { PolarisCode } from "./polaris_codes.ts";

Deno.test("PolarisCode names each code once, and each is six digits with a valid HTTP status", () => {
  const values = Object.values(PolarisCode);
  assert.deepStrictEqual(new Set(values).size, values.length, "no code has two names");
  for (const [name, code] of Object.entries(PolarisCode)) {
    const status = Math.floor(code / 1000);
    assert.deepStrictEqual(
      code >= 200000 && code < 600000 && status >= 200,
      true,
      `${name}: ${code}`,
    );
  }
  assert.deepStrictEqual(PolarisCode.NotFoundServiceAlias, 400304);
  assert.deepStrictEqual(PolarisCode.APIRateLimit, 403003);
});
