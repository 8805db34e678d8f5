import { describeVerification } from './audit-verification';

describe(describeVerification.name, () => {
  it('says a partition is intact with the records it verified', () => {
    expect(describeVerification({ partition: 0, verified: 12, unchainedBefore: 0 })).toBe(
      'partition 0: 12 chained records verified, intact',
    );
  });

  it('names the first break by offset and what is wrong', () => {
    expect(
      describeVerification({
        partition: 2,
        verified: 5,
        unchainedBefore: 3,
        firstBreak: { partition: 2, offset: '17', problem: 'predecessor-mismatch' },
      }),
    ).toBe(
      'partition 2: 3 records from before the chain, unchecked; 5 chained records verified, then BROKEN at offset 17: predecessor mismatch: it does not chain to the record before it (one inserted, removed or reordered)',
    );
  });

  it('says where the check started when retention deleted the oldest records', () => {
    expect(
      describeVerification({ partition: 1, verified: 4, unchainedBefore: 0, trustedFrom: '900' }),
    ).toBe(
      'partition 1: records before offset 900 deleted (retention), checked from there; 4 chained records verified, intact',
    );
  });
});
