import type { TransactionalPipeline } from '@samenloop/messaging';

export type PipelineHealth = TransactionalPipeline['health'];

export interface HealthBody {
  readonly status: 'ok' | 'unavailable';
  readonly state: PipelineHealth['state'] | 'not-started';
  /** Why the gateway is unavailable: the pipeline's state or the failure that stops it committing. */
  readonly reason?: string;
  /** Since when it has been unavailable (ISO 8601). */
  readonly since?: string;
  readonly lastCommitAt?: string;
  readonly restarts?: number;
}

export interface HealthReport {
  readonly httpStatus: 200 | 503;
  readonly body: HealthBody;
}

/**
 * A standby (another instance holds the lease) is healthy and says so in `state`. Otherwise
 * healthy means able to deliver: the pipeline is a running member of its consumer group AND
 * nothing stops it committing — its last chunk did not fail (after the transaction's retries),
 * it has not crashed since its last commit, and no transaction has been open longer than the
 * pipeline's stall limit. Anything else is 503 with the reason and since when.
 */
export function healthReport(health: PipelineHealth | undefined): HealthReport {
  if (!health)
    return unavailable({
      status: 'unavailable',
      state: 'not-started',
      reason: 'pipeline not started',
    });
  const { state, stateSince, commitFailure, lastCommitAt, restarts } = health;
  const common = { state, lastCommitAt: lastCommitAt?.toISOString(), restarts };
  const failure = commitFailure
    ? `${commitFailure.during} failed: ${commitFailure.errorClass}: ${commitFailure.message}`
    : undefined;
  // A hot standby is healthy: it is ready to take over, and a 503 would get it restarted.
  if (state === 'standby') return { httpStatus: 200, body: { status: 'ok', ...common } };
  if (state !== 'running')
    return unavailable({
      status: 'unavailable',
      ...common,
      reason: failure ? `pipeline ${state}; cannot commit: ${failure}` : `pipeline ${state}`,
      since: (commitFailure?.since ?? stateSince).toISOString(),
    });
  if (commitFailure)
    return unavailable({
      status: 'unavailable',
      ...common,
      reason: `cannot commit: ${failure}`,
      since: commitFailure.since.toISOString(),
    });
  return { httpStatus: 200, body: { status: 'ok', ...common } };
}

function unavailable(body: HealthBody): HealthReport {
  return { httpStatus: 503, body };
}
