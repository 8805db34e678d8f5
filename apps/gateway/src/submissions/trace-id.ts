/**
 * The trace id of a W3C `traceparent` (`00-<trace id>-<parent id>-<flags>`), for log lines: it
 * follows a message through every partner's systems and says nothing of its content.
 */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}
