import { healthReport, type PipelineHealth } from './pipeline-health';

const since = new Date('2026-12-02T10:00:00Z');
const running: PipelineHealth = {
  state: 'running',
  stateSince: since,
  lastCommitAt: new Date('2026-12-02T10:05:00Z'),
  restarts: 0,
  nextRestartDelayMs: 1_000,
};
const topicGone = {
  errorClass: 'KafkaJSProtocolError',
  message: 'This server does not host this topic-partition',
  during: 'transaction',
  since: new Date('2026-12-02T10:06:00Z'),
} as const;

describe(healthReport.name, () => {
  it('is 200 while the pipeline runs and nothing stops it committing', () => {
    expect(healthReport(running)).toEqual({
      httpStatus: 200,
      body: {
        status: 'ok',
        state: 'running',
        lastCommitAt: '2026-12-02T10:05:00.000Z',
        restarts: 0,
      },
    });
  });

  it('is 503 naming the failed commit and since when, while the pipeline still runs', () => {
    expect(healthReport({ ...running, commitFailure: topicGone })).toEqual({
      httpStatus: 503,
      body: expect.objectContaining({
        status: 'unavailable',
        state: 'running',
        reason:
          'cannot commit: transaction failed: KafkaJSProtocolError: This server does not host this topic-partition',
        since: '2026-12-02T10:06:00.000Z',
      }) as unknown,
    });
  });

  it('is 503 with the state and the failure that made it crash while it restarts', () => {
    const report = healthReport({
      ...running,
      state: 'crashed',
      stateSince: new Date('2026-12-02T10:07:00Z'),
      commitFailure: topicGone,
      restarts: 3,
    });

    expect(report.httpStatus).toBe(503);
    expect(report.body).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(
        /^pipeline crashed; cannot commit: transaction failed: /,
      ) as unknown,
      // Since the pipeline stopped committing, not since this restart.
      since: '2026-12-02T10:06:00.000Z',
      restarts: 3,
    });
  });

  it.each(['idle', 'starting', 'stopping', 'stopped'] as const)(
    'is 503 while the pipeline is %s, since it entered that state',
    (state) => {
      expect(healthReport({ ...running, state, stateSince: since }).body).toMatchObject({
        status: 'unavailable',
        reason: `pipeline ${state}`,
        since: '2026-12-02T10:00:00.000Z',
      });
    },
  );

  it('is 200 naming the state while the gateway stands by for another instance', () => {
    expect(healthReport({ ...running, state: 'standby', lastCommitAt: undefined })).toEqual({
      httpStatus: 200,
      body: { status: 'ok', state: 'standby', lastCommitAt: undefined, restarts: 0 },
    });
  });

  it('is 503 before the pipeline exists', () => {
    expect(healthReport(undefined)).toEqual({
      httpStatus: 503,
      body: { status: 'unavailable', state: 'not-started', reason: 'pipeline not started' },
    });
  });
});
