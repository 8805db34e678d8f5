import type { MessageHandler } from '@nestjs/microservices';
import type { InboundRecord, OutboundRecord } from '../records';
import type { KafkaRecordContext } from './kafka-record.context';

/** Topics per pattern, as configured for a server: every record of a topic goes to its pattern's handler. */
export type TopicsByPattern = Readonly<Record<string, readonly string[]>>;

/** A registered handler as Nest's proxy calls it: it resolves to records or an observable of them. */
export type PatternHandler = MessageHandler<
  InboundRecord,
  KafkaRecordContext,
  readonly OutboundRecord[] | undefined
>;

/** The handlers Nest registered do not match the patterns the server's topics carry. */
export class PatternHandlersError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `the transactional Kafka transport cannot start: ${problems.join('; ')}. ` +
        `Give each configured pattern exactly one @EventPattern handler.`,
    );
    this.name = new.target.name;
  }
}

/** Which pattern each topic carries; a topic named under two patterns is a configuration error. */
export function patternsByTopic(topicsByPattern: TopicsByPattern): ReadonlyMap<string, string> {
  const byTopic = new Map<string, string>();
  const problems: string[] = [];
  for (const [pattern, topics] of Object.entries(topicsByPattern)) {
    for (const topic of topics) {
      const other = byTopic.get(topic);
      if (other !== undefined && other !== pattern)
        problems.push(`topic ${topic} is configured for both '${other}' and '${pattern}'`);
      byTopic.set(topic, pattern);
    }
  }
  if (problems.length > 0) throw new PatternHandlersError(problems);
  return byTopic;
}

/**
 * The one handler per configured pattern. Each record's output goes into its chunk's transaction,
 * so a pattern must have exactly one event handler: Nest would chain a second one (`next`) and
 * merge both results into an object, and a request-response handler has nobody to reply to.
 */
export function handlerPerPattern(
  topicsByPattern: TopicsByPattern,
  registered: ReadonlyMap<string, MessageHandler>,
): ReadonlyMap<string, PatternHandler> {
  const configured = Object.keys(topicsByPattern);
  const problems = [
    ...configured
      .filter((pattern) => !registered.has(pattern))
      .map((pattern) => `no @EventPattern handler for '${pattern}'`),
    ...[...registered.keys()]
      .filter((pattern) => !configured.includes(pattern))
      .map((pattern) => `a handler for '${pattern}', which no configured topic carries`),
    ...[...registered]
      .filter(([, handler]) => handler.next !== undefined)
      .map(([pattern]) => `more than one @EventPattern handler for '${pattern}'`),
    ...[...registered]
      .filter(([, handler]) => !handler.isEventHandler)
      .map(([pattern]) => `'${pattern}' is a @MessagePattern: records have no one to reply to`),
  ];
  if (problems.length > 0) throw new PatternHandlersError(problems);
  // Nest registers handlers untyped; each one here is an @EventPattern method given records.
  return registered as ReadonlyMap<string, PatternHandler>;
}
