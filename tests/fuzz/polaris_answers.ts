/**
 * Polaris list answers for the fuzz properties, good and bad: a scenario is what a server answers
 * to every page request of one list, and the outcome a correct client must come to (the rows, a
 * `PolarisProtocolError` or a `PolarisRequestError`). The bad ones are what broken servers,
 * proxies and version differences send: bodies that are not JSON, JSON without a code, codes other
 * than success, pages of the wrong shape, rows with wrong types or missing fields, totals that do
 * not add up, totals far beyond anything real, oversized pages and HTTP errors.
 *
 * @module
 */

import fc from "fast-check";
import { adversarialText } from "./adversarial_text.ts";

/** One HTTP answer of the fake server. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/** The list a scenario answers for: the key of its rows in a page. */
export type ListKind = "instances" | "aliases";

/** What a correct client comes to on a scenario. */
export type Expected =
  /** Every row, once: the answers were valid (oversized pages included). */
  | { readonly kind: "rows"; readonly ids: readonly string[] }
  /** A `PolarisProtocolError` whose issues include `issue` when given. */
  | { readonly kind: "protocol"; readonly issue?: string }
  /** A `PolarisRequestError` that is not a protocol error; the message holds `mentions`. */
  | { readonly kind: "request"; readonly mentions?: string };

/** One list as a server answers it, page by page. */
export interface ListScenario {
  /** The fault, for the coverage counts of a long run. */
  readonly label: string;
  readonly list: ListKind;
  readonly expected: Expected;
  /**
   * Pages of rows the server really holds: what one pass of a correct client costs, and so what
   * bounds its requests, however large a total the server claims.
   */
  readonly pages: number;
  /** The answer to the page request at `offset` with `limit`. */
  answer(offset: number, limit: number): RawAnswer;
}

const SUCCESS = 200_000;

/** A row Polaris would list, with an id that is unique within its scenario (from `index`). */
function instanceRow(
  index: number,
  seed: { host: number; weight: number },
): Record<string, unknown> {
  return {
    id: `id-${index}`,
    namespace: "shop",
    service: "cart",
    vpc_id: "",
    host: `10.${(seed.host >> 8) & 255}.${seed.host & 255}.${index % 250}`,
    port: 8080 + (index % 7),
    protocol: "http/TCP",
    version: null,
    weight: seed.weight,
    healthy: true,
    isolate: false,
    enableHealthCheck: false,
    healthCheck: null,
    metadata: { clusterName: "other", source: "someone-else" },
    revision: `r${index}`,
    ctime: "2024-06-11 10:00:00",
    mtime: "2024-06-11 10:00:00",
  };
}

function aliasRow(index: number): Record<string, unknown> {
  return {
    id: `alias-${index}`,
    alias: `alias-${index}`,
    alias_namespace: "shared",
    service: "cart",
    namespace: "shop",
    comment: null,
    owners: "polaris",
    type: "DEFAULT",
  };
}

function rowsOf(list: ListKind, count: number, seed: { host: number; weight: number }) {
  return Array.from(
    { length: count },
    (_, i) => (list === "instances" ? instanceRow(i, seed) : aliasRow(i)),
  );
}

function page(list: ListKind, amount: unknown, rows: readonly unknown[], extra = {}) {
  return JSON.stringify({
    code: SUCCESS,
    info: "execute success",
    amount,
    size: rows.length,
    [list]: rows,
    ...extra,
  });
}

/** Serves `rows` by offset, `pageSize` at a time (the server's own cap), with this `amount`. */
function serve(
  list: ListKind,
  rows: readonly Record<string, unknown>[],
  pageSize: number,
  amount: number = rows.length,
) {
  // The server's own page size, whatever `limit` asked for: above 100 it is an oversized page.
  return (offset: number, _limit: number): RawAnswer => ({
    status: 200,
    body: page(list, amount, rows.slice(offset, offset + pageSize)),
  });
}

