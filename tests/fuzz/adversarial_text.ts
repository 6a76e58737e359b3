/**
 * Strings that users, templating tools and broken servers write where a name, a number or a flag
 * is expected: every Unicode plane and lone surrogates, JSON and YAML look-alikes, numbers out of
 * range, whitespace around good values, look-alike digits and letters, and huge values. Shared by
 * the fuzz properties (`*_fuzz_test.ts`).
 *
 * @module
 */

import fc from "fast-check";

/** Values that look right to a reader and are not (case, spacing, look-alike characters). */
export const LOOK_ALIKES: readonly string[] = [
  "",
  " ",
  "\t",
  "\n",
  "True",
  "TRUE",
  " true",
  "true ",
  "false\n",
  "yes",
  "no",
  "on",
  "1",
  "0",
  "null",
  "undefined",
  "NaN",
  "\u0000",
  "\u200btrue", // zero-width space
  "ｔｒｕｅ", // full-width letters
  "５０", // full-width digits
  "٥٠", // Arabic-Indic digits
  "\uFEFF50", // byte order mark
  "+50",
  "-0",
  "50.0",
  "1e3",
  "0x10",
  "0b1",
  "65536",
  "-1",
  "99999999999999999999999999",
  "Infinity",
  "__proto__",
  "constructor",
  "toString",
  '{"a":"b"}',
  "[]",
  "{}",
  '"true"',
];

/** Whole numbers around the edges of the ranges the controller checks, as text. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -70_000, max: 70_000 }).map(String),
  fc.constantFrom(0, 1, 100, 65_534, 65_535, 65_536, 2 ** 31, 2 ** 32, 2 ** 53).map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
  fc.tuple(fc.nat(6), fc.nat(70_000)).map(([zeros, n]) => `${"0".repeat(zeros)}${n}`),
);

/** A short string surrounded by the whitespace that YAML and templates leave behind. */
function padded(inner: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const space = fc.constantFrom("", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000");
  return fc.tuple(space, inner, space).map(([a, s, b]) => `${a}${s}${b}`);
}

/** A value of `repeat` × a short string: 1 KB to 300 KB, past every limit the controller has. */
export const hugeText: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 4, unit: "grapheme" }),
    fc.integer({ min: 300, max: 75_000 }),
  )
  .map(([unit, times]) => unit.repeat(times));

/**
 * Any adversarial string: the look-alikes above, numbers as text, JSON, ASCII, full Unicode
 * (graphemes and raw UTF-16 units, lone surrogates included), padded versions of all of these,
 * and, rarely, a huge one.
 */
export const adversarialText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...LOOK_ALIKES), weight: 4 },
  { arbitrary: numberText, weight: 3 },
  { arbitrary: fc.json({ maxDepth: 2 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20, unit: "grapheme" }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20, unit: "binary" }), weight: 2 },
  { arbitrary: padded(fc.constantFrom("true", "false", "50", "shop", '{"a":"b"}')), weight: 2 },
  { arbitrary: hugeText, weight: 1 },
);
