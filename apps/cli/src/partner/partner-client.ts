import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  decryptAndVerify,
  keyFiles,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
  type PgpPrivateKey,
  type PgpPublicKey,
} from '@samenloop/crypto';
import { hubDocumentTypeOf, type HubDocumentType } from '@samenloop/contracts';
import { topicNames, type TopicNames } from '@samenloop/messaging';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { partnerClientPrefix } from '../acl/registry-acls';
import type { CliConnectionSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { partnerConnection } from './partner-connection';
import { partnerRecordKey } from './partner-record-key';
import { ReceivedIds } from './received-ids';
import { readUntilQuiet } from '../kafka/read-until-quiet';
import { sendRecord } from '../kafka/send-record';

/** A hub document that opened with the partner's key and carries the hub's valid signature. */
export interface ReceivedDocument {
  /** From the record's `ce_type` header. */
  readonly type: HubDocumentType;
  readonly document: Record<string, unknown>;
}

/** Why a record of the delivery topic is not shown. */
export type RefusalReason =
  'undecryptable' | 'hub-signature-invalid' | 'not-a-hub-document' | 'already-received';

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

const REFUSAL_EXPLANATIONS: Readonly<Record<RefusalReason, string>> = {
  undecryptable:
    "not an OpenPGP message encrypted to this partner's key, or damaged: it cannot be read",
  'hub-signature-invalid':
    "the hub's signature does not verify: the content may be forged and is not shown",
  'not-a-hub-document': 'signed by the hub, but not a hub document with an id: not shown',
  'already-received': 'a copy of a document already shown: not shown again',
};

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
    private readonly privateKey: PgpPrivateKey,
    private readonly recordKeySecret: string,
    private readonly hubKey: PgpPublicKey,
    /** One consumer group per partner (and namespace): each receive continues where the last stopped. */
    private readonly groupId: string,
    /** The ids of the documents shown so far, with the group's offsets (same partner and namespace). */
    private readonly receivedIdsFile: string,
  ) {}

  static async open(settings: CliConnectionSettings, partnerId: string): Promise<PartnerClient> {
    const privateArmored = await readKeyFile(
      keyFiles.partnerPrivate(settings.keysDirectory, partnerId),
    );
    const hubArmored = await readKeyFile(keyFiles.hubPublic(settings.keysDirectory));
    if (!privateArmored || !hubArmored) {
      throw new Error(
        `no keys for ${partnerId} in ${settings.keysDirectory}; run: npx samenloop keys generate`,
      );
    }
    const kafka = cliKafka(
      { brokers: settings.brokers, connection: partnerConnection(settings, partnerId) },
      `samenloop-partner-${partnerId.toLowerCase()}`,
    );
    const namespace = settings.topicNamespace ? `${settings.topicNamespace}.` : '';
    return new PartnerClient(
      partnerId,
      kafka,
      topicNames(settings.topicNamespace),
      await readPrivateKey(privateArmored),
      privateArmored,
      await readPublicKey(hubArmored),
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
    // What the hub accepts: signed by this partner and encrypted to the hub, in one OpenPGP message.
    const value = Buffer.from(
      await signAndEncrypt(Buffer.from(text), {
        signingKey: this.privateKey,
        encryptionKeys: [this.hubKey],
      }),
    );
    const caseReference = Object.values(parsed.data?.zaakReferenties ?? {})[0];
    const topic = this.topics.inbound(this.partnerId);
    await sendRecord(this.kafka, topic, {
      // The partner's private key doubles as the simulator's secret: only the partner holds it.
      key:
        caseReference === undefined ? null : partnerRecordKey(this.recordKeySecret, caseReference),
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
        const opened = await this.opened(message);
        const where = { partition, offset: message.offset };
        if ('refused' in opened) received.refused.push({ ...where, reason: opened.refused });
        else if (seen.has(opened.id))
          received.refused.push({ ...where, reason: 'already-received', documentId: opened.id });
        else {
          seen.add(opened.id);
          received.documents.push(opened.received);
        }
      },
    });
    await seen.save();
    return received;
  }

  /** A record as a hub document with its id, or why it is refused; never the content of a refused one. */
  private async opened(
    message: KafkaMessage,
  ): Promise<{ received: ReceivedDocument; id: string } | { refused: RefusalReason }> {
    let decrypted;
    try {
      decrypted = await decryptAndVerify(new Uint8Array(message.value ?? Buffer.alloc(0)), {
        decryptionKey: this.privateKey,
        verificationKeys: [this.hubKey],
      });
    } catch {
      return { refused: 'undecryptable' };
    }
    if (!decrypted.signatureValid) return { refused: 'hub-signature-invalid' };
    let document: unknown;
    try {
      document = JSON.parse(new TextDecoder().decode(decrypted.plaintext));
    } catch {
      return { refused: 'not-a-hub-document' };
    }
    const id = documentId(document);
    const type = hubDocumentTypeOf(message.headers);
    if (id === undefined || type === undefined) return { refused: 'not-a-hub-document' };
    return {
      id,
      received: {
        type,
        document: document as Record<string, unknown>,
      },
    };
  }
}

/** A hub document's own id, inside what the hub signed: a copied record repeats it. */
function documentId(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const { deliveryId, receiptId, rejectionId } = document as Record<string, unknown>;
  const id = deliveryId ?? receiptId ?? rejectionId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
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
