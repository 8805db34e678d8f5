import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { keyFiles } from '@samenloop/crypto';
import type { HubDocumentType } from '@samenloop/contracts';
import { partnerClientPrefix, topicNames, type TopicNames } from '@samenloop/messaging';
import {
  openHubDocument,
  partnerRecordKey,
  readPartnerKeys,
  REFUSAL_EXPLANATIONS,
  sealSubmission,
  type PartnerKeys,
  type RefusalReason,
} from '@samenloop/partner-side';
import type { Kafka } from 'kafkajs';
import type { CliConnectionSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { partnerConnection } from './partner-connection';
import { ReceivedIds } from './received-ids';
import { readUntilQuiet } from '../kafka/read-until-quiet';
import { sendRecord } from '../kafka/send-record';

/** A hub document that opened with the partner's key and carries the hub's valid signature. */
export interface ReceivedDocument {
  /** From the record's `ce_type` header. */
  readonly type: HubDocumentType;
  readonly document: Record<string, unknown>;
}

/** A record that is not shown: named by where it sits (and a repeated document by its id), never by content. */
export interface RefusedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly reason: RefusalReason;
  /** The id of a document already shown. */
  readonly documentId?: string;
}

/** What one receive read: the documents to show, in topic order, and the records refused. */
export interface Received {
  readonly documents: ReceivedDocument[];
  readonly refused: RefusedRecord[];
}

/**
 * A partner's system as Samenloop sees it: signs with the partner's own key and submits on its
 * inbound topic; receives on its delivery topic and decrypts with its key. For development and
 * demonstrations — real partners do this with their own OpenPGP tooling (GnuPG and the like).
 * It fails safe: it shows only what the hub signed, each document once, and one unreadable record
 * hides nothing after it.
 */
export class PartnerClient {
  private constructor(
    private readonly partnerId: string,
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly keys: PartnerKeys,
    /** One consumer group per partner (and namespace): each receive continues where the last stopped. */
    private readonly groupId: string,
    /** The ids of the documents shown so far, with the group's offsets (same partner and namespace). */
    private readonly receivedIdsFile: string,
  ) {}

  static async open(settings: CliConnectionSettings, partnerId: string): Promise<PartnerClient> {
    const keys = await readPartnerKeys(settings.keysDirectory, partnerId);
    const kafka = cliKafka(
      { brokers: settings.brokers, connection: partnerConnection(settings, partnerId) },
      `samenloop-partner-${partnerId.toLowerCase()}`,
    );
    const namespace = settings.topicNamespace ? `${settings.topicNamespace}.` : '';
    return new PartnerClient(
      partnerId,
      kafka,
      topicNames(settings.topicNamespace),
      keys,
      // Under the partner's own prefix: on a secure cluster its ACLs grant no other group.
      `${partnerClientPrefix(partnerId)}${namespace}samenloop-partner`,
      path.join(
        path.dirname(keyFiles.partnerPrivate(settings.keysDirectory, partnerId)),
        `${namespace}received-ids.json`,
      ),
    );
  }

  /** Signs, encrypts to the hub and submits a submission file; with `freshId` its envelope gets a new id first. */
  async send(
    file: string,
    options: { freshId?: boolean; rewrite?: (text: string) => string } = {},
  ): Promise<{ messageId: string; topic: string }> {
    let text = (options.rewrite ?? ((original: string) => original))(await readFile(file, 'utf8'));
    const parsed = JSON.parse(text) as {
      id?: string;
      data?: { zaakReferenties?: Record<string, string> };
    };
    if (options.freshId) {
      parsed.id = randomUUID();
      text = JSON.stringify(parsed);
    }
    const value = await sealSubmission(text, this.keys);
    const caseReference = Object.values(parsed.data?.zaakReferenties ?? {})[0];
    const topic = this.topics.inbound(this.partnerId);
    await sendRecord(this.kafka, topic, {
      // The partner's private key doubles as the simulator's secret: only the partner holds it.
      key:
        caseReference === undefined
          ? null
          : partnerRecordKey(this.keys.privateArmored, caseReference),
      value,
    });
    return { messageId: parsed.id ?? '(none)', topic };
  }

  /**
   * Reads what arrived since the last receive (one consumer group per partner) until `idleMs` pass
   * quietly. A record that does not open, is not signed by the hub or repeats a document already
   * shown is refused and read past, so it blocks nothing behind it.
   */
  async receive(options: { idleMs: number; maxMs: number }): Promise<Received> {
    const seen = await ReceivedIds.open(this.receivedIdsFile);
    const received: Received = { documents: [], refused: [] };
    await readUntilQuiet(this.kafka, {
      topic: this.topics.delivery(this.partnerId),
      groupId: this.groupId,
      ...options,
      each: async (message, partition) => {
        const opened = await openHubDocument(message, this.keys);
        const where = { partition, offset: message.offset };
        if ('refused' in opened) received.refused.push({ ...where, reason: opened.refused });
        else if (seen.has(opened.id))
          received.refused.push({ ...where, reason: 'already-received', documentId: opened.id });
        else {
          seen.add(opened.id);
          received.documents.push({ type: opened.type, document: opened.document });
        }
      },
    });
    await seen.save();
    return received;
  }
}

/** One line per refused record: where it sits and why it is not shown. */
export function describeRefused({ partition, offset, reason, documentId }: RefusedRecord): string {
  return `refused   offset ${offset} (partition ${partition})${
    documentId ? ` ${documentId}` : ''
  }: ${REFUSAL_EXPLANATIONS[reason]}`;
}

/** One line per received document: what it is, and for a delivery which fields it carries. */
export function describeReceived({ type, document }: ReceivedDocument): string {
  if (type === 'delivery') {
    const payload = document.payload as Record<string, unknown> | undefined;
    const grondslag = document.grondslag as { ruleIds: string[] };
    const thread = document.caseThread as
      { caseKey: string; fase: string; relatedDeliveries?: string[] } | undefined;
    const threadLine = thread
      ? `\n            thread ${thread.caseKey} at ${thread.fase}${
          thread.relatedDeliveries?.length
            ? `, belongs with earlier deliveries ${thread.relatedDeliveries.join(', ')}`
            : ''
        }`
      : '';
    return `delivery  ${String(document.deliveryId)} ${String(document.messageType)} (${String(document.niveau)}, ${grondslag.ruleIds.join(', ')}): ${
      payload ? Object.keys(payload).join(', ') : 'notification only'
    }${threadLine}`;
  }
  if (type === 'receipt') {
    const to = (document.deliveredTo as { recipient: string }[]).map((entry) => entry.recipient);
    const waiting = ((document.wachtOpSleutel ?? []) as { recipient: string; reden: string }[]).map(
      (entry) => `${entry.recipient} (${entry.reden})`,
    );
    return `receipt   ${String(document.messageId)}: delivered to ${to.join(', ') || 'no one'}${
      waiting.length > 0 ? `; waiting for a usable key: ${waiting.join(', ')}` : ''
    }`;
  }
  const errors = (document.errors as { message: string }[]) ?? [];
  return `${type.padEnd(9)} ${errors.map((error) => error.message).join('; ')}`;
}
