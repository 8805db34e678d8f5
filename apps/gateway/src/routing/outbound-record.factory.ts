import { randomUUID } from 'node:crypto';
import { hubDocumentHeaders, type HubDocumentType } from '@samenloop/contracts';
import { signAndEncrypt, type PgpPrivateKey, type PgpPublicKey } from '@samenloop/crypto';
import type { OutboundRecord } from '@samenloop/messaging';

/**
 * A hub document on a partner's delivery topic, in the CloudEvents Kafka binding's binary mode
 * (`hubDocumentHeaders`), the value an OpenPGP message signed by the hub and encrypted to the
 * recipient alone.
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
    headers: hubDocumentHeaders({
      id: options.id ?? randomUUID(),
      source: options.hubSource,
      type: options.type,
      time: options.time,
      ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    }),
  };
}
