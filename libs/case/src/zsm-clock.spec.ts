import { inDutchTime, zsmDeadline } from './zsm-clock';

const deadline = (arrested: string, pretrial = true) =>
  inDutchTime(zsmDeadline(new Date(arrested), pretrial));

describe(zsmDeadline.name, () => {
  it.each([
    [
      'arrested at 22:00: two hours that evening, seven from 09:00',
      '2026-11-23T22:00:00+01:00',
      '2026-11-24T16:00:00.000+01:00',
    ],
    [
      'arrested at 10:00: nine hours the same day',
      '2026-11-23T10:00:00+01:00',
      '2026-11-23T19:00:00.000+01:00',
    ],
    [
      'arrested at 15:00: nine hours ending exactly at midnight',
      '2026-11-23T15:00:00+01:00',
      '2026-11-24T00:00:00.000+01:00',
    ],
    [
      'arrested at 03:00: counting starts at 09:00',
      '2026-11-24T03:00:00+01:00',
      '2026-11-24T18:00:00.000+01:00',
    ],
    [
      'arrested at 23:30: half an hour that evening',
      '2026-11-23T23:30:00+01:00',
      '2026-11-24T17:30:00.000+01:00',
    ],
    ['arrested at 23:59:30 given in UTC', '2026-11-23T22:59:30Z', '2026-11-24T17:59:30.000+01:00'],
  ])('%s', (_case, arrested, expected) => {
    expect(deadline(arrested)).toBe(expected);
  });

  it('allows 6 hours for an offence without pre-trial detention', () => {
    expect(deadline('2026-11-23T22:00:00+01:00', false)).toBe('2026-11-24T13:00:00.000+01:00');
  });

  it('keeps Dutch local time across the spring daylight-saving change (29 March 2026)', () => {
    expect(deadline('2026-03-28T22:00:00+01:00')).toBe('2026-03-29T16:00:00.000+02:00');
  });

  it('keeps Dutch local time across the autumn daylight-saving change (25 October 2026)', () => {
    expect(deadline('2026-10-24T22:00:00+02:00')).toBe('2026-10-25T16:00:00.000+01:00');
  });
});
