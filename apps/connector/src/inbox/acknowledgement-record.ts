import type { KafkaMessage } from 'kafkajs';

/** Who took a document over: the case system through the API, by accepting a webhook call, or as a file in its outbox. */
export type AcknowledgedBy = 'api' | 'webhook' | 'outbox';

/** What the acknowledgements topic keeps per document: ids and a time, nothing of its content. */
export interface AcknowledgementRecord {
  readonly documentId: string;
  readonly at: string;
  readonly by: AcknowledgedBy;
}

export function acknowledgementMessage(record: AcknowledgementRecord): {
  key: string;
  value: string;
} {
  return { key: record.documentId, value: JSON.stringify(record) };
}

/** The document an acknowledgements record names; undefined for a tombstone or a stranger's record. */
export function acknowledgedDocumentId(message: KafkaMessage): string | undefined {
  if (message.value === null) return undefined;
  try {
    const { documentId } = JSON.parse(message.value.toString()) as Partial<AcknowledgementRecord>;
    return typeof documentId === 'string' && documentId === message.key?.toString()
      ? documentId
      : undefined;
  } catch {
    return undefined;
  }
}
