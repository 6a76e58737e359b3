import assert from "node:assert/strict";
import {
  byMtimeThenIdDesc,
  pairLists,
  parseGoBool,
  readPaging,
  readQuery,
  wildMatch,
} from "./list_query.ts";

Deno.test("wildMatch() follows utils.IsWildMatch", () => {
  const rows: Array<[string, string, boolean]> = [
    ["*", "anything", true],
    ["abc*", "abcdef", true],
    ["abc*", "xabc", false],
    ["*abc", "xxabc", true],
    ["*abc", "abcx", false],
    ["*abc*", "xabcx", true],
    ["a*c", "abc", false],
    ["a*c", "a*c", true],
    ["ABC*", "abc", false],
  ];
  for (const [pattern, value, expect] of rows) {
    assert.equal(wildMatch(pattern, value), expect, `${pattern} ~ ${value}`);
  }
});

Deno.test("readQuery() comma-joins repeated keys", () => {
  const q = readQuery(new URLSearchParams("keys=a&keys=b&values=1,2"));
  assert.equal(q.get("keys"), "a,b");
  assert.equal(q.get("values"), "1,2");
});

Deno.test("readPaging() defaults to 0/100, caps at 100 and rejects bad values", () => {
  assert.deepEqual(readPaging(new Map()), { offset: 0, limit: 100 });
  assert.deepEqual(readPaging(new Map([["limit", "500"]])), { offset: 0, limit: 100 });
  assert.deepEqual(readPaging(new Map([["limit", "0"]])), { offset: 0, limit: 0 });
  assert.deepEqual(readPaging(new Map([["offset", "-1"]])), { code: 400103 });
  assert.deepEqual(readPaging(new Map([["limit", "ten"]])), { code: 400103 });
});

Deno.test("pairLists() pairs by position and refuses mismatches", () => {
  assert.deepEqual(pairLists(undefined, undefined), []);
  assert.deepEqual(pairLists("a,b", "1,2"), [["a", "1"], ["b", "2"]]);
  assert.equal(pairLists("a,b", "1"), undefined);
  assert.equal(pairLists("a", undefined), undefined);
});

Deno.test("parseGoBool() accepts what strconv.ParseBool accepts", () => {
  assert.equal(parseGoBool("True"), true);
  assert.equal(parseGoBool("0"), false);
  assert.equal(parseGoBool("yes"), undefined);
});

Deno.test("byMtimeThenIdDesc() orders newest first, then id descending", () => {
  const rows = [{ seq: 1, id: "b" }, { seq: 2, id: "a" }, { seq: 1, id: "c" }];
  assert.deepEqual(rows.sort(byMtimeThenIdDesc).map((r) => r.id), ["a", "c", "b"]);
});