const rowSeed = fc.record({
  host: fc.nat(65_535),
  weight: fc.integer({ min: 0, max: 65_535 }),
});

/** Valid lists: 0 to 450 rows, in pages of 1 to 300 (over Polaris' cap of 100 included). */
function validList(list: ListKind): fc.Arbitrary<ListScenario> {
  return fc.record({
    count: fc.nat(450),
    pageSize: fc.integer({ min: 1, max: 300 }),
    seed: rowSeed,
  })
    .map(({ count, pageSize, seed }) => {
      const rows = rowsOf(list, count, seed);
      return {
        label: pageSize > 100 ? "valid, oversized pages" : "valid",
        list,
        pages: Math.max(1, Math.ceil(count / pageSize)),
        expected: { kind: "rows", ids: rows.map((r) => String(r.id)) },
        answer: serve(list, rows, pageSize),
      };
    });
}

/**
 * A list whose page number `badPage` (0 = the first) is replaced by `bad`; the pages before it
 * are valid, so the client has rows in hand when the bad one comes.
 */
function withBadPage(
  list: ListKind,
  label: string,
  expected: Expected,
  bad: fc.Arbitrary<RawAnswer>,
): fc.Arbitrary<ListScenario> {
  return fc.record({
    count: fc.integer({ min: 1, max: 350 }),
    pageSize: fc.integer({ min: 1, max: 150 }),
    badPage: fc.nat(3),
    seed: rowSeed,
    bad,
  }).map(({ count, pageSize, badPage, seed, bad }) => {
    const rows = rowsOf(list, count, seed);
    const pages = Math.ceil(count / pageSize);
    const target = Math.min(badPage, pages - 1) * pageSize;
    const good = serve(list, rows, pageSize);
    return {
      label,
      list,
      expected,
      pages,
      answer: (offset: number, limit: number) => (offset === target ? bad : good(offset, limit)),
    };
  });
}

/** Text that is not JSON: markup, plain text, and valid pages cut short. */
function notJson(list: ListKind): fc.Arbitrary<string> {
  const full = page(list, 1, rowsOf(list, 1, { host: 1, weight: 100 }));
  return fc.oneof(
    fc.constantFrom("", "<html><body>502 Bad Gateway</body></html>", "upstream connect error", "{"),
    fc.nat(full.length - 1).map((n) => full.slice(0, n)),
    fc.string({ minLength: 1, maxLength: 30 }).map((s) => `<${s}`),
  );
}

/** JSON that is not a Polaris envelope: no object, or no integer `code`. */
const notEnvelope: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("null", "[]", "0", '"ok"', "true", "{}", '{"info":"ok"}'),
  fc.oneof(
    fc.constant(String(SUCCESS)),
    fc.constant(null),
    fc.constant(200_000.5),
    fc.boolean(),
    fc.constant([SUCCESS]),
    fc.constant({ value: SUCCESS }),
  ).map((code) => JSON.stringify({ code, info: "execute success", amount: 0, instances: [] })),
  fc.json().filter((text) => {
    const value = JSON.parse(text);
    return typeof value !== "object" || value === null || Array.isArray(value) ||
      !Number.isInteger(value.code);
  }),
);

/** Codes other than success, as Polaris sends them (HTTP status = code / 1000) or not. */
const otherCode: fc.Arbitrary<{ code: number; status: number }> = fc.oneof(
  fc.constantFrom(
    200_001,
    200_002,
    400_000,
    400_001,
    400_103,
    400_104,
    400_105,
    400_202,
    401_001,
    403_001,
    403_003,
    404_000,
    409_000,
    429_001,
    500_000,
    500_001,
  ).map((code) => ({ code, status: Math.floor(code / 1000) })),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((c) => c !== SUCCESS)
    .map((code) => ({ code, status: 200 })),
);

