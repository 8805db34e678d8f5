import { randomUUID } from 'node:crypto';
import type { OutboundRecord } from './records';
import type { TopicNames } from './topic-names';

/**
 * An operator's query of the audit for a data subject (an access request, AVG art. 15): the query
 * itself is accounted for in the audit. Only the subject's keyed pseudonym, never the BSN or name.
 */
export interface AccessQueryEvent {
  readonly kind: 'access-query';
  readonly eventId: string;
  /** How the subject was named: by BSN, or by name and birth date where there is no BSN. */
  readonly subject: { readonly by: 'bsn' | 'person'; readonly pseudonym: string };
  /** Why the query was made (e.g. the access request's number), as the operator gave it. */
  readonly purpose: string;
  /** Who asked: the operator's account, as the CLI knows it. */
  readonly askedBy: string;
  readonly askedAt: string;
  /** How many deliveries the answer listed. */
  readonly deliveriesFound: number;
}

/** Everything written on the hub-events topic. */
export type HubEvent = AccessQueryEvent;

type WithoutId<T> = T extends unknown ? Omit<T, 'eventId'> : never;

/** The record of a hub event, keyed by its id (no identifier of a case or person in the key). */
export function hubEventRecord(topics: TopicNames, event: WithoutId<HubEvent>): OutboundRecord {
  const eventId = randomUUID();
  return {
    topic: topics.hubEvents,
    key: eventId,
    value: JSON.stringify({ ...event, eventId }),
  };
}
