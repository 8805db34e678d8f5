import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  InvalidPartnerKeyPinsError,
  PartnerKeyPins,
  normaliseFingerprint,
  partnersNamedBy,
} from './partner-key-pins';
import {
  pinFileInsideKeysFolder,
  pinPartnerKeys,
  readPartnerKeyPins,
} from './partner-key-pins-file';
import { PartnerRegistry } from './partner-registry';

const registry = PartnerRegistry.fromYaml(
  readFileSync(path.resolve(__dirname, '../../../deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);
const A = 'AAAA1111AAAA1111AAAA1111AAAA1111AAAA1111';
const B = 'BBBB2222BBBB2222BBBB2222BBBB2222BBBB2222';

function problemsOf(text: string): readonly string[] {
  try {
    PartnerKeyPins.fromYaml(text, 'partner-keys.yaml', registry);
  } catch (error) {
    if (error instanceof InvalidPartnerKeyPinsError) return error.problems;
    throw error;
  }
  throw new Error('the pins loaded');
}

describe(PartnerKeyPins.name, () => {
  it('reads fingerprints per partner, as gpg prints them or compact, in any case', () => {
    const pins = PartnerKeyPins.fromYaml(
      `VT-ZOB:\n  - ${A.toLowerCase()}\n  - 'BBBB 2222 BBBB 2222 BBBB  2222 BBBB 2222 BBBB 2222'\nOM:\n`,
      'partner-keys.yaml',
      registry,
    );

    expect(pins.pinned('VT-ZOB')).toEqual([A, B]);
    expect(pins.pinned('OM')).toEqual([]);
    expect(pins.ownerOf(B)).toBe('VT-ZOB');
    expect(
      pins.ownerOf(normaliseFingerprint('aaaa 1111 aaaa 1111 aaaa 1111 aaaa 1111 aaaa 1111')),
    ).toBe('VT-ZOB');
  });

  it('refuses one fingerprint pinned for two partners, naming both and the fingerprint', () => {
    expect(problemsOf(`VT-ZOB:\n  - ${A}\nVT-BNO:\n  - ${A}\n`)).toEqual([
      `fingerprint ${A} is pinned for VT-ZOB and VT-BNO: one key cannot serve two partners; keep it for the partner it belongs to`,
    ]);
  });

  it('names every malformed entry and every partner the registry does not know', () => {
    expect(problemsOf(`VT-ZOB:\n  - 1234\nVT-NERGENS:\n  - ${A}\nOM: not-a-list\n`)).toEqual([
      "VT-ZOB.0: must be a v4 OpenPGP fingerprint of 40 hex digits, in quotes (as 'ABCD…')",
      'OM: must be a list of key fingerprints',
    ]);
    expect(problemsOf(`VT-NERGENS:\n  - ${A}\n`)).toEqual([
      'VT-NERGENS: not in the partner registry; remove it or add the partner',
    ]);
    expect(problemsOf('- just a list')).toEqual([
      '(root): must map partner ids to lists of key fingerprints',
    ]);
  });

  it('adds a pin beside the earlier ones for an overlap, or instead of them', () => {
    const pins = PartnerKeyPins.empty().withPin('VT-ZOB', A);

    expect(pins.withPin('VT-ZOB', B).pinned('VT-ZOB')).toEqual([A, B]);
    expect(pins.withPin('VT-ZOB', B, { replace: true }).pinned('VT-ZOB')).toEqual([B]);
    expect(() => pins.withPin('VT-BNO', A)).toThrow(
      `fingerprint ${A} is already pinned for VT-ZOB`,
    );
  });

  it('writes a file it reads back the same, and creates it when there is none', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-pins-')), 'pins.yaml');
    expect((await readPartnerKeyPins(file, registry)).pinned('OM')).toEqual([]);

    await pinPartnerKeys(file, registry, { OM: A });
    await pinPartnerKeys(file, registry, { 'VT-ZOB': B });

    const pins = await readPartnerKeyPins(file, registry);
    expect([pins.pinned('OM'), pins.pinned('VT-ZOB')]).toEqual([[A], [B]]);
    expect(await readFile(file, 'utf8')).toContain(`OM:\n  - '${A}'\nVT-ZOB:\n  - '${B}'\n`);
  });
});

describe(pinFileInsideKeysFolder.name, () => {
  it('tells a pin file inside the keys folder from one beside it', () => {
    expect(pinFileInsideKeysFolder('/srv/keys/pins.yaml', '/srv/keys')).toBe(true);
    expect(pinFileInsideKeysFolder('/srv/keys/partners/x/pins.yaml', '/srv/keys/')).toBe(true);
    expect(pinFileInsideKeysFolder('/srv/partner-keys.yaml', '/srv/keys')).toBe(false);
    expect(pinFileInsideKeysFolder('/srv/keys-pins.yaml', '/srv/keys')).toBe(false);
  });
});

describe(partnersNamedBy.name, () => {
  it('finds another partner named by id, e-mail local part or OIN, and not the partner itself', () => {
    expect(
      partnersNamedBy(['Veilig Thuis Brabant-Noordoost (VT-BNO)'], 'VT-ZOB', registry).map(
        (partner) => partner.id,
      ),
    ).toEqual(['VT-BNO']);
    expect(
      partnersNamedBy(['Sleutel <om@example.test>'], 'VT-ZOB', registry).map((p) => p.id),
    ).toEqual(['OM']);
    expect(
      partnersNamedBy(['urn:nld:oin:00000099000000002001'], 'VT-ZOB', registry).map((p) => p.id),
    ).toEqual(['OM']);
    expect(
      partnersNamedBy(
        ['Samenloop development key VT-ZOB <vt-zob@partners.samenloop.test>'],
        'VT-ZOB',
        registry,
      ),
    ).toEqual([]);
  });

  it('does not take a lower-case word or a longer number for a partner', () => {
    expect(
      partnersNamedBy(
        ['Sleutel om te ondertekenen 1000000990000000020011 <beheer@vt-zob.example>'],
        'VT-ZOB',
        registry,
      ),
    ).toEqual([]);
  });
});
