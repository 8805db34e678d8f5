import { createHash } from 'node:crypto';
import { UndecodableBatchError } from './compression';
import {
  DEAD_LETTER_HEADERS,
  recordBytes,
  toDeadLetter,
  toUndecodableBatchDeadLetter,
} from './dead-letter';
import { PoisonRecordError } from './errors';
import type { InboundRecord } from './records';

const record: InboundRecord = {
  topic: 'samenloop.in.politie.v1',
  partition: 2,
  offset: '41',
  key: Buffer.from('case-9'),
  value: Buffer.from('{"naam":"Jan Jansen"}'),
  headers: { ce_id: 'message-9' },
  timestamp: '0',
};
const now = new Date('2026-11-23T10:00:00Z');
const pseudonym = (key: Buffer) => `pseudonym(${key.toString()})`;
const options = { topic: 'dlq', now, maxOriginalBytes: 1024, keyPseudonym: pseudonym };

describe(toDeadLetter.name, () => {
  it("keeps the original value under the pseudonym of its key, without the sender's headers, and adds where it came from and why it failed", () => {
    const deadLetter = toDeadLetter(
      record,
      new PoisonRecordError('signature does not match the sending partner', 'verify-signature'),
      { topic: 'samenloop.deadletter.v1', now, maxOriginalBytes: 1024, keyPseudonym: pseudonym },
    );

    expect(deadLetter).toEqual({
      topic: 'samenloop.deadletter.v1',
      key: 'pseudonym(case-9)',
      value: record.value,
      headers: {
        [DEAD_LETTER_HEADERS.sourceTopic]: 'samenloop.in.politie.v1',
        [DEAD_LETTER_HEADERS.sourcePartition]: '2',
        [DEAD_LETTER_HEADERS.sourceOffset]: '41',
        [DEAD_LETTER_HEADERS.failedStep]: 'verify-signature',
        [DEAD_LETTER_HEADERS.errorClass]: 'PoisonRecordError',
        [DEAD_LETTER_HEADERS.errorMessage]: 'signature does not match the sending partner',
        [DEAD_LETTER_HEADERS.deadLetteredAt]: '2026-11-23T10:00:00.000Z',
      },
    });
  });

  it('records only the class of an unexpected error, whose message may quote input', () => {
    const deadLetter = toDeadLetter(record, new TypeError('naam Jan Jansen'), options);

    expect(deadLetter.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.failedStep]: 'unexpected',
      [DEAD_LETTER_HEADERS.errorClass]: 'TypeError',
      [DEAD_LETTER_HEADERS.errorMessage]: 'unexpected error while processing the record',
    });
  });

  it('names an original larger than it may keep by size and hash, so the dead letter fits its topic', () => {
    const size = recordBytes(record);
    const kept = toDeadLetter(record, new TypeError('x'), { ...options, maxOriginalBytes: size });
    const named = toDeadLetter(record, new TypeError('x'), {
      ...options,
      maxOriginalBytes: size - 1,
    });

    expect(kept.value).toBe(record.value);
    expect(named.key).toBeNull();
    expect(named.value).toBeNull();
    expect(named.headers).not.toHaveProperty('ce_id');
    expect(named.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.sourceOffset]: '41',
      [DEAD_LETTER_HEADERS.originalSize]: String(record.value!.length),
      [DEAD_LETTER_HEADERS.originalSha256]: createHash('sha256')
        .update(record.value!)
        .digest('hex'),
    });
  });
});

describe('a dead letter of a record that must not be kept', () => {
  it('names the original by size and hash, and says why it is absent', () => {
    const deadLetter = toDeadLetter(record, new PoisonRecordError('sent in clear', 'decrypt'), {
      ...options,
      notKept: 'sent unencrypted: the hub writes nothing in clear',
    });

    expect(deadLetter.key).toBeNull();
    expect(deadLetter.value).toBeNull();
    expect(deadLetter.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.originalSize]: String(record.value!.length),
      [DEAD_LETTER_HEADERS.originalAbsent]: 'sent unencrypted: the hub writes nothing in clear',
    });
  });
});

describe(recordBytes.name, () => {
  it('counts key, value and every header name and value, as a record limit does', () => {
    expect(recordBytes(record)).toBe(6 + 21 + 'ce_id'.length + 'message-9'.length);
    expect(recordBytes({ key: null, value: null, headers: { a: [Buffer.from('xy'), 'z'] } })).toBe(
      4,
    );
  });
});

describe(toUndecodableBatchDeadLetter.name, () => {
  it('names the batch by topic, partition and offset range and says there is no original', () => {
    const deadLetter = toUndecodableBatchDeadLetter(
      { topic: 'samenloop.in.politie.v1', partition: 1, firstOffset: '7', lastOffset: '9' },
      new UndecodableBatchError('snappy', 'invalid input'),
      'samenloop.deadletter.v1',
      now,
    );

    expect(deadLetter).toEqual({
      topic: 'samenloop.deadletter.v1',
      key: null,
      value: null,
      headers: {
        [DEAD_LETTER_HEADERS.sourceTopic]: 'samenloop.in.politie.v1',
        [DEAD_LETTER_HEADERS.sourcePartition]: '1',
        [DEAD_LETTER_HEADERS.sourceOffset]: '7',
        [DEAD_LETTER_HEADERS.sourceLastOffset]: '9',
        [DEAD_LETTER_HEADERS.failedStep]: 'decompress',
        [DEAD_LETTER_HEADERS.errorClass]: 'UndecodableBatchError',
        [DEAD_LETTER_HEADERS.errorMessage]:
          'a record batch compressed with snappy cannot be decompressed: invalid input',
        [DEAD_LETTER_HEADERS.deadLetteredAt]: '2026-11-23T10:00:00.000Z',
        [DEAD_LETTER_HEADERS.compression]: 'snappy',
        [DEAD_LETTER_HEADERS.originalAbsent]: expect.stringContaining(
          'could not be decompressed',
        ) as unknown,
      },
    });
  });
});
