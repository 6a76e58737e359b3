import { assertEquals } from "./_assert.ts";
import { PolarisCode } from "./polaris_codes.ts";

Deno.test("PolarisCode names each code once, and each is six digits with a valid HTTP status", () => {
  const values = Object.values(PolarisCode);
  assertEquals(new Set(values).size, values.length, "no code has two names");
  for (const [name, code] of Object.entries(PolarisCode)) {
    const status = Math.floor(code / 1000);
    assertEquals(code >= 200000 && code < 600000 && status >= 200, true, `${name}: ${code}`);
  }
  assertEquals(PolarisCode.NotFoundServiceAlias, 400304);
  assertEquals(PolarisCode.APIRateLimit, 403003);
});
