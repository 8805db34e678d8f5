import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { HourlyOffsetZone } from './hourly-offset-zone';

const AMSTERDAM = IANAZone.create('Europe/Amsterdam');

describe(HourlyOffsetZone.name, () => {
  // Instants from 1900 (Amsterdam Mean Time, +00:19:32) to 2100, often asked twice so the second
  // answer comes from memory.
  const instants = fc.array(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), {
    minLength: 1,
    maxLength: 20,
  });

  it('answers every offset exactly as the IANA zone does, remembered or not', () => {
    const zone = new HourlyOffsetZone('Europe/Amsterdam');
    fc.assert(
      fc.property(instants, (moments) => {
        for (const ts of [...moments, ...moments])
          expect(zone.offset(ts)).toBe(AMSTERDAM.offset(ts));
      }),
      { numRuns: 2_000 },
    );
  });

  it('does not carry an offset across a transition within its hour', () => {
    // Amsterdam's transitions in tzdata all fall on a UTC hour; Kolkata's of 1941 fell at 18:30 UTC.
    const zone = new HourlyOffsetZone('Asia/Kolkata');
    const kolkata = IANAZone.create('Asia/Kolkata');
    const transition = Date.UTC(1941, 8, 30, 18, 30);
    const hourStart = Date.UTC(1941, 8, 30, 18);
    for (const ts of [hourStart, transition, hourStart, transition - 1, transition])
      expect(zone.offset(ts)).toBe(kolkata.offset(ts));
    expect(zone.offset(hourStart)).toBe(330);
    expect(zone.offset(transition)).toBe(390);
  });

  it('answers daylight-saving changes at the hour exactly', () => {
    const zone = new HourlyOffsetZone('Europe/Amsterdam');
    const changes = [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)];
    for (const change of changes)
      for (const ts of [change - 1, change, change + 1, change - 1])
        expect(zone.offset(ts)).toBe(AMSTERDAM.offset(ts));
    expect(zone.offset(changes[0]! - 1)).toBe(60);
    expect(zone.offset(changes[0]!)).toBe(120);
  });

  it('refuses a zone name it does not know', () => {
    expect(() => new HourlyOffsetZone('Europe/Nowhere')).toThrow(
      'unknown time zone Europe/Nowhere',
    );
  });
});
