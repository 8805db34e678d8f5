import { randomUUID } from 'node:crypto';
import { GROUP_PREFIXES, PARKED_HEADERS, topicNames } from '@samenloop/messaging';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { CliConnectionSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { readUntilQuiet } from '../kafka/read-until-quiet';
import { sendRecord } from '../kafka/send-record';

/** A message the gateway parked: ids and context only, never its content. */
export interface ParkedMessage {
  readonly messageId: string;
  readonly messageType: string;
  readonly sender: string;
  readonly reason: string;
  readonly parkedAt: string;
  readonly sourceTopic: string;
  /** `vt`: only the part for Veilig Thuis is held, the others received it; `bericht`: all of it. */
  readonly scope: 'bericht' | 'vt';
  /** The case thread of a message whose part for Veilig Thuis is held. */
  readonly caseKey?: string;
}

interface ParkedRecord extends ParkedMessage {
  readonly record: KafkaMessage;
}

/**
 * The hub operator's view of the parked topic, and the way out of it: releasing a message submits
 * it again, unchanged (its sender's message, encrypted to the hub and signed), on the inbound topic
 * it came from, so the gateway routes it under the partner registry and policy in force now. A message whose part for
 * Veilig Thuis alone was held is then routed to Veilig Thuis alone; the others have it already.
 */
export class ParkedMessages {
  private readonly kafka: Kafka;
  private readonly topic: string;

  constructor(private readonly settings: CliConnectionSettings) {
    this.kafka = cliKafka(settings, 'samenloop-operator');
    this.topic = topicNames(settings.topicNamespace).parked;
  }

  async list(options = { idleMs: 3_000, maxMs: 60_000 }): Promise<ParkedMessage[]> {
    return (await this.read(options)).map(({ record: _record, ...message }) => message);
  }

  /** Submits a parked message again; the parked copy stays as the record of what happened. */
  async release(
    messageId: string,
    options = { idleMs: 3_000, maxMs: 60_000 },
  ): Promise<ParkedMessage> {
    const parked = (await this.read(options)).filter((entry) => entry.messageId === messageId);
    const latest = parked.at(-1);
    if (!latest) throw new Error(`no parked message with id ${messageId} on ${this.topic}`);
    // Keyed by its message id, as parked: the sender's own key is not kept (it may name a case).
    await sendRecord(this.kafka, latest.sourceTopic, {
      key: messageId,
      value: latest.record.value,
      headers: {},
    });
    const { record: _record, ...message } = latest;
    return message;
  }

  private async read(options: { idleMs: number; maxMs: number }): Promise<ParkedRecord[]> {
    const found: ParkedRecord[] = [];
    await readUntilQuiet(this.kafka, {
      topic: this.topic,
      // A fresh group each time: the operator always sees everything that is parked.
      groupId: `${GROUP_PREFIXES.operator}${randomUUID()}`,
      ...options,
      each: (record) => {
        const headers = record.headers;
        const caseKey = header(headers, PARKED_HEADERS.caseKey);
        found.push({
          messageId: header(headers, PARKED_HEADERS.messageId),
          messageType: header(headers, PARKED_HEADERS.messageType),
          sender: header(headers, PARKED_HEADERS.sender),
          reason: header(headers, PARKED_HEADERS.reason),
          parkedAt: header(headers, PARKED_HEADERS.parkedAt),
          sourceTopic: header(headers, PARKED_HEADERS.sourceTopic),
          // Parked before the header existed: the whole message.
          scope: header(headers, PARKED_HEADERS.scope) === 'vt' ? 'vt' : 'bericht',
          ...(caseKey ? { caseKey } : {}),
          record,
        });
        return Promise.resolve();
      },
    });
    return found;
  }
}

function header(headers: IHeaders | undefined, name: string): string {
  const value = headers?.[name];
  return (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
}
