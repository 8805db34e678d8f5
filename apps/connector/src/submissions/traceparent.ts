import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The submission's W3C `traceparent`: the caller's trace continued with a span of the connector's
 * own, or a new trace when the caller sent none or an invalid one (all-zero ids are invalid).
 */
export function submissionTraceparent(header: string | undefined): string {
  const match = TRACEPARENT.exec(header?.trim() ?? '');
  const traceId = match?.[1];
  const flags = match?.[3];
  const continued = traceId !== undefined && !/^0+$/.test(traceId) && !/^0+$/.test(match![2]!);
  return `00-${continued ? traceId : randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-${continued ? flags : '01'}`;
}
