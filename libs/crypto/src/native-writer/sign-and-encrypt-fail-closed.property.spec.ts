import fc from 'fast-check';
import { decrypt, generateKey, readMessage, type PrivateKey } from 'openpgp';
import {
  MalformedKeyError,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
  UnusableKeyError,
  type PgpPublicKey,
} from '../index';
import {
  loadWriterKeyPool,
  payloadBytes,
  payloadSpec,
  withEncryptedDataByteFlipped,
  type WriterPoolKey,
} from '../../testing';

/*
 * What the writer must refuse, and what its readers must refuse of its output: a message is
 * readable by exactly its recipients, intact or not at all; a key that cannot be used exactly
 * right is an error naming its fingerprint, never a message written some other way.
 */

/** Resolves when openpgp.js decrypts `message` as `recipient` (intact, MDC checked), else rejects. */
async function openpgpDecrypts(message: Uint8Array, recipient: PrivateKey): Promise<void> {
  await decrypt({
    message: await readMessage({ binaryMessage: message }),
    decryptionKeys: recipient,
    format: 'binary',
  });
}

function firstRecipient(keys: readonly PgpPublicKey[]): [PgpPublicKey, ...PgpPublicKey[]] {
  const [first, ...more] = keys;
  if (first === undefined) throw new Error('no recipient drawn');
  return [first, ...more];
}

/** Resolves once `date` has passed on the clock `readPublicKey` checks against. */
async function waitUntilPast(date: Date): Promise<void> {
  while (Date.now() <= date.getTime()) {
    await new Promise((resolve) => setTimeout(resolve, date.getTime() - Date.now() + 10));
  }
}

