import fc from 'fast-check';
import { signAndEncrypt, signAndEncryptWithOpenpgp } from '../envelope';
import { readPublicKey } from '../keys';
import {
  decryptSubmission,
  decryptSubmissionWithOpenpgp,
  MAX_SUBMISSION_PACKETS,
  type DecryptSubmissionOptions,
} from '../submission-decryption';
import { loadWriterKeyPool, payloadBytes, payloadSpec, type WriterPoolKey } from '../../testing';
import { openOwnProfile } from './own-profile-reader';

/*
 * The native reader only ever accepts, and only what openpgp.js accepts with the same result: every
 * message the hub's writer makes opens natively to exactly what openpgp.js reads from it, and any
 * change to such a message either leaves the native path (openpgp.js decides, as before) or, were
 * it ever to open, opens to what openpgp.js says too. `decryptSubmission` as a whole answers
 * exactly as openpgp.js alone does.
 */

const MAX_PLAINTEXT = 512 * 1024;

describe('the native reader of the writer’s own profile', () => {
  let pool: readonly WriterPoolKey[];
  let hubs: readonly WriterPoolKey[];
  let signers: readonly WriterPoolKey[];

  beforeAll(async () => {
    pool = await loadWriterKeyPool();
    hubs = pool.filter((key) => key.privateKey.nativeDecrypter !== undefined);
    signers = pool.filter((key) => key.signer && key.publicKey.nativeVerifier !== undefined);
  });

  function options(
    hub: WriterPoolKey,
    verifiers: readonly WriterPoolKey[],
  ): DecryptSubmissionOptions {
    return {
      decryptionKey: hub.privateKey,
      verificationKeys: verifiers.map((key) => key.publicKey),
      maxPlaintextBytes: MAX_PLAINTEXT,
    };
  }

  function natively(message: Uint8Array, opened: DecryptSubmissionOptions) {
    return openOwnProfile(Buffer.from(message), {
      ...opened,
      maxPackets: MAX_SUBMISSION_PACKETS,
      now: new Date(),
    });
  }

  it('serves the Curve25519 keys of every maker, and leaves RSA keys to openpgp.js', () => {
    expect(hubs.map(({ maker }) => maker)).toEqual(expect.arrayContaining(['openpgp.js', 'gnupg']));
    expect(signers.map(({ maker }) => maker)).toEqual(
      expect.arrayContaining(['openpgp.js', 'gnupg']),
    );
    for (const key of pool.filter(({ algorithm }) => algorithm === 'rsa')) {
      expect(key.privateKey.nativeDecrypter).toBeUndefined();
      expect(key.publicKey.nativeVerifier).toBeUndefined();
    }
  });

  it('opens whatever the writer makes to exactly what openpgp.js reads from it', async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadSpec,
        fc.nat(),
        fc.nat(),
        fc.uniqueArray(fc.nat({ max: 64 }), { maxLength: 4 }),
        async (payload, hubPick, signerPick, otherPicks) => {
          const hub = hubs[hubPick % hubs.length]!;
          const signer = signers[signerPick % signers.length]!;
          const others = otherPicks.map((pick) => pool[pick % pool.length]!);
          const message = await signAndEncrypt(payloadBytes(payload), {
            signingKey: signer.privateKey,
            encryptionKeys: [
              hub.publicKey,
              ...[...new Set(others)].filter((key) => key !== hub).map((key) => key.publicKey),
            ],
          });
          const opened = options(hub, [signer]);

          const native = natively(message, opened);
          const reference = await decryptSubmissionWithOpenpgp(message, opened);

          expect(reference.ok).toBe(true);
          expect(native && { ok: true, ...native }).toEqual(reference);
        },
      ),
      { numRuns: 60 },
    );
  }, 300_000);

  it('never opens a changed message to anything openpgp.js does not, and answers as openpgp.js does', async () => {
    const hub = hubs[0]!;
    const signer = signers[0]!;
    const opened = options(hub, [signer]);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2_000 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'truncate', 'append'),
        async (size, at, mask, change) => {
          const message = Buffer.from(
            await signAndEncrypt(payloadBytes({ size, seed: at }), {
              signingKey: signer.privateKey,
              encryptionKeys: [hub.publicKey],
            }),
          );
          const position = at % message.length;
          const changed =
            change === 'flip'
              ? Buffer.from(message).fill(message[position]! ^ mask, position, position + 1)
              : change === 'truncate'
                ? message.subarray(0, position)
                : Buffer.concat([message, Buffer.from([mask])]);

          const native = natively(changed, opened);
          const reference = await decryptSubmissionWithOpenpgp(changed, opened);

          if (native !== undefined) expect({ ok: true, ...native }).toEqual(reference);
          expect(await decryptSubmission(changed, opened)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  }, 300_000);

  it('leaves to openpgp.js what another writer made, a signer it was not given, and a hub key it cannot serve', async () => {
    const [hub, other] = hubs as [WriterPoolKey, WriterPoolKey];
    const [signer, stranger] = signers as [WriterPoolKey, WriterPoolKey];
    const rsaHub = pool.find(({ algorithm }) => algorithm === 'rsa')!;
    const plaintext = new TextEncoder().encode('{"zorgmelding":"synthetic"}');
    const byOpenpgp = await signAndEncryptWithOpenpgp(plaintext, {
      signingKey: signer.privateKey,
      encryptionKeys: [hub.publicKey],
    });
    const byWriter = await signAndEncrypt(plaintext, {
      signingKey: signer.privateKey,
      encryptionKeys: [hub.publicKey, rsaHub.publicKey],
    });

    expect(natively(byOpenpgp, options(hub, [signer]))).toBeUndefined();
    expect(await decryptSubmission(byOpenpgp, options(hub, [signer]))).toMatchObject({ ok: true });
    expect(natively(byWriter, options(hub, [stranger]))).toBeUndefined();
    expect(await decryptSubmission(byWriter, options(hub, [stranger]))).toMatchObject({
      ok: false,
      failure: 'unknown-signer',
    });
    expect(natively(byWriter, options(other, [signer]))).toBeUndefined();
    expect(natively(byWriter, options(rsaHub, [signer]))).toBeUndefined();
    expect(await decryptSubmission(byWriter, options(rsaHub, [signer]))).toMatchObject({
      ok: true,
      signingKeyFingerprint: signer.fingerprint,
    });
  });

  it('leaves a signer key read for encrypting only, or a plaintext over the limit, to openpgp.js', async () => {
    const [hub] = hubs as [WriterPoolKey];
    const [signer] = signers as [WriterPoolKey];
    const message = await signAndEncrypt(new Uint8Array(100), {
      signingKey: signer.privateKey,
      encryptionKeys: [hub.publicKey],
    });
    const encryptOnly = await readPublicKey(signer.publicKeyArmored, { uses: ['encrypt'] });

    expect(encryptOnly.nativeVerifier).toBeUndefined();
    expect(natively(message, { ...options(hub, [signer]), maxPlaintextBytes: 99 })).toBeUndefined();
    expect(
      await decryptSubmission(message, { ...options(hub, [signer]), maxPlaintextBytes: 99 }),
    ).toEqual({ ok: false, failure: 'too-large' });
  });
});
