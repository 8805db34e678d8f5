import fc from 'fast-check';
import { enums } from 'openpgp';
import { signAndEncrypt } from '../index';
import {
  decryptSessionKey,
  envelopeFrame,
  loadWriterKeyPool,
  MAX_PAYLOAD_BYTES,
  openWithOpenpgp,
  payloadBytes,
  payloadSpec,
  type WriterPoolKey,
} from '../../testing';

/*
 * The hub's writer checked by a reader that shares none of its code paths: openpgp.js, given only
 * the bytes and keys it parsed itself. The profile is pinned (what GnuPG 2.2 and partners read),
 * not the implementation: one PKESK v3 per recipient's selected encryption subkey, one SEIPD v1
 * (MDC), inside it a one-pass signature, binary literal data and a v4 signature, no compression.
 */

const PKESK_ALGORITHM = { curve25519: enums.publicKey.ecdh, rsa: enums.publicKey.rsaEncryptSign };

describe('signAndEncrypt read back by openpgp.js', () => {
  let pool: readonly WriterPoolKey[];
  let signers: readonly (WriterPoolKey & { signingAlgorithm: number })[];

  beforeAll(async () => {
    pool = await loadWriterKeyPool();
    signers = await Promise.all(
      pool
        .filter((key) => key.signer)
        .map(async (key) => ({
          ...key,
          signingAlgorithm: (await key.reader.publicKey.getSigningKey()).keyPacket.algorithm,
        })),
    );
  });

  it('uses a pool of every key shape the writer must handle', () => {
    expect(pool.map(({ maker, algorithm, signer }) => ({ maker, algorithm, signer }))).toEqual(
      expect.arrayContaining([
        { maker: 'openpgp.js', algorithm: 'curve25519', signer: true },
        { maker: 'openpgp.js', algorithm: 'rsa', signer: true },
        { maker: 'gnupg', algorithm: 'curve25519', signer: false },
        { maker: 'gnupg', algorithm: 'rsa', signer: false },
        { maker: 'gnupg', algorithm: 'curve25519', signer: true },
      ]),
    );
    expect(pool.length).toBeGreaterThanOrEqual(6);
  });

  it('expects the encryption subkey and signing key openpgp.js selects: the valid newest subkey, a signing subkey over the primary', async () => {
    for (const key of pool) {
      const publicKey = key.reader.publicKey;
      expect(key.encryptionKeyId).toBe((await publicKey.getEncryptionKey()).getKeyID().toHex());
      expect(key.signingKeyId).toBe((await publicKey.getSigningKey()).getKeyID().toHex());
    }
    const twoSubkeys = pool.find((key) => key.reader.publicKey.subkeys.length === 3);
    const subkeyIds = twoSubkeys?.reader.publicKey.subkeys.map((subkey) =>
      subkey.getKeyID().toHex(),
    );
    // Subkeys by age: valid, valid and newer (the one to use), newest but expired.
    expect(twoSubkeys?.encryptionKeyId).toBe(subkeyIds?.[1]);
    const signingSubkey = signers.find(
      (key) => key.signingKeyId !== key.reader.publicKey.getKeyID().toHex(),
    );
    expect(signingSubkey).toBeDefined();
  });

  it('writes the pinned profile that every recipient decrypts and whose signature verifies', async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.uniqueArray(fc.nat({ max: pool.length - 1 }), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: signers.length - 1 }),
        fc.nat(),
        // RSA private-key decryption is slow in openpgp.js: an RSA recipient reads one case in 8.
        fc.nat({ max: 7 }),
        async (payload, recipientIndexes, signerIndex, readerPick, rsaRoll) => {
          const plaintext = payloadBytes(payload);
          const recipients = recipientIndexes.map((index) => pool[index] as WriterPoolKey);
          const signer = signers[signerIndex] as (typeof signers)[number];
          const [first, ...more] = recipients.map((key) => key.publicKey);
          if (first === undefined) throw new Error('no recipient drawn');

          const message = await signAndEncrypt(plaintext, {
            signingKey: signer.privateKey,
            encryptionKeys: [first, ...more],
          });

          const byKeyId = (a: { keyId: string }, b: { keyId: string }) =>
            a.keyId.localeCompare(b.keyId);
          const frame = envelopeFrame(message);
          expect({
            ...frame,
            sessionKeyPackets: [...frame.sessionKeyPackets].sort(byKeyId),
          }).toEqual({
            tags: [
              ...recipients.map(() => enums.packet.publicKeyEncryptedSessionKey),
              enums.packet.symEncryptedIntegrityProtectedData,
            ],
            sessionKeyPackets: recipients
              .map((key) => ({
                version: 3,
                keyId: key.encryptionKeyId,
                algorithm: PKESK_ALGORITHM[key.algorithm],
              }))
              .sort(byKeyId),
            encryptedDataVersion: 1,
          });

          const curveRecipients = recipients.filter((key) => key.algorithm === 'curve25519');
          const rsaRecipients = recipients.filter((key) => key.algorithm === 'rsa');
          const readers =
            curveRecipients.length === 0 || (rsaRoll === 0 && rsaRecipients.length > 0)
              ? rsaRecipients
              : curveRecipients;
          const reader = readers[readerPick % readers.length] as WriterPoolKey;
          const opened = await openWithOpenpgp(
            message,
            reader.reader.privateKey,
            signer.reader.publicKey,
          );

          const { plaintext: read, sessionKey, ...profile } = opened;
          expect(Buffer.compare(read, plaintext)).toBe(0);
          expect(sessionKey.algorithm).toBe('aes256');
          const signature = {
            signatureType: enums.signature.binary,
            hashAlgorithm: enums.hash.sha512,
            publicKeyAlgorithm: signer.signingAlgorithm,
            issuerKeyId: signer.signingKeyId,
          };
          expect(profile).toEqual({
            innerTags: [
              enums.packet.onePassSignature,
              enums.packet.literalData,
              enums.packet.signature,
            ],
            literal: { format: enums.literal.binary, filename: '' },
            onePassSignatures: [signature],
            signatures: [{ ...signature, version: 4 }],
            verifications: [{ keyId: signer.signingKeyId, verified: true }],
          });
          // Every other Curve25519 recipient recovers the same session key from its own PKESK.
          for (const other of curveRecipients.filter((key) => key !== reader)) {
            const theirs = await decryptSessionKey(message, other.reader.privateKey);
            expect(Buffer.compare(theirs.data, sessionKey.data)).toBe(0);
          }
        },
      ),
      {
        numRuns: 1200,
        // The edges, whatever the seed: empty, one byte, and 512 KB to six recipients.
        examples: [
          [{ size: 0, seed: 0 }, [0], 0, 0, 1],
          [{ size: 1, seed: 1 }, [3, 1], 1, 0, 1],
          [{ size: MAX_PAYLOAD_BYTES, seed: 2 }, [0, 1, 2, 3, 5, 6], 2, 1, 0],
          [{ size: MAX_PAYLOAD_BYTES - 1, seed: 3 }, [4, 6], 0, 0, 0],
        ],
      },
    );
  }, 300_000);
});
