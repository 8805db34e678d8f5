import { cursorOffset, inboxCursor, isInboxCursor } from './inbox-cursor';

describe('inbox cursor', () => {
  it('is an inbox offset in decimal, read back as that offset', () => {
    expect(inboxCursor(1234n)).toBe('1234');
    expect(cursorOffset('1234')).toBe(1234n);
  });

  it.each(['', '-1', '01', '1.5', 'abc', '12345678901234567890', ' 1'])(
    'refuses %p as a cursor',
    (text) => {
      expect(isInboxCursor(text)).toBe(false);
      expect(() => cursorOffset(text)).toThrow(RangeError);
    },
  );
});
