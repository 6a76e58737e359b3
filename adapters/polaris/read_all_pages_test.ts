import assert from "node:assert/strict";
import { type ListPage, readAllPages, UnstableListError } from "./read_all_pages.ts";

/** A paged list over `data()`, recording the offsets asked for. */
function pager(data: (call: number) => readonly string[]) {
  const offsets: number[] = [];
  let call = 0;
  const fetchPage = (offset: number, limit: number): Promise<ListPage<string>> => {
    offsets.push(offset);
    const rows = data(call++);
    return Promise.resolve({ amount: rows.length, rows: rows.slice(offset, offset + limit) });
  };
  return { fetchPage, offsets };
}

const options = { idOf: (row: string) => row, limit: 100, maxRestarts: 3 };
const range = (n: number, prefix = "r") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

Deno.test("readAllPages() reads pages until offset reaches amount", async () => {
  const { fetchPage, offsets } = pager(() => range(250));
  const rows = await readAllPages(fetchPage, options);
  assert.deepEqual(rows, range(250));
  assert.deepEqual(offsets, [0, 100, 200]);
});

Deno.test("readAllPages() makes one call for an empty list", async () => {
  const { fetchPage, offsets } = pager(() => []);
  assert.deepEqual(await readAllPages(fetchPage, options), []);
  assert.deepEqual(offsets, [0]);
});

Deno.test("readAllPages() walks by the rows received when the server caps the page lower", async () => {
  const data = range(120);
  const rows = await readAllPages(
    (offset) => Promise.resolve({ amount: 120, rows: data.slice(offset, offset + 50) }),
    options,
  );
  assert.equal(rows.length, 120);
});

Deno.test("readAllPages() starts over when amount changes between pages", async () => {
  // First pass: 150 rows, then an insert before page 2; second pass sees 151 throughout.
  const { fetchPage, offsets } = pager((call) => (call === 0 ? range(150) : range(151)));
  const rows = await readAllPages(fetchPage, options);
  assert.equal(rows.length, 151);
  assert.deepEqual(offsets, [0, 100, 0, 100]);
});

Deno.test("readAllPages() starts over when a shift repeats a row under a stable amount", async () => {
  // Between pages one row is written at the front (HEAD sorts by mtime, newest first) and one
  // deleted at the back: amount stays 150, page 2 repeats r99 and would miss r149.
  const before = range(150);
  const after = ["new", ...range(149)];
  let call = 0;
  const offsets: number[] = [];
  const fetchPage = (offset: number, limit: number) => {
    offsets.push(offset);
    const data = call++ === 0 ? before : after;
    return Promise.resolve({ amount: data.length, rows: data.slice(offset, offset + limit) });
  };
  const rows = await readAllPages(fetchPage, options);
  assert.deepEqual(rows, after);
  assert.deepEqual(offsets, [0, 100, 0, 100]);
});

Deno.test("readAllPages() rejects rather than return a partial list when data never settles", async () => {
  const { fetchPage } = pager((call) => range(150 + call));
  await assert.rejects(readAllPages(fetchPage, options), (error) => {
    assert.ok(error instanceof UnstableListError);
    assert.equal(error.passes, 4);
    assert.match(error.message, /total changed/);
    return true;
  });
});

Deno.test("readAllPages() restarts on an empty page before amount is reached", async () => {
  let call = 0;
  const fetchPage = (offset: number) => {
    call++;
    if (call === 2) return Promise.resolve({ amount: 150, rows: [] });
    return Promise.resolve({ amount: 150, rows: range(150).slice(offset, offset + 100) });
  };
  assert.equal((await readAllPages(fetchPage, options)).length, 150);
  assert.equal(call, 4);
});

Deno.test("readAllPages() passes fetch errors through untouched", async () => {
  const failure = new Error("boom");
  await assert.rejects(readAllPages(() => Promise.reject(failure), options), (e) => e === failure);
});

Deno.test("readAllPages() with concurrency asks for pages 2..n together, within the bound", async () => {
  const data = range(1050);
  const offsets: number[] = [];
  let inFlight = 0;
  let most = 0;
  const fetchPage = async (offset: number, limit: number): Promise<ListPage<string>> => {
    offsets.push(offset);
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    return { amount: data.length, rows: data.slice(offset, offset + limit) };
  };
  const rows = await readAllPages(fetchPage, { ...options, concurrency: 3 });
  assert.deepEqual(rows, data);
  assert.deepEqual([...offsets].sort((a, b) => a - b), range(11).map((_, i) => i * 100));
  assert.equal(offsets[0], 0, "page 1 first: it gives the total");
  assert.equal(most, 3);
});

Deno.test("readAllPages() with concurrency starts over when the total moves on a later page", async () => {
  let call = 0;
  const offsets: number[] = [];
  const fetchPage = (offset: number, limit: number): Promise<ListPage<string>> => {
    offsets.push(offset);
    // Call 3 (a page of the first pass) sees one more row; the second pass is stable.
    const data = call++ === 2 ? range(301) : range(300);
    return Promise.resolve({ amount: data.length, rows: data.slice(offset, offset + limit) });
  };
  const rows = await readAllPages(fetchPage, { ...options, concurrency: 4 });
  assert.deepEqual(rows, range(300));
  assert.equal(offsets.length, 6, "two passes of three pages");
});

