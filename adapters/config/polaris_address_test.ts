import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { normalizePolarisAddress } from "./polaris_address.ts";

Deno.test("normalizePolarisAddress() turns every accepted form into one base URL", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["polaris.polaris-system", "http://polaris.polaris-system:8090"],
    [
      "polaris.polaris-system.svc.cluster.local.",
      "http://polaris.polaris-system.svc.cluster.local:8090",
    ],
    ["Polaris:18090", "http://polaris:18090"],
    ["10.0.0.5", "http://10.0.0.5:8090"],
    ["10.0.0.5:8080", "http://10.0.0.5:8080"],
    ["[fd00::1]", "http://[fd00::1]:8090"],
    ["[fd00::1]:9000", "http://[fd00::1]:9000"],
    ["http://polaris", "http://polaris:8090"],
    ["https://polaris.example.com", "https://polaris.example.com:8090"],
    ["https://polaris.example.com:443/", "https://polaris.example.com:443"],
    ["HTTP://polaris:80/api/polaris/", "http://polaris:80/api/polaris"],
    ["http://[::1]:8090", "http://[::1]:8090"],
    ["  polaris  ", "http://polaris:8090"],
  ];
  for (const [input, url] of cases) {
    assertEquals([input, normalizePolarisAddress(input)], [input, { ok: true, url }]);
  }
});

Deno.test("normalizePolarisAddress() refuses what is not a Polaris address", () => {
  const bad = [
    "",
    "   ",
    "ftp://polaris",
    "grpc://polaris:8091",
    "polaris:0",
    "polaris:65536",
    "polaris:http",
    "polaris:",
    "fd00::1",
    "[fd00::1",
    "[not-ipv6]:80",
    "polaris/api",
    "http://polaris?x=1",
    "http://user:pw@polaris",
    "http://polaris#top",
    "http://",
    "http://polaris/a//b",
    "http://polaris/../x",
    "http://polaris/a b",
    "pol aris",
    "-polaris",
    "300.1.1.1",
  ];
  for (const input of bad) {
    const result = normalizePolarisAddress(input);
    assertEquals([input, result.ok], [input, false]);
  }
});
