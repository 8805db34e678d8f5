import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generatePartnerKey, keyFiles, readPublicKey } from '@samenloop/crypto';
import { PartnerRegistry, readPartnerKeyPins } from '@samenloop/partners';
import { generateKey, revokeKey } from 'openpgp';
import {
  describeRegistration,
  registerPartnerKey,
  RegistrationRefusedError,
  type PartnerKeyRegistration,
} from './register-partner-key';

const registry = PartnerRegistry.fromYaml(
  readFileSync(path.resolve(__dirname, '../../../../deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);

describe(registerPartnerKey.name, () => {
  let root: string;
  let registration: Omit<PartnerKeyRegistration, 'keyFile'>;
  const keyFile = (armored: string) => {
    const file = path.join(root, `key-${Math.random()}.asc`);
    writeFileSync(file, armored);
    return file;
  };
  const register = (armored: string, options: Partial<PartnerKeyRegistration> = {}) =>
    registerPartnerKey({ ...registration, keyFile: keyFile(armored), ...options });
  const refusal = (armored: string, options: Partial<PartnerKeyRegistration> = {}) =>
    register(armored, options).then(
      () => {
        throw new Error('the key was registered');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(RegistrationRefusedError);
        return (error as Error).message;
      },
    );
  const vtZobKey = () =>
    generatePartnerKey({ name: 'Veilig Thuis Zuidoost-Brabant', email: 'ict@vt-zob.example' });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'samenloop-register-'));
    registration = {
      partnerId: 'VT-ZOB',
      registry,
      registrySource: 'oost-brabant.yaml',
      keysDirectory: path.join(root, 'keys'),
      partnerKeysFile: path.join(root, 'partner-keys.yaml'),
    };
  });

  it('puts the key where the gateway reads it and pins its fingerprint for the partner', async () => {
    const key = await vtZobKey();

    const registered = await register(key.publicKeyArmored);

    expect(registered).toEqual({
      fingerprint: key.fingerprint,
      keyFile: keyFiles.partnerPublic(registration.keysDirectory, 'VT-ZOB'),
      pinned: [key.fingerprint],
    });
    const written = await readPublicKey(readFileSync(registered.keyFile, 'utf8'));
    expect(written.fingerprint).toBe(key.fingerprint);
    const pins = await readPartnerKeyPins(registration.partnerKeysFile, registry);
    expect(pins.pinned('VT-ZOB')).toEqual([key.fingerprint]);
  });

  it('keeps the earlier key pinned for an overlap, unless told to replace it', async () => {
    const first = await vtZobKey();
    const second = await vtZobKey();
    const third = await vtZobKey();
    await register(first.publicKeyArmored);

    expect((await register(second.publicKeyArmored)).pinned).toEqual([
      first.fingerprint,
      second.fingerprint,
    ]);
    expect((await register(third.publicKeyArmored, { replace: true })).pinned).toEqual([
      third.fingerprint,
    ]);
  });

  it('prints the fingerprint as gpg groups it, and that no restart is needed', async () => {
    const key = await vtZobKey();
    const registered = await register(key.publicKeyArmored);

    const text = describeRegistration('VT-ZOB', registered, registration.partnerKeysFile);

    expect(text).toMatch(
      /fingerprint {2}([0-9A-F]{4} ){4}[0-9A-F]{4} {2}([0-9A-F]{4} ){4}[0-9A-F]{4}\n/,
    );
    expect(text).toContain('without a gateway restart');
  });

  it('refuses a partner the registry does not know', async () => {
    const key = await vtZobKey();

    expect(await refusal(key.publicKeyArmored, { partnerId: 'VT-NERGENS' })).toBe(
      'VT-NERGENS is not in the partner registry oost-brabant.yaml: add the partner there first (a reviewed change), then register its key',
    );
  });

  it('refuses a key already pinned for another partner: one key cannot serve two', async () => {
    const key = await vtZobKey();
    await register(key.publicKeyArmored);

    expect(await refusal(key.publicKeyArmored, { partnerId: 'VT-BNO' })).toMatch(
      new RegExp(
        `^key ${key.fingerprint} is already pinned for VT-ZOB: one key cannot serve two partners`,
      ),
    );
    const pins = await readPartnerKeyPins(registration.partnerKeysFile, registry);
    expect(pins.pinned('VT-BNO')).toEqual([]);
  });

  it('refuses a key whose user id names another partner', async () => {
    const key = await generatePartnerKey({
      name: 'Politie Oost-Brabant',
      email: 'politie-ob@example.test',
    });

    expect(await refusal(key.publicKeyArmored)).toMatch(
      /has a user id that names POLITIE-OB, another partner in the registry \(by id or OIN\)/,
    );
  });

  it.each([
    [
      'expired',
      () =>
        generateKey({
          type: 'ecc',
          curve: 'curve25519Legacy',
          userIDs: [{ email: 'ict@vt-zob.example' }],
          date: new Date(Date.now() - 7_200_000),
          keyExpirationTime: 3600,
        }).then((key) => key.publicKey),
      /it expired on /,
    ],
    [
      'revoked',
      async () =>
        (
          await revokeKey({
            key: (
              await generateKey({
                type: 'ecc',
                curve: 'curve25519Legacy',
                userIDs: [{ email: 'ict@vt-zob.example' }],
                format: 'object',
              })
            ).privateKey,
          })
        ).publicKey,
      /it is revoked/,
    ],
    [
      'without an encryption subkey',
      () =>
        generateKey({
          type: 'ecc',
          curve: 'curve25519Legacy',
          userIDs: [{ email: 'ict@vt-zob.example' }],
          subkeys: [],
        }).then((key) => key.publicKey),
      /it has no valid encryption subkey/,
    ],
    [
      'RSA of 2048 bits',
      () =>
        generateKey({
          type: 'rsa',
          rsaBits: 2048,
          userIDs: [{ email: 'ict@vt-zob.example' }],
        }).then((key) => key.publicKey),
      /it has an RSA primary key of 2048 bits; RSA keys need at least 3072 bits/,
    ],
    [
      'a v6 key',
      () =>
        generateKey({
          type: 'curve25519',
          userIDs: [{ email: 'ict@vt-zob.example' }],
          config: { v6Keys: true },
        }).then((key) => key.publicKey),
      /it is a v6 key/,
    ],
  ])('refuses a key that is %s, saying what a usable key is', async (_case, make, why) => {
    const message = await refusal(await make());

    expect(message).toMatch(why);
    expect(message).toContain('gpg --quick-generate-key');
    // Nothing pinned, nothing put in the keys folder.
    expect(existsSync(registration.partnerKeysFile)).toBe(false);
    expect(existsSync(keyFiles.partnerPublic(registration.keysDirectory, 'VT-ZOB'))).toBe(false);
  });

  it('refuses what is not a public key, asking for the exported public key', async () => {
    const key = await vtZobKey();

    expect(await refusal('not a key')).toMatch(/holds no OpenPGP public key/);
    expect(await refusal(key.privateKeyArmored)).toMatch(
      /expected a public key but got a private key\); send only the public key: `gpg --export --armor <fingerprint>`/,
    );
    expect(
      await registerPartnerKey({ ...registration, keyFile: path.join(root, 'missing.asc') }).catch(
        (error: unknown) => (error as Error).message,
      ),
    ).toBe(`cannot read the key file ${path.join(root, 'missing.asc')} (ENOENT)`);
  });

  it('refuses pins kept inside the keys folder', async () => {
    const key = await vtZobKey();

    expect(
      await refusal(key.publicKeyArmored, {
        partnerKeysFile: path.join(registration.keysDirectory, 'partner-keys.yaml'),
      }),
    ).toMatch(/must not be inside the keys folder/);
  });
});
