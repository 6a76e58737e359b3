import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { isLoopbackHostname, parseListenAddress } from "./listen_address.ts";

Deno.test("parseListenAddress() reads host:port, [ipv6]:port and :port", () => {
  const cases: ReadonlyArray<readonly [string, string, number]> = [
    ["127.0.0.1:9090", "127.0.0.1", 9090],
    ["0.0.0.0:9090", "0.0.0.0", 9090],
    [":9090", "0.0.0.0", 9090],
    ["localhost:0", "localhost", 0],
    ["[::1]:9090", "::1", 9090],
    ["[::]:80", "::", 80],
  ];
  for (const [input, hostname, port] of cases) {
    assertEquals([input, parseListenAddress(input)], [input, {
      ok: true,
      address: { hostname, port },
    }]);
  }
});

Deno.test("parseListenAddress() refuses addresses without a valid port or host", () => {
  const bad = [
    "",
    "9090",
    "127.0.0.1",
    "127.0.0.1:",
    "127.0.0.1:99999",
    "::1:9090",
    "[::1]",
    "a b:1",
    ":x",
  ];
  for (const input of bad) assertEquals([input, parseListenAddress(input).ok], [input, false]);
});

Deno.test("isLoopbackHostname() is true for loopback addresses only", () => {
  const loopback = ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"];
  const other = [
    "0.0.0.0",
    "::",
    "",
    "10.0.0.1",
    "128.0.0.1",
    "127.0.0.1.nip.io",
    "::ffff:10.0.0.1",
  ];
  assertEquals(loopback.filter((host) => !isLoopbackHostname(host)), []);
  assertEquals(other.filter(isLoopbackHostname), []);
  assertEquals(isLoopbackHostname("::ffff:127.0.0.1"), true);
});