/** A page envelope of the wrong shape: `amount` or the rows missing or of the wrong type. */
function badEnvelope(list: ListKind): fc.Arbitrary<{ body: string; issue: string }> {
  const rows = rowsOf(list, 1, { host: 1, weight: 100 });
  const badAmount = fc.constantFrom(
    undefined,
    null,
    "1",
    -1,
    1.5,
    true,
    [1],
    2 ** 32,
    2 ** 53,
    1e300,
  );
  const badRows = fc.constantFrom("rows", 5, true, {}, { 0: rows[0] }, [1], ["x"], [null]);
  return fc.oneof(
    badAmount.map((amount) => ({
      body: JSON.stringify({ code: SUCCESS, info: "", size: 1, [list]: rows, amount }),
      issue: "amount",
    })),
    badRows.map((value) => ({
      body: JSON.stringify({ code: SUCCESS, info: "", amount: 1, size: 1, [list]: value }),
      issue: list,
    })),
  );
}

/** A row with one field removed or of a wrong type. */
function badRow(list: ListKind): fc.Arbitrary<{ row: Record<string, unknown>; field: string }> {
  const wrong: Record<string, readonly unknown[]> = list === "instances"
    ? {
      id: [undefined, null, "", 5, true],
      namespace: [undefined, null, 5],
      service: [undefined, null, 5, []],
      host: [undefined, null, 10, {}],
      port: [undefined, null, -1, 65_536, 80.5, "8080", 2 ** 53],
      weight: [1.5, "100", true, {}],
      healthy: ["true", 1, {}],
      isolate: ["false", 0],
      enableHealthCheck: ["no", 1],
      metadata: ["x", 5, [], { k: 5 }, { k: null }, { k: { v: "w" } }],
      protocol: [5, {}],
      version: [1.0, []],
      vpc_id: [0, false],
      revision: [5, {}],
    }
    : {
      alias: [undefined, null, 5],
      alias_namespace: [undefined, null, 5],
      service: [undefined, null, true],
      namespace: [undefined, null, 7],
      comment: [5, {}],
      owners: [5],
      id: [5],
    };
  const fields = Object.keys(wrong);
  return fc.constantFrom(...fields).chain((field) =>
    fc.record({
      field: fc.constant(field),
      value: fc.constantFrom(...wrong[field]),
      host: fc.nat(65_535),
    })
  ).map(({ field, value, host }) => {
    const row = list === "instances" ? instanceRow(0, { host, weight: 100 }) : aliasRow(0);
    if (value === undefined) delete row[field];
    else row[field] = value;
    return { row, field };
  });
}

