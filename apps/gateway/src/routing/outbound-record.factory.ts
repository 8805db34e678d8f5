import { randomUUID } from 'node:crypto';
import { dataschemaOf } from '@samenloop/contracts';
import { signAndEncrypt, type PgpPrivateKey, type PgpPublicKey } from '@samenloop/crypto';
import type { OutboundRecord } from '@samenloop/messaging';

export type HubDocumentType = 'delivery' | 'receipt' | 'rejection';

/**
 * A hub document on a partner's delivery topic, in the CloudEvents Kafka binding's binary mode:
 * context attributes in `ce_*` headers (no personal data), the value an OpenPGP message signed by
 * the hub and encrypted to the recipient alone.
 */
export async function encryptedHubRecord(options: {
  readonly topic: string;
  readonly key: string | null;
  readonly type: HubDocumentType;
  readonly id?: string;
  readonly document: object;
  readonly hubSource: string;
  readonly hubKey: PgpPrivateKey;
  readonly recipientKey: PgpPublicKey;
  readonly time: Date;
  readonly traceparent?: string;
}): Promise<OutboundRecord> {
  const value = await signAndEncrypt(new TextEncoder().encode(JSON.stringify(options.document)), {
    signingKey: options.hubKey,
    encryptionKeys: [options.recipientKey],
  });
  return {
    topic: options.topic,
    key: options.key,
    value: Buffer.from(value),
    headers: {
      ce_specversion: '1.0',
      ce_id: options.id ?? randomUUID(),
      ce_source: options.hubSource,
      ce_type: `nl.samenloop.${options.type}`,
      ce_time: options.time.toISOString(),
      ce_dataschema: dataschemaOf(options.type),
      'content-type': 'application/pgp-encrypted',
      ...(options.traceparent ? { ce_traceparent: options.traceparent } : {}),
    },
  };
}
