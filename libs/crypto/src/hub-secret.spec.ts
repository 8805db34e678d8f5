import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporaryHubSecret } from './temporary-hub-secret';
import { HubSecret, Pseudonyms } from './hub-secret';
import { StateSeal, StateSealError } from './state-seal';

describe(Pseudonyms.name, () => {
  it('gives a value the same pseudonym every time, another one per domain and per secret, and never the value itself', async () => {
    const one = new Pseudonyms(await temporaryHubSecret());
    const other = new Pseudonyms(await temporaryHubSecret());

    const pseudonym = one.of('bsn', '999990019');

    expect(one.of('bsn', '999990019')).toBe(pseudonym);
    expect(one.of('bsn', '999990020')).not.toBe(pseudonym);
    expect(one.of('case-reference', '999990019')).not.toBe(pseudonym);
    expect(other.of('bsn', '999990019')).not.toBe(pseudonym);
    expect(pseudonym).not.toContain('999990019');
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe(StateSeal.name, () => {
  it('opens what it sealed under the same context only, and refuses an altered value', async () => {
    const seal = new StateSeal(await temporaryHubSecret());
    const sealed = seal.seal('{"stage":"melding"}', 'case:case-1');

    expect(sealed).not.toContain('melding');
    expect(seal.open(sealed, 'case:case-1')).toBe('{"stage":"melding"}');
    expect(() => seal.open(sealed, 'case:case-2')).toThrow(StateSealError);
    const [version, iv, body = '', tag] = sealed.split('.');
    const altered = [version, iv, `${body.slice(0, -2)}AA`, tag].join('.');
    expect(() => seal.open(altered, 'case:case-1')).toThrow(StateSealError);
    expect(() => seal.open('{"stage":"melding"}', 'case:case-1')).toThrow(
      /not a sealed state value/,
    );
  });

  it('does not open what another hub secret sealed', async () => {
    const sealed = new StateSeal(await temporaryHubSecret()).seal('x', 'k');
    const otherSeal = new StateSeal(await temporaryHubSecret());
    expect(() => otherSeal.open(sealed, 'k')).toThrow(StateSealError);
  });
});

describe(HubSecret.name, () => {
  it('refuses a secret file that does not hold 32 bytes, naming the file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-secret-')), 'secret.key');
    writeFileSync(file, Buffer.from('short').toString('base64'));
    await expect(HubSecret.read(file)).rejects.toThrow(`${file} must hold 32 random bytes`);
  });
});