Deno.test("readAllPages() with concurrency spaces offsets by page 1's size and catches a short page", async () => {
  const data = range(120);
  const offsets: number[] = [];
  // The server caps pages at 50 rows, but answers only 10 at offset 50: 20 rows would be missed.
  const fetchPage = (offset: number): Promise<ListPage<string>> => {
    offsets.push(offset);
    const size = offset === 50 && offsets.length <= 3 ? 10 : 50;
    return Promise.resolve({ amount: 120, rows: data.slice(offset, offset + size) });
  };
  const rows = await readAllPages(fetchPage, { ...options, concurrency: 4 });
  assert.deepEqual(rows, data);
  assert.deepEqual(offsets, [0, 50, 100, 0, 50, 100]);
});

Deno.test("readAllPages() with concurrency rejects with the first page error", async () => {
  const data = range(2000);
  const offsets: number[] = [];
  const fetchPage = (offset: number, limit: number): Promise<ListPage<string>> => {
    offsets.push(offset);
    return offset === 200
      ? Promise.reject(new Error("Polaris answered 500"))
      : Promise.resolve({ amount: data.length, rows: data.slice(offset, offset + limit) });
  };
  await assert.rejects(
    readAllPages(fetchPage, { ...options, concurrency: 2 }),
    /Polaris answered 500/,
  );
  assert.ok(offsets.length <= 4, `no page asked for after the failure: ${offsets}`);
});

// Found by adapters/polaris/answers_fuzz_test.ts ("total in the billions"): 120 rows under a total
// of 2^31, read 4 pages at a time, allocated an offset and a promise per claimed page (21M at 100
// rows a page) before the first request, and ran out of memory.
Deno.test("readAllPages() with concurrency rejects a made-up total after a few pages, not one per page it claims", async () => {
  const data = range(120);
  let calls = 0;
  const fetchPage = (offset: number, limit: number): Promise<ListPage<string>> => {
    calls++;
    return Promise.resolve({ amount: 2 ** 31, rows: data.slice(offset, offset + limit) });
  };
  await assert.rejects(readAllPages(fetchPage, { ...options, concurrency: 4 }), (error) => {
    assert.ok(error instanceof UnstableListError);
    assert.match(error.message, /an empty page came at offset \d+ of 2147483648/);
    return true;
  });
  // Per pass: page 1, the 4 in flight, and one more each as the good ones end.
  assert.ok(calls <= 4 * (1 + 2 * 4), `${calls} requests for 4 passes`);
});

// Found by adapters/polaris/answers_fuzz_test.ts ("offset ignored"): a server that answers page 1
// to every offset was paged through to its total: 419,432 requests for a total of 2^20 in pages
// of 10, before the distinct count said the pass was wrong.
Deno.test("readAllPages() loses a pass at the first page that repeats only rows already read", async () => {
  const data = range(10);
  let calls = 0;
  const fetchPage = (): Promise<ListPage<string>> => {
    calls++;
    return Promise.resolve({ amount: 2 ** 20, rows: data });
  };
  for (const concurrency of [1, 4]) {
    calls = 0;
    await assert.rejects(
      readAllPages(fetchPage, { ...options, concurrency }),
      /the page at offset 10 repeated rows already read on each of 4 passes/,
    );
    assert.ok(calls <= 4 * (1 + 2 * concurrency), `${calls} requests at ${concurrency} at a time`);
  }
});

Deno.test("readAllPages() reads a listing that reorders on every request (ties under an unstable sort) whole, over several passes", async () => {
  // v1.18.1 on MySQL: 1,000 rows written within one second come in a fresh order per request.
  const data = range(1000);
  let seed = 7;
  const random = () => { // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let calls = 0;
  const fetchPage = (offset: number, limit: number): Promise<ListPage<string>> => {
    calls++;
    const shuffled = [...data];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    return Promise.resolve({ amount: data.length, rows: shuffled.slice(offset, offset + limit) });
  };
  const rows = await readAllPages(fetchPage, options);
  assert.deepEqual([...rows].sort(), [...data].sort());
  assert.ok(calls <= 24 * 10, `${calls} requests`);
});

Deno.test("readAllPages() does not merge torn passes across a changed total", async () => {
  // Each pass is torn (page 2 misses the last row) and the total grows by one every pass, so the
  // rows of two passes would add up to the later total: they must not be merged.
  let call = 0;
  const fetchPage = (offset: number, limit: number): Promise<ListPage<string>> => {
    const pass = Math.floor(call++ / 2);
    const data = range(150 + pass);
    const rows = data.slice(offset, offset + limit);
    return Promise.resolve({ amount: data.length, rows: offset === 0 ? rows : rows.slice(0, -1) });
  };
  await assert.rejects(readAllPages(fetchPage, options), UnstableListError);
});
