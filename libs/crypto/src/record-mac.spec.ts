import { temporaryHubSecret } from './temporary-hub-secret';
import { RecordMac } from './record-mac';

describe(RecordMac.name, () => {
  const tick = {
    topic: 'samenloop.clock.v1',
    key: 'clock',
    value: '{"now":"2026-12-03T02:00:00Z"}',
  };

  it('accepts the MAC it made for the same record, as string or bytes', async () => {
    const mac = new RecordMac(await temporaryHubSecret());

    const header = mac.of(tick);

    expect(mac.verify(tick, header)).toBe(true);
    expect(mac.verify({ ...tick, value: Buffer.from(tick.value) }, Buffer.from(header))).toBe(true);
    expect(header).toMatch(/^m1\.[\w-]{43}$/);
  });

  it('refuses a missing MAC, one of another secret, and a genuine MAC on another time, key or topic', async () => {
    const secret = await temporaryHubSecret();
    const mac = new RecordMac(secret);
    const header = mac.of(tick);

    expect(mac.verify(tick, undefined)).toBe(false);
    expect(mac.verify(tick, '')).toBe(false);
    expect(mac.verify(tick, new RecordMac(await temporaryHubSecret()).of(tick))).toBe(false);
    expect(mac.verify({ ...tick, value: '{"now":"2099-01-01T00:00:00Z"}' }, header)).toBe(false);
    expect(mac.verify({ ...tick, key: null }, header)).toBe(false);
    expect(mac.verify({ ...tick, topic: 't-1.samenloop.clock.v1' }, header)).toBe(false);
  });

  it('tells a null key from an empty one, and moves no byte between topic, key and value', async () => {
    const mac = new RecordMac(await temporaryHubSecret());

    expect(mac.of({ ...tick, key: null })).not.toBe(mac.of({ ...tick, key: '' }));
    expect(mac.of({ topic: 'ab', key: 'c', value: null })).not.toBe(
      mac.of({ topic: 'a', key: 'bc', value: null }),
    );
  });

  it('uses a key of its own: not the pseudonym key under the same secret', async () => {
    const secret = await temporaryHubSecret();

    expect(secret.derive('record-mac').equals(secret.derive('pseudonyms'))).toBe(false);
    expect(secret.derive('record-mac').equals(secret.derive('state-seal'))).toBe(false);
  });
});
