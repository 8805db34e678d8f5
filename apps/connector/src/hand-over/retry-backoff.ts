/** Up to this much longer than the doubled wait, so connectors retrying after one outage do not retry in lockstep. */
const JITTER = 0.2;

/**
 * The wait before retry `attempt` (1 after the first failure): `initialMs` doubled per failed
 * attempt, plus up to 20% jitter, never more than `maxMs`.
 */
export function retryBackoffMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const doubled = initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(maxMs, Math.round(doubled * (1 + JITTER * random())));
}
