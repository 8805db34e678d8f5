/**
 * Polls `find` until it returns something, for tests that wait on real things (records, files)
 * rather than sleep; the deadline only bounds a test that would otherwise hang.
 */
export async function waitFor<T>(
  find: () => T | undefined | Promise<T | undefined>,
  description: string,
  timeoutMs = 60_000,
  intervalMs = 50,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs)
      throw new Error(`not within ${timeoutMs} ms: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until `count` stayed the same for `quietMs`: for "and nothing more comes" after what was
 * awaited arrived; returns the settled count.
 */
export async function settled(
  count: () => number,
  description: string,
  quietMs = 3_000,
  timeoutMs = 60_000,
): Promise<number> {
  let seen = count();
  let since = Date.now();
  await waitFor(
    () => {
      const now = count();
      if (now !== seen) [seen, since] = [now, Date.now()];
      return Date.now() - since >= quietMs ? true : undefined;
    },
    `${description} quiet for ${quietMs} ms`,
    timeoutMs,
    100,
  );
  return seen;
}
