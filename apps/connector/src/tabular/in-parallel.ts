/**
 * Rows of a file sealed at a time: while one transaction commits, the rows sealed meanwhile wait
 * and go together in the next (`SubmissionService` commits in groups).
 */
export const ROWS_IN_FLIGHT = 32;

/**
 * Runs `work` for each item, at most `limit` at a time. After a failure no new item starts; the
 * running ones finish, then the first failure is thrown.
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
}
