import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keyFiles } from '@samenloop/crypto';
import { createLogger } from '@samenloop/observability';
import { generateKey, revokeKey } from 'openpgp';
import { registry } from '../submissions/submission-handler.fixture';
import { PartnerKeyFiles } from './partner-key-files';

const HOUR_MS = 3_600_000;

async function keyPair(options: { keyExpirationTime?: number } = {}) {
  return generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email: 'vt-zob@partners.samenloop.test' }],
    format: 'object',
    ...options,
  });
}

describe(PartnerKeyFiles.name, () => {
  let directory: string;
  let keys: PartnerKeyFiles;
  const keyFile = () => keyFiles.partnerPublic(directory, 'VT-ZOB');
  const register = (armored: string) => {
    mkdirSync(path.dirname(keyFile()), { recursive: true });
    writeFileSync(keyFile(), armored);
  };

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'samenloop-keys-'));
    keys = new PartnerKeyFiles(directory, registry, createLogger('test', 'fatal'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('has no key for a partner without a key file, and uses one registered later without a restart', async () => {
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ontbreekt',
    });

    const { publicKey } = await keyPair();
    register(publicKey.armor());

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: true,
      key: { fingerprint: publicKey.getFingerprint().toUpperCase() },
    });
  });

  it('reads a replaced key file again, and uses the new key', async () => {
    const first = await keyPair();
    const second = await keyPair();
    register(first.publicKey.armor());
    await keys.state('VT-ZOB', new Date());

    register(second.publicKey.armor());

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: true,
      key: { fingerprint: second.publicKey.getFingerprint().toUpperCase() },
    });
  });

  it('stops using a key once it has expired, without the file changing', async () => {
    const { publicKey } = await keyPair({ keyExpirationTime: 3600 });
    register(publicKey.armor());
    const now = new Date();

    expect(await keys.state('VT-ZOB', now)).toMatchObject({ usable: true });
    expect(await keys.state('VT-ZOB', new Date(now.getTime() + 2 * HOUR_MS))).toMatchObject({
      usable: false,
      problem: 'sleutel-verlopen',
      explanation: expect.stringContaining('expired on') as unknown,
    });
  });

  it('never uses a revoked key again, even when its unrevoked copy comes back', async () => {
    const { privateKey, publicKey } = await keyPair();
    register(publicKey.armor());
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({ usable: true });

    const revoked = await revokeKey({ key: privateKey, format: 'object' });
    register(revoked.publicKey.armor());
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ingetrokken',
    });

    register(publicKey.armor());
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ingetrokken',
      explanation: expect.stringContaining('never used again') as unknown,
    });
  });

  it('calls a key file that holds no key unusable, naming no content', async () => {
    register('not a key at all');

    const state = await keys.state('VT-ZOB', new Date());

    expect(state).toMatchObject({ usable: false, problem: 'sleutel-onbruikbaar' });
    expect(JSON.stringify(state)).not.toContain('not a key at all');
  });

  it('has no key for an id that is not in the partner registry', async () => {
    expect(await keys.state('NOBODY', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ontbreekt',
    });
  });
});
