import {
  CLOUDEVENTS_HEADERS,
  CONTENT_TYPE_HEADER,
  hubDocumentCloudEventType,
  hubDocumentTypeOf,
  PGP_ENCRYPTED,
  type HubDocumentType,
} from '@samenloop/contracts';
import type { OutboundRecord } from '@samenloop/messaging';
import type { OpenedHubDocument } from '@samenloop/partner-side';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** The message a receipt or rejection answers, so a status is found without opening every entry. */
export const ANSWERS_HEADER = 'samenloop-answers';

/** An inbox record as the connector reads it back: ids from its headers, the value still sealed. */
export interface SealedInboxEntry {
  readonly id: string;
  readonly type: HubDocumentType;
  /** The inbox offset: the entry's place in the order, and its cursor. */
  readonly offset: bigint;
  /** The hub's OpenPGP message, exactly as it arrived on the delivery topic. */
  readonly value: Buffer;
  readonly headers: IHeaders;
  /** For a receipt or rejection: the id of the submission it answers. */
  readonly answers?: string;
}

/**
 * The inbox record of an opened hub document: its original sealed bytes (never the decrypted
 * document), keyed by the document id, with ids only in its headers. `ce_type` stays so the entry
 * opens again as the delivery record did.
 */
export function inboxRecord(
  topic: string,
  sealed: Buffer,
  opened: OpenedHubDocument,
): OutboundRecord {
  const answers = answeredMessageId(opened);
  return {
    topic,
    key: opened.id,
    value: sealed,
    headers: {
      [CLOUDEVENTS_HEADERS.type]: hubDocumentCloudEventType(opened.type),
      [CLOUDEVENTS_HEADERS.id]: opened.id,
      [CONTENT_TYPE_HEADER]: PGP_ENCRYPTED,
      ...(answers === undefined ? {} : { [ANSWERS_HEADER]: answers }),
    },
  };
}

/** An inbox record read back; undefined for one that is not the connector's (no id or type). */
export function sealedInboxEntry(message: KafkaMessage): SealedInboxEntry | undefined {
  const headers = message.headers ?? {};
  const id = headerText(headers, CLOUDEVENTS_HEADERS.id);
  const type = hubDocumentTypeOf(headers);
  if (id === undefined || type === undefined || message.value === null) return undefined;
  const answers = headerText(headers, ANSWERS_HEADER);
  return {
    id,
    type,
    offset: BigInt(message.offset),
    value: message.value,
    headers,
    ...(answers === undefined ? {} : { answers }),
  };
}

/** Receipts always name the submission; a rejection only when the hub could read its id. */
function answeredMessageId({ type, document }: OpenedHubDocument): string | undefined {
  if (type === 'delivery') return undefined;
  const { messageId } = document;
  return typeof messageId === 'string' && messageId.length > 0 ? messageId : undefined;
}

function headerText(headers: IHeaders, name: string): string | undefined {
  const raw = headers[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}
