/**
 * A strict parser of the Prometheus text exposition format 0.0.4, so tests can prove that
 * `/metrics` is what a Prometheus server would ingest, not just text that looks right.
 *
 * @module
 */

/** Metric names of the text format. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label names of the text format (names starting with `__` are reserved for Prometheus). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Metric types the format declares with `# TYPE`. */
export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

/** One sample line. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampMs?: number;
}

/** One metric family: its HELP, TYPE and samples, in text order. */
export interface ParsedFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly samples: readonly ParsedSample[];
}

interface Family {
  name: string;
  type: MetricType;
  typed: boolean;
  help?: string;
  line: number;
  samples: ParsedSample[];
  series: Set<string>;
}

const TYPES: readonly MetricType[] = ["counter", "gauge", "histogram", "summary", "untyped"];
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)$|^nan$/i;
const TIMESTAMP = /^-?\d+$/;

/**
 * Parses a text exposition and returns its metric families in order. Throws a `SyntaxError`
 * naming the line for anything Prometheus would reject or that breaks the format's rules: a bad
 * name, label, escape or value; a TYPE after samples or twice; a family split in two; a repeated
 * series; a missing final line feed; and histograms whose buckets are not cumulative, lack
 * `le="+Inf"`, or disagree with `_count`.
 *
 * @example
 * ```ts
 * import { parseExposition } from "./parse_exposition.ts";
 * const [family] = parseExposition('# TYPE up gauge\nup{job="a"} 1\n');
 * if (family.samples[0].labels.job !== "a") throw new Error("unexpected");
 * ```
 */
export function parseExposition(text: string): ParsedFamily[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.pop() !== "") {
    throw new SyntaxError(`Cannot parse metrics line ${lines.length + 1}: no final line feed`);
  }
  const families: Family[] = [];
  const seen = new Set<string>();
  let current: Family | undefined;
  const open = (name: string, lineNumber: number, fail: (reason: string) => never): Family => {
    if (current?.name === name) return current;
    if (seen.has(name)) fail(`metric "${name}" appears again after another metric`);
    current = {
      name,
      type: "untyped",
      typed: false,
      line: lineNumber,
      samples: [],
      series: new Set(),
    };
    seen.add(name);
    families.push(current);
    return current;
  };

  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const fail = (reason: string): never => {
      throw new SyntaxError(
        `Cannot parse metrics line ${lineNumber}: ${reason}: ${JSON.stringify(raw)}`,
      );
    };
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (line === "") return;
    if (line.startsWith("#")) {
      const match = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest = ""] = match;
      if (!METRIC_NAME.test(name)) fail(`invalid metric name "${name}"`);
      const family = open(name, lineNumber, fail);
      if (keyword === "HELP") {
        if (family.help !== undefined) fail(`second HELP for "${name}"`);
        family.help = unescapeHelp(rest, fail);
      } else {
        if (family.typed) fail(`second TYPE for "${name}"`);
        if (family.samples.length > 0) fail(`TYPE for "${name}" after its samples`);
        if (!TYPES.includes(rest as MetricType)) fail(`unknown metric type "${rest}"`);
        family.type = rest as MetricType;
        family.typed = true;
      }
      return;
    }
    const sample = parseSampleLine(line, fail);
    const family = current && belongsTo(current, sample.name)
      ? current
      : open(sample.name, lineNumber, fail);
    if (family.type === "histogram" && sample.name === family.name) {
      fail(`histogram "${family.name}" sample without _bucket, _sum or _count`);
    }
    const series = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (family.series.has(series)) fail(`repeated series`);
    family.series.add(series);
    family.samples.push(sample);
  });

  for (const family of families) {
    if (family.type === "histogram") checkHistogram(family);
  }
  return families.map(({ name, type, help, samples }) => ({
    name,
    type,
    ...(help === undefined ? {} : { help }),
    samples,
  }));
}

/**
 * Returns the sample with exactly this name and these labels, or undefined. For tests that read
 * one value out of `/metrics`.
 */
export function findSample(
  families: readonly ParsedFamily[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): ParsedSample | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const family of families) {
    for (const sample of family.samples) {
      if (sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted) {
        return sample;
      }
    }
  }
  return undefined;
}

function belongsTo(family: Family, name: string): boolean {
  if (name === family.name) return true;
  const suffix = name.startsWith(family.name) ? name.slice(family.name.length) : "";
  if (family.type === "histogram") return ["_bucket", "_sum", "_count"].includes(suffix);
  if (family.type === "summary") return ["_sum", "_count"].includes(suffix);
  return false;
}

