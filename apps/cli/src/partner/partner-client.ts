import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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
import { topicNames, type TopicNames } from '@samenloop/messaging';
import type { Kafka } from 'kafkajs';
import { partnerClientPrefix } from '../acl/registry-acls';
import type { CliSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { partnerRecordKey } from './partner-record-key';
import { readUntilQuiet } from '../kafka/read-until-quiet';
import { sendRecord } from '../kafka/send-record';

export interface ReceivedDocument {
  /** delivery, receipt or rejection, from the record's ce_type header. */
  readonly type: string;
  readonly signatureValid: boolean;
  readonly document: Record<string, unknown>;
}

/**
 * A partner's system as Samenloop sees it: signs with the partner's own key and submits on its
 * inbound topic; receives on its delivery topic and decrypts with its key. For development and
 * demonstrations — real partners do this with their own OpenPGP tooling (GnuPG and the like).
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
  ) {}

  static async open(settings: CliSettings, partnerId: string): Promise<PartnerClient> {
    const privateArmored = await readKeyFile(
      keyFiles.partnerPrivate(settings.keysDirectory, partnerId),
    );
    const hubArmored = await readKeyFile(keyFiles.hubPublic(settings.keysDirectory));
    if (!privateArmored || !hubArmored) {
      throw new Error(
        `no keys for ${partnerId} in ${settings.keysDirectory}; run: npx samenloop keys generate`,
      );
    }
    const kafka = cliKafka(settings, `samenloop-partner-${partnerId.toLowerCase()}`);
    return new PartnerClient(
      partnerId,
      kafka,
      topicNames(settings.topicNamespace),
      await readPrivateKey(privateArmored),
      privateArmored,
      await readPublicKey(hubArmored),
      // Under the partner's own prefix: on a secure cluster its ACLs grant no other group.
      `${partnerClientPrefix(partnerId)}${settings.topicNamespace ? `${settings.topicNamespace}.` : ''}samenloop-partner`,
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

  /** Reads what arrived since the last receive (one consumer group per partner) until `idleMs` pass quietly. */
  async receive(options: { idleMs: number; maxMs: number }): Promise<ReceivedDocument[]> {
    const received: ReceivedDocument[] = [];
    await readUntilQuiet(this.kafka, {
      topic: this.topics.delivery(this.partnerId),
      groupId: this.groupId,
      ...options,
      each: async (message) => {
        const decrypted = await decryptAndVerify(new Uint8Array(message.value ?? Buffer.alloc(0)), {
          decryptionKey: this.privateKey,
          verificationKeys: [this.hubKey],
        });
        received.push({
          type: String(message.headers?.ce_type ?? '').replace('nl.samenloop.', ''),
          signatureValid: decrypted.signatureValid,
          document: JSON.parse(new TextDecoder().decode(decrypted.plaintext)) as Record<
            string,
            unknown
          >,
        });
      },
    });
    return received;
  }
}

/** One line per received document: what it is, and for a delivery which fields it carries. */
export function describeReceived({ type, signatureValid, document }: ReceivedDocument): string {
  const signed = signatureValid ? '' : ' [HUB SIGNATURE INVALID]';
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
    }${signed}${threadLine}`;
  }
  if (type === 'receipt') {
    const to = (document.deliveredTo as { recipient: string }[]).map((entry) => entry.recipient);
    const waiting = ((document.wachtOpSleutel ?? []) as { recipient: string; reden: string }[]).map(
      (entry) => `${entry.recipient} (${entry.reden})`,
    );
    return `receipt   ${String(document.messageId)}: delivered to ${to.join(', ') || 'no one'}${
      waiting.length > 0 ? `; waiting for a usable key: ${waiting.join(', ')}` : ''
    }${signed}`;
  }
  const errors = (document.errors as { message: string }[]) ?? [];
  return `${type.padEnd(9)} ${errors.map((error) => error.message).join('; ')}${signed}`;
}
