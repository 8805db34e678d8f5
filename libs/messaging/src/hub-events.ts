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

/** A policy file as it went live or was refused: its name and the SHA-256 of its bytes. */
export interface PolicyFileEvidence {
  readonly name: string;
  readonly sha256: string;
}

/** A policy version went live (at start-up or by a reload), from the gateway that loaded it. */
export interface PolicyWentLiveEvent {
  readonly kind: 'policy-went-live';
  readonly eventId: string;
  readonly trigger: 'start-up' | 'reload';
  readonly policyVersion: string;
  /** The version it replaces; null at start-up. */
  readonly previousVersion: string | null;
  readonly files: readonly PolicyFileEvidence[];
  readonly testsPassed: number;
  /** The owner of the changed file on the gateway's machine, when it could be read. */
  readonly changedBy: {
    readonly uid: number;
    readonly user: string | null;
    readonly file: string;
  } | null;
  /** The gateway instance that loaded it. */
  readonly instance: string;
  readonly activatedAt: string;
}

/** A changed policy was refused and the version in use kept: problem codes and files, no details. */
export interface PolicyRefusedEvent {
  readonly kind: 'policy-refused';
  readonly eventId: string;
  /** Absent when the check could not finish. */
  readonly refusedVersion?: string;
  readonly keptVersion: string;
  readonly files: readonly PolicyFileEvidence[];
  readonly problems: readonly { readonly code: string; readonly file?: string }[];
  readonly refusedAt: string;
}

/** Everything written on the hub-events topic. */
export type HubEvent = AccessQueryEvent | PolicyWentLiveEvent | PolicyRefusedEvent;

export type WithoutId<T> = T extends unknown ? Omit<T, 'eventId'> : never;

/** The record of a hub event, keyed by its id (no identifier of a case or person in the key). */
export function hubEventRecord(topics: TopicNames, event: WithoutId<HubEvent>): OutboundRecord {
  const eventId = randomUUID();
  return {
    topic: topics.hubEvents,
    key: eventId,
    value: JSON.stringify({ ...event, eventId }),
  };
}
