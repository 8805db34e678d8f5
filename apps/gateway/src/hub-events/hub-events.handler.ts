import { randomUUID } from 'node:crypto';
import type { RecordMac } from '@samenloop/crypto';
import {
  parseHubEvent,
  type AccessQueryEvent,
  type InboundRecord,
  type OutboundRecord,
  type TopicNames,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { HubAlerts } from '../alerts/hub-alerts';
import { beleidGeweigerd, policyVersionRecord } from '../policy/policy-events';
import { requireOwnRecord } from '../topics/own-record';

/** A refused policy is about no case: nothing is known of one. */
const NO_CASE_FACTS = { domesticViolence: undefined, minorsInvolved: undefined };

/**
 * Turns what happened outside the pipeline (a policy going live or refused, an operator's access
 * query) into audit records and alerts, written in the pipeline's transaction: the pipeline stays
 * the audit's single writer, so each audit partition keeps one hash chain. Its writers (the gateway,
 * the operator's CLI) hold the hub secret, so an event without their MAC is dead-lettered with an
 * operator alert: no one else puts words in the audit or raises the hub's alerts. A malformed or
 * unknown event is dead-lettered too (`parseHubEvent` throws a PoisonRecordError).
 */
export class HubEventsHandler {
  constructor(
    private readonly topics: TopicNames,
    private readonly alerts: HubAlerts,
    private readonly logger: Logger,
    private readonly mac: RecordMac,
  ) {}

  readonly handle = async (record: InboundRecord): Promise<readonly OutboundRecord[]> => {
    requireOwnRecord(record, {
      mac: this.mac,
      logger: this.logger,
      what: 'hub event',
      step: 'hub-event-mac',
      alert: 'hub-event-not-authentic',
    });
    const event = parseHubEvent(record.value);
    this.logger.info({ eventId: event.eventId, kind: event.kind }, 'hub event read');
    switch (event.kind) {
      case 'policy-went-live':
        return [policyVersionRecord(event, this.topics.audit)];
      case 'policy-refused': {
        const raised = await this.alerts.raise(
          {
            type: 'nl.samenloop.beleid-geweigerd',
            payload: beleidGeweigerd(event),
            // About no case: the operator's rule grants the alert at every stage and asks no facts.
            stage: 'melding',
            facts: NO_CASE_FACTS,
          },
          new Date(event.refusedAt),
        );
        return raised.records;
      }
      case 'access-query':
        return [this.accessQueryRecord(event)];
    }
  };

  /**
   * The event as it came, with an audit id; keyed by the event's id: no identifier of a person in
   * the key, only the keyed pseudonym inside.
   */
  private accessQueryRecord(event: AccessQueryEvent): OutboundRecord {
    return {
      topic: this.topics.audit,
      key: event.eventId,
      value: JSON.stringify({ auditId: randomUUID(), ...event }),
    };
  }
}
