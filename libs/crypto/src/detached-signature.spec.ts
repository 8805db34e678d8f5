import {
  enums,
  readKey,
  readPrivateKey as readOpenpgpPrivateKey,
  readSignature,
  revokeKey,
} from 'openpgp';
import {
  MAX_DETACHED_SIGNATURE_BYTES,
  MAX_DETACHED_SIGNATURE_PACKETS,
  signDetached,
  verifyDetached,
} from './detached-signature';
import { UnusableKeyError } from './errors';
import { PgpPublicKey, readPrivateKey, readPublicKey, type PgpPrivateKey } from './keys';
import { generatePartnerKey, type GeneratedKeyPair } from './partner-key.generator';

const submission = new TextEncoder().encode(
  JSON.stringify({ type: 'zorgmelding', data: { naam: 'Jan Jansen' } }),
);

/** One real signature repeated: every copy names the signer's key, so every copy would be hashed. */
function repeated(signature: Uint8Array, times: number): Uint8Array {
  const bytes = new Uint8Array(signature.length * times);
  for (let copy = 0; copy < times; copy += 1) bytes.set(signature, copy * signature.length);
  return bytes;
}

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

let politie: GeneratedKeyPair;
let politieSigning: PgpPrivateKey;
let politiePublic: PgpPublicKey;
let stranger: PgpPrivateKey;

beforeAll(async () => {
  politie = await generatePartnerKey({ name: 'Politie Test', email: 'politie@example.test' });
  politieSigning = await readPrivateKey(politie.privateKeyArmored);
  politiePublic = await readPublicKey(politie.publicKeyArmored);
  const strangerPair = await generatePartnerKey({ name: 'Stranger', email: 'x@example.test' });
  stranger = await readPrivateKey(strangerPair.privateKeyArmored);
});

describe(signDetached.name, () => {
  it('makes one binary (not armored) signature packet of type binary, by the signing key', async () => {
    const signature = await signDetached(submission, politieSigning);
    const parsed = await readSignature({ binarySignature: signature });

    expect(new TextDecoder().decode(signature.subarray(0, 10))).not.toContain('-----');
    expect(parsed.packets).toHaveLength(1);
    expect(parsed.packets[0]?.signatureType).toBe(enums.signature.binary);
    expect(parsed.getSigningKeyIDs()[0]?.toHex().toUpperCase()).toBe(
      politie.fingerprint.slice(-16),
    );
  });

  it('refuses a key that was read only for decryption', async () => {
    const decryptOnly = await readPrivateKey(politie.privateKeyArmored, { uses: ['decrypt'] });

    await expect(signDetached(submission, decryptOnly)).rejects.toThrow(
      new UnusableKeyError(politie.fingerprint, "was not read for use 'sign'"),
    );
  });
});

