import { isBsn } from './bsn';

describe(isBsn.name, () => {
  it.each(['999990019', '999990020', '999990445'])(
    'accepts %s from the test range (passes the 11-test)',
    (bsn) => {
      expect(isBsn(bsn)).toBe(true);
    },
  );

  it.each([
    ['999990018', 'fails the 11-test'],
    ['99999001', 'has 8 digits'],
    ['9999900190', 'has 10 digits'],
    ['99999001a', 'has a letter'],
    ['000000000', 'is all zeros'],
  ])('rejects %s, which %s', (bsn) => {
    expect(isBsn(bsn)).toBe(false);
  });
});
