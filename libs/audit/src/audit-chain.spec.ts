import { createHash } from 'node:crypto';
import {
  AUDIT_CHAIN_HEADERS,
  GENESIS_HASH,
  PartitionChainVerifier,
  chainHash,
  chainHeadOf,
  type ReadAuditRecord,
} from './audit-chain';

/** A partition's records chained as the gateway writes them, at offsets 0, 2, 4… (markers between). */
function chained(partition: number, values: readonly string[], from = GENESIS_HASH) {
  let previous = from;
  return values.map((value, index): ReadAuditRecord => {
    const key = Buffer.from(`m-${index}`);
    const hash = chainHash(previous, { partition, key, value: Buffer.from(value) });
    const record = {
      offset: String(index * 2),
      key,
      value: Buffer.from(value),
      headers: {
        [AUDIT_CHAIN_HEADERS.previous]: Buffer.from(previous),
        [AUDIT_CHAIN_HEADERS.hash]: Buffer.from(hash),
      },
    };
    previous = hash;
    return record;
  });
}

function verify(partition: number, records: readonly ReadAuditRecord[], afterDeletion = false) {
  const verifier = new PartitionChainVerifier(partition, afterDeletion);
  for (const record of records) verifier.check(record);
  return verifier.result;
}

const values = ['{"kind":"decision","n":1}', '{"kind":"decision","n":2}', '{"kind":"rejection"}'];

describe(chainHash.name, () => {
  it('is SHA-256 over previous hash, partition, and length-prefixed key and value, as documented', () => {
    const previous = 'ab'.repeat(32);
    const expected = createHash('sha256')
      .update(Buffer.from(previous, 'hex'))
      .update(Buffer.from([0, 0, 0, 2]))
      .update(Buffer.from([0, 0, 0, 3]))
      .update('k-1')
      .update(Buffer.from([0, 0, 0, 2]))
      .update('{}')
      .digest('hex');

    expect(chainHash(previous, { partition: 2, key: 'k-1', value: Buffer.from('{}') })).toBe(
      expected,
    );
  });

  it('tells a null key from an empty one, and one partition from another', () => {
    const empty = chainHash(GENESIS_HASH, { partition: 0, key: '', value: 'v' });
    expect(chainHash(GENESIS_HASH, { partition: 0, key: null, value: 'v' })).not.toBe(empty);
    expect(chainHash(GENESIS_HASH, { partition: 1, key: '', value: 'v' })).not.toBe(empty);
  });

  it('refuses a previous hash that is not 64 lower-case hex digits', () => {
    expect(() => chainHash('AB'.repeat(32), { partition: 0, key: null, value: null })).toThrow(
      /64 lower-case hex/,
    );
  });
});

describe(PartitionChainVerifier.name, () => {
  it('finds an untouched chain intact and counts its records', () => {
    expect(verify(1, chained(1, values))).toEqual({
      partition: 1,
      verified: 3,
      unchainedBefore: 0,
    });
  });

  it('reports an altered value as a hash mismatch at its offset, and stops there', () => {
    const records = chained(0, values);
    records[1] = { ...records[1]!, value: Buffer.from('{"kind":"decision","n":9}') };

    expect(verify(0, records)).toEqual({
      partition: 0,
      verified: 1,
      unchainedBefore: 0,
      firstBreak: { partition: 0, offset: '2', problem: 'hash-mismatch' },
    });
  });

  it('reports the record after a removed one as a predecessor mismatch', () => {
    const [first, , third] = chained(0, values);

    expect(verify(0, [first!, third!]).firstBreak).toEqual({
      partition: 0,
      offset: '4',
      problem: 'predecessor-mismatch',
    });
  });

  it('reports a forged record carrying a copied chain as a predecessor mismatch at its offset', () => {
    const records = chained(0, values);
    const forged = { ...records[0]!, offset: '3', value: Buffer.from('{"kind":"forged"}') };

    expect(verify(0, [records[0]!, records[1]!, forged, records[2]!]).firstBreak).toEqual({
      partition: 0,
      offset: '3',
      problem: 'predecessor-mismatch',
    });
  });

  it('checks a record against the partition it was read from', () => {
    expect(verify(2, chained(1, values)).firstBreak?.problem).toBe('hash-mismatch');
  });

  it('counts records without a chain before the chain began, and breaks on one after', () => {
    const legacy = {
      offset: '0',
      key: null,
      value: Buffer.from('{"kind":"decision"}'),
      headers: {},
    };
    const records = chained(0, values).map((record) => ({
      ...record,
      offset: String(Number(record.offset) + 1),
    }));
    const late = { ...legacy, offset: '9' };

    expect(verify(0, [legacy, ...records])).toEqual({
      partition: 0,
      verified: 3,
      unchainedBefore: 1,
    });
    expect(verify(0, [legacy, ...records, late]).firstBreak).toEqual({
      partition: 0,
      offset: '9',
      problem: 'unchained',
    });
  });

  it('reports a malformed chain header as a record without chain', () => {
    const [first] = chained(0, values);
    const malformed = {
      ...first!,
      headers: { ...first!.headers, [AUDIT_CHAIN_HEADERS.hash]: 'not-a-hash' },
    };

    expect(verify(0, [malformed]).firstBreak?.problem).toBe('unchained');
  });

  it('starts from the first retained record when retention deleted the ones before it', () => {
    const retained = chained(0, values, 'cd'.repeat(32));

    expect(verify(0, retained).firstBreak?.problem).toBe('predecessor-mismatch');
    expect(verify(0, retained, true)).toEqual({
      partition: 0,
      verified: 3,
      unchainedBefore: 0,
      trustedFrom: '0',
    });
  });
});

describe(chainHeadOf.name, () => {
  it('passes on the record’s own hash, or genesis for a record without chain', () => {
    const [first] = chained(0, values);

    expect(chainHeadOf(first!.headers)).toBe(first!.headers[AUDIT_CHAIN_HEADERS.hash]!.toString());
    expect(chainHeadOf({})).toBe(GENESIS_HASH);
  });
});
