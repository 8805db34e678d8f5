import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keyFiles } from '@samenloop/crypto';
import { loggerOptions } from '@samenloop/observability';
import { PartnerKeyPins } from '@samenloop/partners';
import { generateKey, revokeKey, type PublicKey } from 'openpgp';
import pino from 'pino';
import { registry } from '../submissions/submission-handler.fixture';
import { PartnerKeyFiles } from './partner-key-files';

const HOUR_MS = 3_600_000;

async function keyPair(
  options: { keyExpirationTime?: number; userIDs?: { name?: string; email?: string }[] } = {},
) {
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
  let pins: PartnerKeyPins;
  let logLines: string[];
  const keyFile = () => keyFiles.partnerPublic(directory, 'VT-ZOB');
  const writeKeyFile = (armored: string) => {
    mkdirSync(path.dirname(keyFile()), { recursive: true });
    writeFileSync(keyFile(), armored);
  };
  const pin = (partnerId: string, key: PublicKey) => {
    pins = pins.withPin(partnerId, key.getFingerprint());
  };
  /** As `samenloop partner register` does: pinned for VT-ZOB, and in the keys folder. */
  const register = (key: PublicKey) => {
    pin('VT-ZOB', key);
    writeKeyFile(key.armor());
  };
  const alerts = () =>
    logLines
      .map((line) => JSON.parse(line) as { alert?: string; reason?: string })
      .filter((line) => line.alert !== undefined);

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'samenloop-keys-'));
    pins = PartnerKeyPins.empty();
    logLines = [];
    const logger = pino(loggerOptions('test', 'info'), { write: (line) => logLines.push(line) });
    keys = new PartnerKeyFiles(directory, () => pins, registry, logger);
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('has no key for a partner without a key file, and uses one registered later without a restart', async () => {
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ontbreekt',
    });

    const { publicKey } = await keyPair();
    register(publicKey);

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: true,
      key: { fingerprint: publicKey.getFingerprint().toUpperCase() },
    });
  });

  it('reads a replaced key file again, and uses the new key', async () => {
    const first = await keyPair();
    const second = await keyPair();
    register(first.publicKey);
    await keys.state('VT-ZOB', new Date());

    register(second.publicKey);

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: true,
      key: { fingerprint: second.publicKey.getFingerprint().toUpperCase() },
    });
  });

  it('stops using a key once it has expired, without the file changing', async () => {
    const { publicKey } = await keyPair({ keyExpirationTime: 3600 });
    register(publicKey);
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
    register(publicKey);
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({ usable: true });

    const revoked = await revokeKey({ key: privateKey, format: 'object' });
    writeKeyFile(revoked.publicKey.armor());
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ingetrokken',
    });

    writeKeyFile(publicKey.armor());
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-ingetrokken',
      explanation: expect.stringContaining('never used again') as unknown,
    });
  });

  it('calls a key file that holds no key unusable, naming no content', async () => {
    writeKeyFile('not a key at all');

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

  it('refuses a valid key file that is not pinned for the partner, with an alert, and uses it once it is pinned', async () => {
    const { publicKey } = await keyPair();
    writeKeyFile(publicKey.armor());
    const fingerprint = publicKey.getFingerprint().toUpperCase();

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-niet-vastgelegd',
      explanation: expect.stringContaining(
        `key ${fingerprint} in the keys folder is not pinned for VT-ZOB`,
      ) as unknown,
    });
    expect(alerts()).toEqual([
      expect.objectContaining({ alert: 'unpinned-partner-key', partner: 'VT-ZOB' }),
    ]);

    pin('VT-ZOB', publicKey);

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: true,
      key: { fingerprint },
    });
  });

  it("refuses another partner's pinned key put in the partner's place, naming whose it is", async () => {
    const { publicKey } = await keyPair();
    pin('VT-BNO', publicKey);
    writeKeyFile(publicKey.armor());

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-niet-vastgelegd',
      explanation: expect.stringContaining('is pinned for VT-BNO, not for VT-ZOB') as unknown,
    });
  });

  it('stops using a key as soon as its pin is removed, without the key file changing', async () => {
    const first = await keyPair();
    const second = await keyPair();
    register(first.publicKey);
    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({ usable: true });

    pins = pins.withPin('VT-ZOB', second.publicKey.getFingerprint(), { replace: true });

    expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
      usable: false,
      problem: 'sleutel-niet-vastgelegd',
    });
  });

  it('refuses a pinned key whose user id names another partner, by id or by OIN', async () => {
    for (const userID of [
      { name: 'Veilig Thuis VT-BNO', email: 'beheer@vt.example' },
      { name: 'Veilig Thuis 00000099000000003001' },
      { email: 'vt-bno@partners.samenloop.test' },
    ]) {
      const { publicKey } = await keyPair({ userIDs: [userID] });
      register(publicKey);

      expect(await keys.state('VT-ZOB', new Date())).toMatchObject({
        usable: false,
        problem: 'sleutel-niet-vastgelegd',
        explanation: expect.stringContaining(
          'has a user id naming VT-BNO, another partner',
        ) as unknown,
      });
    }
  });
});
