/**
 * Finds the known key a mistyped config key was meant to be, for "did you mean" messages
 * (docs/configuration.md: a near miss of a known key is an error with a "did you mean"). Private
 * to the config folder.
 *
 * @module
 */

/**
 * Returns the candidate closest to `key` when it is near enough to be a typo of it, else
 * undefined. Near enough: a case-insensitive edit distance (insert, delete, replace, swap of two
 * neighbours) of 1 for keys up to 4 letters, 2 for longer ones; a tie goes to the first
 * candidate. A key that equals a candidate is no typo.
 *
 * @example
 * ```ts
 * import { closestKey } from "./_did_you_mean.ts";
 * closestKey("debounse", ["mode", "debounce"]); // "debounce"
 * closestKey("sidecar", ["mode", "debounce"]); // undefined
 * ```
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(key)) return undefined;
  const limit = key.length <= 4 ? 1 : 2;
  let best: { readonly key: string; readonly distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

/** The optimal string alignment distance: Levenshtein plus the swap of two neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
