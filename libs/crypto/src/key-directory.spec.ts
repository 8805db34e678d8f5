import { mkdtempSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevelopmentKeys, keyFiles } from './key-directory';
import { readPrivateKey, readPublicKey } from './keys';

describe(generateDevelopmentKeys.name, () => {
  it('creates usable keys for the hub and each partner, private ones readable by the owner only, and keeps existing keys', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'samenloop-keys-'));

    const first = await generateDevelopmentKeys(dir, ['VT-ZOB', 'OM']);
    const hubKey = await readFile(keyFiles.hubPrivate(dir), 'utf8');
    const second = await generateDevelopmentKeys(dir, ['VT-ZOB', 'OM', 'RVDK']);

    const secret = await readFile(keyFiles.hubSecret(dir), 'utf8');
    expect(first).toMatchObject({ created: ['hub', 'VT-ZOB', 'OM', 'hub secret'], kept: [] });
    expect(second).toMatchObject({
      created: ['RVDK'],
      kept: ['hub', 'VT-ZOB', 'OM', 'hub secret'],
    });
    expect(await readFile(keyFiles.hubSecret(dir), 'utf8')).toBe(secret);
    expect(statSync(keyFiles.hubSecret(dir)).mode & 0o077).toBe(0);
    expect(await readFile(keyFiles.hubPrivate(dir), 'utf8')).toBe(hubKey);
    await expect(readPrivateKey(hubKey)).resolves.toBeDefined();
    await expect(
      readPublicKey(await readFile(keyFiles.partnerPublic(dir, 'OM'), 'utf8')),
    ).resolves.toBeDefined();
    expect(statSync(keyFiles.partnerPrivate(dir, 'OM')).mode & 0o077).toBe(0);
  });

  it('names the fingerprint of each partner key it creates, for the caller to pin', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'samenloop-keys-'));

    await generateDevelopmentKeys(dir, ['VT-ZOB']);
    const { createdPartnerKeys } = await generateDevelopmentKeys(dir, ['VT-ZOB', 'OM']);

    const om = await readPublicKey(await readFile(keyFiles.partnerPublic(dir, 'OM'), 'utf8'));
    expect(createdPartnerKeys).toEqual({ OM: om.fingerprint });
  });
});
