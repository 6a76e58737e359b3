/**
 * Bounded concurrency for independent requests.
 *
 * @module
 */

/**
 * Runs `task` for every item with at most `limit` running at once and resolves when all have
 * settled. Tasks are expected to report their own failures; the first rejection is rethrown only
 * after every started task has finished, so no request is left dangling.
 */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  async function worker(): Promise<void> {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        errors.push(error);
      }
    }
  }
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (errors.length > 0) throw errors[0];
}