describe(verifyDetached.name, () => {
  it('accepts a signature over the same bytes and names the signing key', async () => {
    const signature = await signDetached(submission, politieSigning);

    await expect(verifyDetached(submission, signature, [politiePublic])).resolves.toEqual({
      valid: true,
      signingKeyFingerprint: politie.fingerprint,
    });
  });

  it('accepts the armored form, as text or as bytes', async () => {
    const armored = (
      await readSignature({
        binarySignature: await signDetached(submission, politieSigning),
      })
    ).armor();

    await expect(verifyDetached(submission, armored, [politiePublic])).resolves.toMatchObject({
      valid: true,
    });
    await expect(
      verifyDetached(submission, new TextEncoder().encode(armored), [politiePublic]),
    ).resolves.toMatchObject({ valid: true });
  });

  it('finds the signer among several partner keys', async () => {
    const other = await readPublicKey(
      (await generatePartnerKey({ name: 'OM', email: 'om@example.test' })).publicKeyArmored,
    );
    const signature = await signDetached(submission, politieSigning);

    await expect(verifyDetached(submission, signature, [other, politiePublic])).resolves.toEqual({
      valid: true,
      signingKeyFingerprint: politie.fingerprint,
    });
  });

  it('reports bad-signature when one byte of the data changed', async () => {
    const signature = await signDetached(submission, politieSigning);
    const tampered = flipBit(submission, submission.length - 3);

    await expect(verifyDetached(tampered, signature, [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('reports unknown-signer when the signature is by a key the partner does not own', async () => {
    const signature = await signDetached(submission, stranger);

    await expect(verifyDetached(submission, signature, [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'unknown-signer',
    });
  });

  it('reports unknown-signer when no keys are given', async () => {
    const signature = await signDetached(submission, politieSigning);

    await expect(verifyDetached(submission, signature, [])).resolves.toEqual({
      valid: false,
      reason: 'unknown-signer',
    });
  });

  it.each([
    ['random bytes', Uint8Array.from([0x01, 0x02, 0x03, 0x04, 0x05])],
    ['a packet header with nothing behind it', Uint8Array.from([0xc2, 0x40, 0x04])],
    ['text that is not armor', 'this is not a signature'],
    [
      'armor with a broken body',
      '-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl!!\n-----END PGP SIGNATURE-----\n',
    ],
  ])('reports malformed-signature for %s, without throwing', async (_label, garbage) => {
    await expect(verifyDetached(submission, garbage, [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'malformed-signature',
    });
  });

  it('reports malformed-signature for a public key sent where the signature belongs', async () => {
    await expect(
      verifyDetached(submission, politie.publicKeyArmored, [politiePublic]),
    ).resolves.toEqual({ valid: false, reason: 'malformed-signature' });
  });

  it('reports no-signature for an empty signature', async () => {
    await expect(verifyDetached(submission, new Uint8Array(0), [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'no-signature',
    });
    await expect(verifyDetached(submission, '  \n', [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'no-signature',
    });
  });

  it('reports unusable-signer-key when the signer revoked the key as compromised', async () => {
    // Keys are read once; the hub can still hold a key whose owner has since revoked it.
    const signature = await signDetached(submission, politieSigning);
    const { publicKey: revokedArmored } = await revokeKey({
      key: await readOpenpgpPrivateKey({ armoredKey: politie.privateKeyArmored }),
      reasonForRevocation: { flag: enums.reasonForRevocation.keyCompromised },
    });
    const revoked = new PgpPublicKey(
      await readKey({ armoredKey: revokedArmored }),
      politie.fingerprint,
      ['verify'],
    );

    await expect(verifyDetached(submission, signature, [revoked])).resolves.toEqual({
      valid: false,
      reason: 'unusable-signer-key',
    });
  });

  it('still accepts one signature per key up to the packet limit, as during a key rotation', async () => {
    const signature = await signDetached(submission, politieSigning);

    await expect(
      verifyDetached(submission, repeated(signature, MAX_DETACHED_SIGNATURE_PACKETS), [
        politiePublic,
      ]),
    ).resolves.toMatchObject({ valid: true });
  });

  it('refuses a signature with more packets than the limit, binary or armored', async () => {
    const signature = await signDetached(submission, politieSigning);
    const stuffed = repeated(signature, MAX_DETACHED_SIGNATURE_PACKETS + 1);
    const armored = (await readSignature({ binarySignature: stuffed })).armor();

    await expect(verifyDetached(submission, stuffed, [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'too-many-signatures',
    });
    await expect(verifyDetached(submission, armored, [politiePublic])).resolves.toEqual({
      valid: false,
      reason: 'too-many-signatures',
    });
  });

  it('refuses a signature larger than the byte limit before parsing it, binary or armored', async () => {
    const signature = await signDetached(submission, politieSigning);
    const stuffed = repeated(
      signature,
      Math.ceil((MAX_DETACHED_SIGNATURE_BYTES + 1) / signature.length),
    );
    const armored = (await readSignature({ binarySignature: stuffed })).armor();

    expect(stuffed.length).toBeGreaterThan(MAX_DETACHED_SIGNATURE_BYTES);
    for (const input of [stuffed, armored, new TextEncoder().encode(armored)])
      await expect(verifyDetached(submission, input, [politiePublic])).resolves.toEqual({
        valid: false,
        reason: 'signature-too-large',
      });
    // Garbage of that size is refused for its size too: nothing of it is parsed.
    await expect(
      verifyDetached(submission, new Uint8Array(MAX_DETACHED_SIGNATURE_BYTES + 1), [politiePublic]),
    ).resolves.toEqual({ valid: false, reason: 'signature-too-large' });
  });

  it('never puts the signed data into the result', async () => {
    const signature = await signDetached(submission, stranger);

    const result = await verifyDetached(submission, signature, [politiePublic]);

    expect(JSON.stringify(result)).not.toContain('Jan Jansen');
  });
});
