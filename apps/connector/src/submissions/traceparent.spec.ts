import { submissionTraceparent } from './traceparent';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

describe(submissionTraceparent.name, () => {
  it("continues the caller's trace with a span of its own", () => {
    const traceparent = submissionTraceparent(
      '00-e0e513c669e2470a268ceda183db1f08-b4357ef800f37e9e-00',
    );

    const [, traceId, parentId, flags] = TRACEPARENT.exec(traceparent)!;
    expect(traceId).toBe('e0e513c669e2470a268ceda183db1f08');
    expect(parentId).not.toBe('b4357ef800f37e9e');
    expect(flags).toBe('00');
  });

  it.each([
    ['no header', undefined],
    ['a malformed one', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-b4357ef800f37e9e-01`],
  ])('starts a new trace for %s', (_case, header) => {
    const traceparent = submissionTraceparent(header);

    expect(traceparent).toMatch(TRACEPARENT);
    expect(traceparent).not.toContain('0'.repeat(32));
  });
});
