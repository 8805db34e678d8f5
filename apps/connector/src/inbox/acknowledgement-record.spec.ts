import type { KafkaMessage } from 'kafkajs';
import { acknowledgedDocumentId, acknowledgementMessage } from './acknowledgement-record';

const read = (key: string, value: string | null) =>
  ({ key: Buffer.from(key), value: value === null ? null : Buffer.from(value) }) as KafkaMessage;

describe(acknowledgementMessage.name, () => {
  it('keys the acknowledgement by the document id and holds ids and a time only', () => {
    const message = acknowledgementMessage({
      documentId: 'delivery-1',
      at: '2026-12-03T10:00:00.000Z',
      by: 'api',
    });

    expect(message.key).toBe('delivery-1');
    expect(JSON.parse(message.value)).toEqual({
      documentId: 'delivery-1',
      at: '2026-12-03T10:00:00.000Z',
      by: 'api',
    });
    expect(acknowledgedDocumentId(read(message.key, message.value))).toBe('delivery-1');
  });

  it('counts neither a tombstone, a record it cannot read, nor one keyed by another document', () => {
    expect(acknowledgedDocumentId(read('delivery-1', null))).toBeUndefined();
    expect(acknowledgedDocumentId(read('delivery-1', 'not json'))).toBeUndefined();
    expect(
      acknowledgedDocumentId(read('delivery-2', JSON.stringify({ documentId: 'delivery-1' }))),
    ).toBeUndefined();
  });
});
