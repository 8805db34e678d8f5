import { randomUUID } from 'node:crypto';
import { HubSecret, keyFiles, Pseudonyms, RECORD_MAC_HEADER, RecordMac } from '@samenloop/crypto';
import { GROUP_PREFIXES, hubEventRecord, topicNames, type TopicNames } from '@samenloop/messaging';
import type { Kafka } from 'kafkajs';
import type { CliConnectionSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { readUntilQuiet } from '../kafka/read-until-quiet';
import { sendRecord } from '../kafka/send-record';
import {
  soughtSubjects,
  SubjectDeliveries,
  type SubjectDelivery,
  type SubjectQuery,
} from './who-received';

export interface AccessAnswer {
  readonly deliveries: readonly SubjectDelivery[];
  /** The hub-event ids of the queries written for the audit, one per identity looked up. */
  readonly eventIds: readonly string[];
}

/**
 * Answers an access request (AVG art. 15) from the audit: which partner received data about a
 * person, when, what and why. The question itself is accounted for on the hub-events topic, which
 * the gateway turns into an audit record — before the answer is shown, so no answer goes
 * unaccounted.
 */
export class AccessRequests {
  private readonly kafka: Kafka;
  private readonly topics: TopicNames;

  constructor(private readonly settings: CliConnectionSettings) {
    this.kafka = cliKafka(settings, 'samenloop-operator');
    this.topics = topicNames(settings.topicNamespace);
  }

  async whoReceived(
    query: SubjectQuery,
    askedBy: string,
    options = { idleMs: 3_000, maxMs: 600_000 },
  ): Promise<AccessAnswer> {
    const secret = await this.hubSecret();
    const sought = soughtSubjects(query, new Pseudonyms(secret));
    const found = new SubjectDeliveries(sought);
    const ended = await readUntilQuiet(this.kafka, {
      topic: this.topics.audit,
      // A fresh group each time: the whole audit is read from its beginning.
      groupId: `${GROUP_PREFIXES.operator}${randomUUID()}`,
      ...options,
      each: (record) => {
        if (record.value) found.add(record.value.toString('utf8'));
        return Promise.resolve();
      },
    });
    if (ended === 'deadline')
      throw new Error(
        `${this.topics.audit} was still being written after ${options.maxMs / 1000} s of reading: the answer would be incomplete, so none is given; ask again when the hub is quieter`,
      );
    const askedAt = new Date().toISOString();
    const events = sought.map((subject) =>
      hubEventRecord(this.topics, {
        kind: 'access-query',
        subject,
        purpose: query.purpose,
        askedBy,
        askedAt,
        deliveriesFound: found.countFor(subject),
      }),
    );
    // The hub's MAC: the gateway audits no hub event without it.
    const mac = new RecordMac(secret);
    for (const event of events)
      await sendRecord(this.kafka, event.topic, {
        key: event.key,
        value: event.value,
        headers: { [RECORD_MAC_HEADER]: mac.of(event) },
      });
    return { deliveries: found.deliveries(), eventIds: events.map((event) => String(event.key)) };
  }

  private async hubSecret(): Promise<HubSecret> {
    const file = keyFiles.hubSecret(this.settings.keysDirectory);
    const secret = await HubSecret.read(file);
    if (!secret)
      throw new Error(
        `no hub secret at ${file}: run this where the hub's keys are (SAMENLOOP_KEYS_DIR or --keys-dir); without it no pseudonym can be looked up`,
      );
    return secret;
  }
}
