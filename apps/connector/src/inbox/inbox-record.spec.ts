import type { KafkaMessage } from 'kafkajs';
import { ANSWERS_HEADER, inboxRecord, sealedInboxEntry } from './inbox-record';

const sealed = Buffer.from('-----sealed bytes-----');

function asRead(record: ReturnType<typeof inboxRecord>, offset: string): KafkaMessage {
  return {
    key: Buffer.from(String(record.key)),
    value: record.value as Buffer,
    headers: record.headers,
    offset,
    timestamp: '0',
    attributes: 0,
  } as KafkaMessage;
}

describe(inboxRecord.name, () => {
  it('keeps the sealed bytes as they came, keyed and headed by ids only', () => {
    const record = inboxRecord('inbox', sealed, {
      id: 'receipt-1',
      type: 'receipt',
      document: { receiptId: 'receipt-1', messageId: 'message-1', deliveredTo: [] },
    });

    expect(record).toEqual({
      topic: 'inbox',
      key: 'receipt-1',
      value: sealed,
      headers: {
        ce_type: 'nl.samenloop.receipt',
        ce_id: 'receipt-1',
        'content-type': 'application/pgp-encrypted',
        [ANSWERS_HEADER]: 'message-1',
      },
    });
  });

  it('names no answered message for a delivery', () => {
    const record = inboxRecord('inbox', sealed, {
      id: 'delivery-1',
      type: 'delivery',
      document: { deliveryId: 'delivery-1', messageId: 'message-1' },
    });

    expect(record.headers).not.toHaveProperty(ANSWERS_HEADER);
  });
});

describe(sealedInboxEntry.name, () => {
  it('reads back what inboxRecord wrote, with its offset as the order', () => {
    const record = inboxRecord('inbox', sealed, {
      id: 'rejection-1',
      type: 'rejection',
      document: { rejectionId: 'rejection-1', messageId: 'message-2' },
    });

    expect(sealedInboxEntry(asRead(record, '41'))).toMatchObject({
      id: 'rejection-1',
      type: 'rejection',
      offset: 41n,
      value: sealed,
      answers: 'message-2',
    });
  });

  it('passes over a record that names no hub document', () => {
    const stranger = {
      key: null,
      value: sealed,
      headers: {},
      offset: '3',
    } as unknown as KafkaMessage;

    expect(sealedInboxEntry(stranger)).toBeUndefined();
  });
});
