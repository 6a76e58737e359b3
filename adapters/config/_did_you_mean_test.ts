import assert from "node:assert/strict";
import { closestKey } from "./_did_you_mean.ts";

const KEYS = ["mode", "debounce", "resyncPeriod", "batchSize", "concurrency", "backoffBase"];

const ROWS: ReadonlyArray<{ name: string; key: string; expect: string | undefined }> = [
  { name: "one letter replaced", key: "debounse", expect: "debounce" },
  { name: "one letter missing", key: "debounc", expect: "debounce" },
  { name: "two neighbours swapped", key: "concurrnecy", expect: "concurrency" },
  { name: "another case", key: "batchsize", expect: "batchSize" },
  { name: "two edits in a long key", key: "resyncPerod2", expect: "resyncPeriod" },
  { name: "a short key one edit away", key: "mod", expect: "mode" },
  { name: "a short key two edits away", key: "md", expect: undefined },
  { name: "an unrelated key", key: "sidecarInject", expect: undefined },
  { name: "a known key", key: "mode", expect: undefined },
];

for (const row of ROWS) {
  Deno.test(`closestKey() finds ${row.expect ?? "nothing"} for ${row.name}`, () => {
    assert.equal(closestKey(row.key, KEYS), row.expect);
  });
}
