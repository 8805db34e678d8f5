import { writeFile } from 'node:fs/promises';
import { generateKey, readKey, type PrivateKey } from 'openpgp';
import { GnupgHome, requireGnupg, type GnupgGeneratedKey, type GnupgKeyShape } from '../gnupg-home';
import { WRITER_KEY_POOL_FILE, type WriterPoolKeyRecord } from './writer-key-pool';

/*
 * Regenerates the synthetic key pool of the writer's property and GnuPG tests:
 *   npx ts-node -r tsconfig-paths/register --transpile-only \
 *     libs/crypto/testing/writer/generate-writer-key-pool.ts
 */

type Made = Pick<WriterPoolKeyRecord, 'publicKeyArmored' | 'privateKeyArmored'>;
type Described = Omit<
  WriterPoolKeyRecord,
  keyof Made | 'fingerprint' | 'encryptionKeyId' | 'signingKeyId'
>;

const MINUTE_MS = 60_000;

async function openpgpKey(
  options: { type: 'ecc' } | { type: 'rsa'; rsaBits: number },
  userId: string,
): Promise<Made> {
  const { privateKey, publicKey } = await generateKey({
    ...options,
    ...(options.type === 'ecc' ? { curve: 'curve25519Legacy' as const } : {}),
    userIDs: [{ name: userId, email: 'pool@example.test' }],
    format: 'armored',
  });
  return { privateKeyArmored: privateKey, publicKeyArmored: publicKey };
}

/**
 * Three curve25519Legacy encryption subkeys: the oldest valid, the middle one valid and newer
 * (the one a writer must use), the newest already expired.
 */
async function keyWithTwoEncryptionSubkeys(): Promise<Made & { middleSubkeyId: string }> {
  const now = Date.now();
  const { privateKey } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Two Encryption Subkeys', email: 'pool@example.test' }],
    date: new Date(now - 3 * MINUTE_MS),
    format: 'object',
  });
  const withMiddle: PrivateKey = await privateKey.addSubkey({
    date: new Date(now - 2 * MINUTE_MS),
  });
  const withExpired: PrivateKey = await withMiddle.addSubkey({
    date: new Date(now - MINUTE_MS),
    keyExpirationTime: 1,
  });
  const middle = withExpired.subkeys[1];
  if (middle === undefined) throw new Error('addSubkey did not add a subkey');
  return {
    privateKeyArmored: withExpired.armor(),
    publicKeyArmored: withExpired.toPublic().armor(),
    middleSubkeyId: middle.getKeyID().toHex(),
  };
}

async function gnupgKey(home: GnupgHome, userId: string, shape: GnupgKeyShape): Promise<Made> {
  const made: GnupgGeneratedKey = await home.generateKeyOfShape(
    `${userId} <pool@example.test>`,
    shape,
  );
  return { publicKeyArmored: made.publicKeyArmored, privateKeyArmored: made.privateKeyArmored };
}

async function poolRecord(
  made: Made,
  described: Described,
  overrides: { encryptionKeyId?: string; signingKeyId?: string } = {},
): Promise<WriterPoolKeyRecord> {
  const key = await readKey({ armoredKey: made.publicKeyArmored });
  return {
    ...described,
    fingerprint: key.getFingerprint().toUpperCase(),
    encryptionKeyId: overrides.encryptionKeyId ?? (await key.getEncryptionKey()).getKeyID().toHex(),
    signingKeyId: overrides.signingKeyId ?? (await key.getSigningKey()).getKeyID().toHex(),
    ...made,
  };
}

async function main(): Promise<void> {
  requireGnupg();
  const home = await GnupgHome.create();
  try {
    const twoSubkeys = await keyWithTwoEncryptionSubkeys();
    const signingSubkey = await gnupgKey(home, 'GnuPG Signing Subkey', {
      primary: { algorithm: 'ed25519', usage: 'cert' },
      subkeys: [
        { algorithm: 'ed25519', usage: 'sign' },
        { algorithm: 'cv25519', usage: 'encr' },
      ],
    });
    const signingSubkeyId = (await readKey({ armoredKey: signingSubkey.publicKeyArmored })).subkeys
      .find((subkey) => subkey.getAlgorithmInfo().algorithm === 'eddsaLegacy')
      ?.getKeyID()
      .toHex();
    const keys = [
      await poolRecord(await openpgpKey({ type: 'ecc' }, 'openpgp.js Curve25519'), {
        label: 'openpgp.js curve25519Legacy',
        algorithm: 'curve25519',
        maker: 'openpgp.js',
        signer: true,
      }),
      await poolRecord(await openpgpKey({ type: 'rsa', rsaBits: 3072 }, 'openpgp.js RSA 3072'), {
        label: 'openpgp.js RSA 3072',
        algorithm: 'rsa',
        maker: 'openpgp.js',
        signer: true,
      }),
      await poolRecord(await openpgpKey({ type: 'rsa', rsaBits: 4096 }, 'openpgp.js RSA 4096'), {
        label: 'openpgp.js RSA 4096',
        algorithm: 'rsa',
        maker: 'openpgp.js',
        signer: false,
      }),
      await poolRecord(
        await gnupgKey(home, 'GnuPG Curve25519', {
          primary: { algorithm: 'ed25519', usage: 'cert,sign' },
          subkeys: [{ algorithm: 'cv25519', usage: 'encr' }],
        }),
        {
          label: 'GnuPG ed25519 + cv25519',
          algorithm: 'curve25519',
          maker: 'gnupg',
          signer: false,
        },
      ),
      await poolRecord(
        await gnupgKey(home, 'GnuPG RSA 3072', {
          primary: { algorithm: 'rsa3072', usage: 'cert,sign' },
          subkeys: [{ algorithm: 'rsa3072', usage: 'encr' }],
        }),
        { label: 'GnuPG RSA 3072', algorithm: 'rsa', maker: 'gnupg', signer: false },
      ),
      await poolRecord(
        twoSubkeys,
        {
          label: 'openpgp.js with two valid encryption subkeys and an expired newest one',
          algorithm: 'curve25519',
          maker: 'openpgp.js',
          signer: false,
        },
        { encryptionKeyId: twoSubkeys.middleSubkeyId },
      ),
      await poolRecord(
        signingSubkey,
        {
          label: 'GnuPG certify-only primary with an ed25519 signing subkey',
          algorithm: 'curve25519',
          maker: 'gnupg',
          signer: true,
        },
        signingSubkeyId === undefined ? {} : { signingKeyId: signingSubkeyId },
      ),
    ];
    const note =
      'Synthetic OpenPGP keys for the writer tests of @samenloop/crypto; they protect nothing. ' +
      'Regenerate with libs/crypto/testing/writer/generate-writer-key-pool.ts.';
    await writeFile(WRITER_KEY_POOL_FILE, `${JSON.stringify({ note, keys }, null, 2)}\n`);
  } finally {
    await home.dispose();
  }
}

void main();
