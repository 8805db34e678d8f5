import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevelopmentKeys, keyFiles, readPublicKey } from '@samenloop/crypto';
import { PartnerRegistry, readPartnerKeyPins } from '@samenloop/partners';
import { pinDevelopmentKeys } from './development-key-pins';
import { describeHubFingerprint } from './hub-fingerprint';

const registry = PartnerRegistry.fromYaml(
  readFileSync(path.resolve(__dirname, '../../../../deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);
const ids = registry.partners.map((partner) => partner.id);

describe(pinDevelopmentKeys.name, () => {
  let root: string;
  let keys: string;
  let pinsFile: string;
  const fingerprintOf = async (partnerId: string) =>
    (await readPublicKey(readFileSync(keyFiles.partnerPublic(keys, partnerId), 'utf8')))
      .fingerprint;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'samenloop-dev-keys-'));
    keys = path.join(root, 'keys');
    pinsFile = path.join(root, 'partner-keys.yaml');
  });

  it('pins every partner key it generates', async () => {
    const pinned = await pinDevelopmentKeys(
      keys,
      pinsFile,
      registry,
      await generateDevelopmentKeys(keys, ids),
    );

    expect(pinned.sort()).toEqual([...ids].sort());
    const pins = await readPartnerKeyPins(pinsFile, registry);
    expect(pins.pinned('VT-ZOB')).toEqual([await fingerprintOf('VT-ZOB')]);
  });

  it('pins a development key kept from before pins existed, and leaves pinned partners alone', async () => {
    await generateDevelopmentKeys(keys, ids);

    const pinned = await pinDevelopmentKeys(
      keys,
      pinsFile,
      registry,
      await generateDevelopmentKeys(keys, ids),
    );
    expect(pinned.sort()).toEqual([...ids].sort());

    expect(
      await pinDevelopmentKeys(keys, pinsFile, registry, await generateDevelopmentKeys(keys, ids)),
    ).toEqual([]);
  });

  it('does not pin a public key without its development private key: that is for partner register', async () => {
    await generateDevelopmentKeys(keys, ids);
    rmSync(keyFiles.partnerPrivate(keys, 'VT-ZOB'));

    const pinned = await pinDevelopmentKeys(
      keys,
      pinsFile,
      registry,
      await generateDevelopmentKeys(keys, []),
    );

    expect(pinned).not.toContain('VT-ZOB');
    expect((await readPartnerKeyPins(pinsFile, registry)).pinned('VT-ZOB')).toEqual([]);
  });

  it('refuses pins inside the keys folder', async () => {
    await expect(
      pinDevelopmentKeys(
        keys,
        path.join(keys, 'pins.yaml'),
        registry,
        await generateDevelopmentKeys(keys, []),
      ),
    ).rejects.toThrow(/must not be inside the keys folder/);
  });
});

describe(describeHubFingerprint.name, () => {
  it("prints the hub key's fingerprint grouped as gpg does, and compact", async () => {
    const keys = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-hub-fpr-')), 'keys');
    await generateDevelopmentKeys(keys, []);
    const { fingerprint } = await readPublicKey(readFileSync(keyFiles.hubPublic(keys), 'utf8'));

    const text = await describeHubFingerprint(keys);

    expect(text).toContain(`compact      ${fingerprint}\n`);
    expect(text).toContain(
      `fingerprint  ${fingerprint.slice(0, 4)} ${fingerprint.slice(4, 8)} ${fingerprint.slice(8, 12)} ${fingerprint.slice(12, 16)} ${fingerprint.slice(16, 20)}  ${fingerprint.slice(20, 24)}`,
    );
  });

  it('says where to run it when there is no hub key', async () => {
    const keys = mkdtempSync(path.join(tmpdir(), 'samenloop-no-hub-'));

    await expect(describeHubFingerprint(keys)).rejects.toThrow(
      `no hub public key at ${keyFiles.hubPublic(keys)}: run this where the hub's keys are`,
    );
  });
});
