import { decryptAndVerify } from '@samenloop/crypto';
import { hubDocumentTypeOf, type HubDocumentType } from '@samenloop/contracts';
import type { PartnerKeys } from './partner-keys';

/** A hub document that opened with the partner's key and carries the hub's valid signature. */
export interface OpenedHubDocument {
  /** The document's own id (`deliveryId`, `receiptId` or `rejectionId`), inside what the hub signed. */
  readonly id: string;
  /** From the record's `ce_type` header. */
  readonly type: HubDocumentType;
  readonly document: Record<string, unknown>;
}

/** Why a record of a partner's delivery topic is not handed over. */
export type RefusalReason =
  'undecryptable' | 'hub-signature-invalid' | 'not-a-hub-document' | 'already-received';

export const REFUSAL_EXPLANATIONS: Readonly<Record<RefusalReason, string>> = {
  undecryptable:
    "not an OpenPGP message encrypted to this partner's key, or damaged: it cannot be read",
  'hub-signature-invalid':
    "the hub's signature does not verify: the content may be forged and is not shown",
  'not-a-hub-document': 'signed by the hub, but not a hub document with an id: not shown',
  'already-received': 'a copy of a document already shown: not shown again',
};

/**
 * A record of the partner's delivery topic as a hub document, or why it is refused — never the
 * content of a refused one. It fails safe: only what the hub signed opens.
 */
export async function openHubDocument(
  record: {
    readonly value: Buffer | null;
    readonly headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  },
  keys: Pick<PartnerKeys, 'privateKey' | 'hubKey'>,
): Promise<OpenedHubDocument | { refused: Exclude<RefusalReason, 'already-received'> }> {
  let decrypted;
  try {
    decrypted = await decryptAndVerify(new Uint8Array(record.value ?? Buffer.alloc(0)), {
      decryptionKey: keys.privateKey,
      verificationKeys: [keys.hubKey],
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
  const type = hubDocumentTypeOf(record.headers);
  if (id === undefined || type === undefined) return { refused: 'not-a-hub-document' };
  return { id, type, document: document as Record<string, unknown> };
}

/** A hub document's own id, inside what the hub signed: a copied record repeats it. */
function documentId(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const { deliveryId, receiptId, rejectionId } = document as Record<string, unknown>;
  const id = deliveryId ?? receiptId ?? rejectionId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
