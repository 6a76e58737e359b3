import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MemorySampler } from "./memory_sampler.ts";

Deno.test("MemorySampler keeps peaks overall and per phase", () => {
  const readings = [100, 300, 200, 50];
  let i = 0;
  const sampler = new MemorySampler(() => {
    const v = readings[Math.min(i++, readings.length - 1)];
    return { rss: v, heapUsed: v / 2, heapTotal: v, external: 0 };
  });
  sampler.sample(); // 100 in "start"
  sampler.enter("a"); // 300 in "start", 200 in "a"
  sampler.sample(); // 50 in "a"
  assertEquals(sampler.overall().rssBytes, 300);
  assertEquals(sampler.phases().start.rssBytes, 300);
  assertEquals(sampler.phases().a.rssBytes, 200);
  assertEquals(sampler.phases().a.heapUsedBytes, 100);
  assertEquals(sampler.phases().a.samples, 2);
});