describe('signAndEncrypt fails closed', () => {
  let pool: readonly WriterPoolKey[];
  let curvePool: readonly WriterPoolKey[];
  let hub: WriterPoolKey;

  beforeAll(async () => {
    pool = await loadWriterKeyPool();
    curvePool = pool.filter((key) => key.algorithm === 'curve25519');
    hub = pool.find((key) => key.signer && key.algorithm === 'curve25519') as WriterPoolKey;
  });

  it('writes a message that no key outside its recipients decrypts', async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.uniqueArray(fc.nat({ max: pool.length - 1 }), { minLength: 2, maxLength: 6 }),
        async (payload, indexes) => {
          // The last drawn key is the outsider; the others are the recipients.
          const [outsider, ...recipients] = indexes
            .reverse()
            .map((index) => pool[index] as WriterPoolKey);
          if (outsider === undefined) throw new Error('no outsider drawn');
          const message = await signAndEncrypt(payloadBytes(payload), {
            signingKey: hub.privateKey,
            encryptionKeys: firstRecipient(recipients.map((key) => key.publicKey)),
          });

          await expect(openpgpDecrypts(message, outsider.reader.privateKey)).rejects.toThrow(
            /decrypt|session key/i,
          );
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('writes a message that openpgp.js refuses (MDC) after any one byte of its SEIPD body changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.nat({ max: curvePool.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (payload, readerIndex, position, mask) => {
          const reader = curvePool[readerIndex] as WriterPoolKey;
          const message = await signAndEncrypt(payloadBytes(payload), {
            signingKey: hub.privateKey,
            encryptionKeys: [reader.publicKey],
          });
          const tampered = withEncryptedDataByteFlipped(message, position, mask);

          await expect(openpgpDecrypts(tampered, reader.reader.privateKey)).rejects.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);

  describe('refuses keys read for other uses', () => {
    it.each([0, 1, 2, 3, 4, 5, 6])(
      'a recipient read only for verify (pool key %i)',
      async (index) => {
        const key = pool[index] as WriterPoolKey;
        const verifyOnly = await readPublicKey(key.publicKeyArmored, { uses: ['verify'] });

        await expect(
          signAndEncrypt(new Uint8Array([1]), {
            signingKey: hub.privateKey,
            encryptionKeys: [verifyOnly],
          }),
        ).rejects.toMatchObject({
          constructor: UnusableKeyError,
          fingerprint: key.fingerprint,
          message: expect.stringContaining(key.fingerprint) as unknown,
        });
      },
    );

    it.each([0, 1, 2, 3, 4, 5, 6])(
      'a signer read only for decrypt (pool key %i)',
      async (index) => {
        const key = pool[index] as WriterPoolKey;
        const decryptOnly = await readPrivateKey(key.privateKeyArmored, { uses: ['decrypt'] });

        await expect(
          signAndEncrypt(new Uint8Array([1]), {
            signingKey: decryptOnly,
            encryptionKeys: [hub.publicKey],
          }),
        ).rejects.toMatchObject({
          constructor: UnusableKeyError,
          fingerprint: key.fingerprint,
          message: expect.stringContaining(key.fingerprint) as unknown,
        });
      },
    );
  });

  describe('refuses keys that expire between reading and use', () => {
    const shortLived = () =>
      generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'Short Lived Test', email: 'short@example.test' }],
        keyExpirationTime: 3,
        format: 'armored',
      });

    it('a recipient key', async () => {
      const { publicKey } = await shortLived();
      const recipient = await readPublicKey(publicKey);
      expect(recipient.usableUntil).toBeDefined();
      await waitUntilPast(recipient.usableUntil ?? new Date());

      await expect(
        signAndEncrypt(new Uint8Array([1]), {
          signingKey: hub.privateKey,
          encryptionKeys: [hub.publicKey, recipient],
        }),
      ).rejects.toMatchObject({
        constructor: UnusableKeyError,
        fingerprint: recipient.fingerprint,
        kind: 'expired',
      });
    }, 10_000);

    it('a signing key', async () => {
      const { privateKey, publicKey } = await shortLived();
      const signer = await readPrivateKey(privateKey);
      const expiry = (await readPublicKey(publicKey)).usableUntil;
      expect(expiry).toBeDefined();
      await waitUntilPast(expiry ?? new Date());

      await expect(
        signAndEncrypt(new Uint8Array([1]), {
          signingKey: signer,
          encryptionKeys: [hub.publicKey],
        }),
      ).rejects.toMatchObject({
        constructor: UnusableKeyError,
        fingerprint: signer.fingerprint,
        kind: 'expired',
      });
    }, 10_000);
  });

  describe('refuses malformed keys in readPublicKey', () => {
    const refused = (error: unknown) =>
      error instanceof MalformedKeyError || error instanceof UnusableKeyError;

    it('truncated armor', async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: pool.length - 1 }), fc.nat(), async (index, cut) => {
          const armored = (pool[index] as WriterPoolKey).publicKeyArmored;
          const truncated = armored.slice(0, cut % armored.indexOf('-----END'));

          const error: unknown = await readPublicKey(truncated).then(
            () => undefined,
            (rejection: unknown) => rejection,
          );
          expect(refused(error)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it('a corrupted ECDH point or RSA modulus, of the encryption subkey or the primary key', async () => {
      // One encryption subkey only: of a key with several, openpgp.js (like GnuPG) rightly skips
      // a corrupted one and uses the next valid subkey.
      const singleEncryptionSubkey = pool.filter(
        (key) =>
          key.reader.publicKey.subkeys.filter(
            (subkey) => subkey.getAlgorithmInfo().algorithm !== 'eddsaLegacy',
          ).length === 1,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: singleEncryptionSubkey.length - 1 }),
          fc.constantFrom('encryption subkey', 'primary key'),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (index, target, position, mask) => {
            const key = (singleEncryptionSubkey[index] as WriterPoolKey).reader.publicKey;
            const packet =
              target === 'primary key' ? key.keyPacket : (await key.getEncryptionKey()).keyPacket;
            const params = packet.publicParams as { Q?: Uint8Array; n?: Uint8Array };
            const material = params.Q ?? params.n;
            if (material === undefined) throw new Error('no ECDH point or RSA modulus');
            const binary = Buffer.from(key.write());
            const start = binary.indexOf(material);
            expect(binary.indexOf(material, start + 1)).toBe(-1);
            // Any byte of the value. (A wrong MPI bit count of the same byte length is no
            // corruption: openpgp.js and GnuPG 2.2 alike re-encode it into the same key.)
            const offset = start + (position % material.length);
            binary[offset] = (binary[offset] ?? 0) ^ mask;

            const error: unknown = await readPublicKey(new Uint8Array(binary)).then(
              () => undefined,
              (rejection: unknown) => rejection,
            );
            expect(refused(error)).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    }, 120_000);
  });
});
