import fc from 'fast-check';
import { signAndEncrypt } from '../index';
import {
  GnupgHome,
  listPackets,
  loadWriterKeyPool,
  MAX_PAYLOAD_BYTES,
  payloadBytes,
  payloadSpec,
  requireGnupg,
  statusKeywords,
  statusLine,
  withEncryptedDataByteFlipped,
  type WriterPoolKey,
} from '../../testing';

/*
 * The hub's writer checked by GnuPG 2.2, what partners run: a sample of outputs of mixed keys
 * and sizes, each decrypted in the home of one recipient that holds only its own secret key and
 * the signers' public keys.
 */

const upper = (keyId: string) => keyId.toUpperCase();

describe('signAndEncrypt read back by GnuPG 2.2', () => {
  let pool: readonly WriterPoolKey[];
  let signers: readonly WriterPoolKey[];
  /** Per pool key, a GnuPG home with that key's secret key and every signer's public key. */
  let homes: readonly GnupgHome[];

  beforeAll(async () => {
    requireGnupg();
    pool = await loadWriterKeyPool();
    signers = pool.filter((key) => key.signer);
    homes = await Promise.all(
      pool.map(async (key) => {
        const home = await GnupgHome.create();
        await home.importKey(key.privateKeyArmored);
        for (const signer of signers) await home.importKey(signer.publicKeyArmored);
        return home;
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all((homes ?? []).map((home) => home.dispose()));
  });

  const homeOf = (key: WriterPoolKey) => homes[pool.indexOf(key)] as GnupgHome;

  it('decrypts with DECRYPTION_OKAY, reports the signer’s VALIDSIG and lists the pinned packets', async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.nat({ max: pool.length - 1 }),
        fc.uniqueArray(fc.nat({ max: pool.length - 1 }), { maxLength: 2 }),
        fc.nat({ max: signers.length - 1 }),
        async (payload, readerIndex, otherIndexes, signerIndex) => {
          const plaintext = payloadBytes(payload);
          const reader = pool[readerIndex] as WriterPoolKey;
          const recipients = [
            reader,
            ...otherIndexes
              .filter((index) => index !== readerIndex)
              .map((index) => pool[index] as WriterPoolKey),
          ];
          const signer = signers[signerIndex] as WriterPoolKey;
          const [first, ...more] = recipients.map((key) => key.publicKey);
          if (first === undefined) throw new Error('no recipient drawn');
          const message = await signAndEncrypt(plaintext, {
            signingKey: signer.privateKey,
            encryptionKeys: [first, ...more],
          });
          const home = homeOf(reader);

          const result = await home.run(['--decrypt'], message);

          expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({
            exitCode: 0,
          });
          expect(statusKeywords(result)).toEqual(
            expect.arrayContaining(['DECRYPTION_OKAY', 'GOODMDC', 'GOODSIG', 'VALIDSIG']),
          );
          expect(statusKeywords(result)).not.toEqual(expect.arrayContaining(['DECRYPTION_FAILED']));
          expect(statusKeywords(result).filter((keyword) => keyword === 'NEWSIG')).toHaveLength(1);
          // VALIDSIG <signing (sub)key fpr> … <pubkey algo> <hash algo> <class> <primary key fpr>
          const validSig = statusLine(result, 'VALIDSIG') ?? [];
          expect(validSig[1]?.slice(-16)).toBe(upper(signer.signingKeyId));
          expect(validSig.at(-1)).toBe(signer.fingerprint);
          expect(statusLine(result, 'GOODSIG')?.[1]).toBe(upper(signer.signingKeyId));
          // DECRYPTION_INFO <mdc_method> <sym_algo> [<aead_algo>]: SHA-1 MDC, AES-256, no AEAD.
          expect(statusLine(result, 'DECRYPTION_INFO')?.slice(1, 4)).toEqual(['2', '9', '0']);
          const encryptedTo = result.status
            .filter((line) => line.startsWith('ENC_TO '))
            .map((line) => line.split(' ')[1]);
          expect(encryptedTo.sort()).toEqual(
            recipients.map((key) => upper(key.encryptionKeyId)).sort(),
          );
          expect(Buffer.compare(result.stdout, plaintext)).toBe(0);

          const packets = await listPackets(home, message);
          expect(packets.map((packet) => packet.heading.replace(/:.*$/, ''))).toEqual([
            ...recipients.map(() => 'pubkey enc packet'),
            'encrypted data packet',
            'onepass_sig packet',
            'literal data packet',
            'signature packet',
          ]);
          for (const packet of packets.slice(0, recipients.length)) {
            expect(packet.heading).toMatch(/^pubkey enc packet: version 3, algo (1|18), keyid /);
          }
          expect(packets[recipients.length]?.details).toContain('mdc_method: 2');
          expect(packets[recipients.length + 1]?.details).toEqual([
            expect.stringMatching(/^version 3, sigclass 0x00, digest 10, pubkey \d+, last=1$/),
          ]);
          expect(packets[recipients.length + 2]?.details).toEqual([
            expect.stringMatching(/^mode b \(62\), created \d+, name="",$/),
            `raw data: ${plaintext.length} bytes`,
          ]);
          expect(packets[recipients.length + 3]?.details[0]).toMatch(/^version 4, /);
        },
      ),
      {
        numRuns: 30,
        examples: [
          [{ size: 0, seed: 0 }, 3, [], 0],
          [{ size: MAX_PAYLOAD_BYTES, seed: 1 }, 4, [0, 5], 2],
          [{ size: MAX_PAYLOAD_BYTES - 1, seed: 2 }, 6, [1], 1],
        ],
      },
    );
  }, 240_000);

  it('leaves a key outside the recipients with NO_SECKEY and DECRYPTION_FAILED, and no plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.uniqueArray(fc.nat({ max: pool.length - 1 }), { minLength: 2, maxLength: 4 }),
        async (payload, indexes) => {
          const [outsider, ...recipients] = indexes.map((index) => pool[index] as WriterPoolKey);
          const [first, ...more] = recipients.map((key) => key.publicKey);
          if (outsider === undefined || first === undefined) throw new Error('too few keys drawn');
          const message = await signAndEncrypt(payloadBytes(payload), {
            signingKey: (signers[0] as WriterPoolKey).privateKey,
            encryptionKeys: [first, ...more],
          });

          const result = await homeOf(outsider).run(['--decrypt'], message);

          expect(result.exitCode).not.toBe(0);
          expect(statusKeywords(result)).toEqual(
            expect.arrayContaining(['NO_SECKEY', 'DECRYPTION_FAILED']),
          );
          expect(statusKeywords(result)).not.toEqual(expect.arrayContaining(['DECRYPTION_OKAY']));
          expect(result.stdout).toHaveLength(0);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it('refuses a message with any one byte of its SEIPD body changed', async () => {
    const reader = pool[0] as WriterPoolKey;
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (payload, position, mask) => {
          const message = await signAndEncrypt(payloadBytes(payload), {
            signingKey: (signers[0] as WriterPoolKey).privateKey,
            encryptionKeys: [reader.publicKey],
          });
          const tampered = withEncryptedDataByteFlipped(message, position, mask);

          const result = await homeOf(reader).run(['--decrypt'], tampered);

          // GnuPG streams the literal data out before it reaches the MDC (or a bad signature),
          // and garbage inside can make it report almost anything: a reader must go by the exit
          // code and DECRYPTION_OKAY, which always tell the failure.
          expect(result.exitCode).not.toBe(0);
          expect(statusKeywords(result)).not.toEqual(
            expect.arrayContaining([expect.stringMatching(/^(DECRYPTION_OKAY|GOODMDC)$/)]),
          );
        },
      ),
      {
        numRuns: 12,
        // A 512 KB message whose SEIPD version byte is wrong (gpg stops reading its input early),
        // and one whose garbage inner packets make gpg ask for a passphrase.
        examples: [
          [{ size: MAX_PAYLOAD_BYTES, seed: 3 }, 0, 1],
          [{ size: 11475, seed: -19 }, 24, 4],
        ],
      },
    );
  }, 120_000);
});