function parseSampleLine(line: string, fail: (reason: string) => never): ParsedSample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) fail("a sample must start with a metric name");
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === "{") {
    at += 1;
    for (;;) {
      while (line[at] === " " || line[at] === "\t") at += 1;
      if (line[at] === "}") {
        at += 1;
        break;
      }
      const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(at))?.[0];
      if (!labelName || !LABEL_NAME.test(labelName)) fail(`invalid label name at column ${at + 1}`);
      if (Object.hasOwn(labels, labelName)) fail(`repeated label "${labelName}"`);
      at += labelName.length;
      while (line[at] === " " || line[at] === "\t") at += 1;
      if (line[at] !== "=") fail(`expected "=" after label "${labelName}"`);
      at += 1;
      while (line[at] === " " || line[at] === "\t") at += 1;
      if (line[at] !== '"') fail(`expected a quoted value for label "${labelName}"`);
      at += 1;
      let value = "";
      for (;;) {
        const char = line[at];
        if (char === undefined) fail(`unterminated value of label "${labelName}"`);
        at += 1;
        if (char === '"') break;
        if (char !== "\\") {
          value += char;
          continue;
        }
        const escaped = line[at];
        at += 1;
        if (escaped === "\\") value += "\\";
        else if (escaped === '"') value += '"';
        else if (escaped === "n") value += "\n";
        else fail(`invalid escape "\\${escaped ?? ""}" in label "${labelName}"`);
      }
      labels[labelName] = value;
      while (line[at] === " " || line[at] === "\t") at += 1;
      if (line[at] === ",") at += 1;
      else if (line[at] !== "}") fail(`expected "," or "}" after label "${labelName}"`);
    }
  }
  if (line[at] !== " " && line[at] !== "\t") fail("expected a space before the value");
  const fields = line.slice(at).trim().split(/[ \t]+/);
  if (fields.length > 2) fail("unexpected text after the value and timestamp");
  const [valueText, timestampText] = fields;
  if (!FLOAT.test(valueText)) fail(`invalid value "${valueText}"`);
  if (timestampText !== undefined && !TIMESTAMP.test(timestampText)) {
    fail(`invalid timestamp "${timestampText}"`);
  }
  return {
    name,
    labels,
    value: parseFloatValue(valueText),
    ...(timestampText === undefined ? {} : { timestampMs: Number(timestampText) }),
  };
}

function parseFloatValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "nan") return NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  return Number(text);
}

function unescapeHelp(text: string, fail: (reason: string) => never): string {
  return text.replace(/\\(.?)/g, (_match, escaped: string) => {
    if (escaped === "\\") return "\\";
    if (escaped === "n") return "\n";
    return fail(`invalid escape "\\${escaped}" in HELP`);
  });
}

function checkHistogram(family: Family): void {
  const fail = (reason: string): never => {
    throw new SyntaxError(
      `Cannot parse metrics line ${family.line}: histogram "${family.name}" ${reason}`,
    );
  };
  const groups = new Map<
    string,
    { bounds: number[]; counts: number[]; count?: number; sum?: number }
  >();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { bounds: [], counts: [] };
    groups.set(key, group);
    if (sample.name.endsWith("_bucket")) {
      if (le === undefined || !FLOAT.test(le)) fail(`has a bucket without a valid "le" in ${key}`);
      const bound = parseFloatValue(le);
      const last = group.bounds.length - 1;
      if (last >= 0 && bound <= group.bounds[last]) fail(`has buckets out of order in ${key}`);
      if (last >= 0 && sample.value < group.counts[last]) {
        fail(`has buckets that are not cumulative in ${key}`);
      }
      group.bounds.push(bound);
      group.counts.push(sample.value);
    } else if (le !== undefined) {
      fail(`has "le" on ${sample.name}`);
    } else if (sample.name.endsWith("_count")) group.count = sample.value;
    else group.sum = sample.value;
  }
  for (const [key, group] of groups) {
    if (group.bounds.at(-1) !== Infinity) fail(`has no le="+Inf" bucket in ${key}`);
    if (group.count === undefined || group.sum === undefined) {
      fail(`lacks _sum or _count in ${key}`);
    }
    if (group.count !== group.counts.at(-1)) {
      fail(`has _count unequal to the +Inf bucket in ${key}`);
    }
  }
}