/** The families of list answers, each an arbitrary of scenarios with their outcome. */
export function listFaults(list: ListKind): Readonly<Record<string, fc.Arbitrary<ListScenario>>> {
  const unstable: Expected = { kind: "request", mentions: "consistent" };
  return {
    "valid": validList(list),
    "not JSON": withBadPage(
      list,
      "not JSON",
      { kind: "protocol" },
      notJson(list).map((body) => ({ status: 200, body })),
    ),
    "JSON without a code": withBadPage(
      list,
      "JSON without a code",
      { kind: "protocol" },
      notEnvelope.map((body) => ({ status: 200, body })),
    ),
    "code other than success": otherCode.chain(({ code, status }) =>
      withBadPage(
        list,
        "code other than success",
        { kind: "request", mentions: String(code) },
        fc.constant({ status, body: JSON.stringify({ code, info: "no", amount: 0, size: 0 }) }),
      )
    ),
    "HTTP error": fc.record({
      status: fc.integer({ min: 400, max: 599 }),
      body: fc.oneof(notJson(list), fc.constant('{"message":"denied"}'), adversarialText),
    }).chain(({ status, body }) =>
      withBadPage(
        list,
        "HTTP error without a code",
        { kind: "request", mentions: String(status) },
        fc.constant({ status, body }),
      )
    ),
    "page of the wrong shape": badEnvelope(list).chain(({ body, issue }) =>
      withBadPage(
        list,
        "page of the wrong shape",
        { kind: "protocol", issue },
        fc.constant({ status: 200, body }),
      )
    ),
    "row of the wrong shape": badRow(list).chain(({ row, field }) =>
      withBadPage(
        list,
        `row with a bad ${field}`,
        { kind: "protocol", issue: `${list}.0.${field}` },
        fc.constant({ status: 200, body: page(list, 1, [row]) }),
      )
    ),
    "total off the rows": wrongTotal(list, unstable),
    "repeated rows": repeatedRows(list, unstable),
    "total in the billions": fc.record({
      amount: fc.constantFrom(2 ** 31, 2 ** 32 - 1),
      pageSize: fc.integer({ min: 1, max: 100 }),
      seed: rowSeed,
    }).map(({ amount, pageSize, seed }) => ({
      label: "total in the billions",
      list,
      pages: Math.ceil(120 / pageSize),
      expected: unstable,
      answer: serve(list, rowsOf(list, 120, seed), pageSize, amount),
    })),
    "offset ignored": fc.record({
      count: fc.integer({ min: 2, max: 300 }),
      amount: fc.oneof(fc.constant(undefined), fc.constantFrom(2 ** 20, 2 ** 32 - 1)),
      pageSize: fc.integer({ min: 1, max: 100 }),
      seed: rowSeed,
    }).filter(({ count, pageSize }) => pageSize < count).map(
      ({ count, amount, pageSize, seed }) => {
        // A proxy or server that drops the query: page 1, whatever the offset asked for.
        const first = serve(list, rowsOf(list, count, seed), pageSize, amount ?? count);
        return {
          label: "offset ignored",
          list,
          pages: 1,
          expected: unstable,
          answer: (_offset: number, limit: number) => first(0, limit),
        };
      },
    ),
  };
}

/** Totals above the rows held (pages run out) or below them. */
function wrongTotal(list: ListKind, unstable: Expected): fc.Arbitrary<ListScenario> {
  return fc.record({
    count: fc.integer({ min: 1, max: 300 }),
    pageSize: fc.integer({ min: 1, max: 150 }),
    off: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: -300, max: -1 })),
    seed: rowSeed,
  }).filter(({ count, off }) => count + off >= 0).map(({ count, pageSize, off, seed }) => {
    const rows = rowsOf(list, count, seed);
    const amount = count + off;
    // A total below the rows held is a lie the client can only see when a page runs past it;
    // when the pages end exactly at the total, the first `amount` rows are a valid list.
    const seen = Math.max(1, Math.ceil(amount / pageSize)) * pageSize; // page 1 is always read
    const expected: Expected = off < 0 && Math.min(seen, count) === amount
      ? { kind: "rows", ids: rows.slice(0, amount).map((r) => String(r.id)) }
      : unstable;
    return {
      label: off > 0 ? "total above the rows" : "total below the rows",
      list,
      pages: Math.ceil(count / pageSize),
      expected,
      answer: serve(list, rows, pageSize, amount),
    };
  });
}

/** Every row listed twice under one id: as many rows as the total, half of them distinct. */
function repeatedRows(list: ListKind, unstable: Expected): fc.Arbitrary<ListScenario> {
  return fc.record({
    count: fc.integer({ min: 2, max: 300 }),
    pageSize: fc.integer({ min: 1, max: 150 }),
    seed: rowSeed,
  }).map(({ count, pageSize, seed }) => {
    const rows = rowsOf(list, count, seed).map((row, i) =>
      list === "instances"
        ? { ...row, id: `id-${i >> 1}` }
        : { ...row, id: `alias-${i >> 1}`, alias: `alias-${i >> 1}` }
    );
    return {
      label: "repeated rows",
      list,
      pages: Math.ceil(count / pageSize),
      expected: unstable,
      answer: serve(list, rows, pageSize),
    };
  });
}
