import { equal, throws } from "node:assert/strict";
import { TokenBucket } from "./token_bucket.ts";

Deno.test("TokenBucket.take() allows a burst, then one token per refill interval", () => {
  let now = 1_000;
  const bucket = new TokenBucket({ burst: 3, perSecond: 2, now: () => now });
  equal(
    [bucket.take(), bucket.take(), bucket.take(), bucket.take()].join(),
    "true,true,true,false",
  );
  now += 499;
  equal(bucket.take(), false);
  now += 1;
  equal(bucket.take(), true);
  equal(bucket.take(), false);
});

Deno.test("TokenBucket.take() never holds more than the burst after a long pause", () => {
  let now = 0;
  const bucket = new TokenBucket({ burst: 2, perSecond: 10, now: () => now });
  now += 60_000;
  equal([bucket.take(), bucket.take(), bucket.take()].join(), "true,true,false");
});

Deno.test("TokenBucket rejects a burst below one", () => {
  throws(() => new TokenBucket({ burst: 0, perSecond: 1 }), RangeError);
});
