import { generateKey, readKey, revokeKey } from 'openpgp';
import { MalformedKeyError, UnusableKeyError } from './errors';
import {
  groupedFingerprint,
  nativeEncryptionAt,
  nativeSignerAt,
  readPrivateKey,
  readPublicKey,
} from './keys';
import { generatePartnerKey, type GeneratedKeyPair } from './partner-key.generator';

const HOUR_SECONDS = 3600;
// Flags of the OpenPGP Features subpacket (openpgp.js's enums.features is missing from its typings).
const FEATURE_MDC = 0x01;
const FEATURE_SEIPD_V2 = 0x08;

let partner: GeneratedKeyPair;

beforeAll(async () => {
  partner = await generatePartnerKey({ name: 'Veilig Thuis Test', email: 'vt@example.test' });
});

describe(generatePartnerKey.name, () => {
  it('makes a v4 EdDSA key with an ECDH curve25519Legacy encryption subkey, as GnuPG 2.2 reads', async () => {
    const key = await readKey({ armoredKey: partner.publicKeyArmored });

    expect(key.keyPacket.version).toBe(4);
    expect(key.getAlgorithmInfo()).toEqual({ algorithm: 'eddsaLegacy', curve: 'ed25519Legacy' });
    expect(key.subkeys).toHaveLength(1);
    expect(key.subkeys[0]?.keyPacket.version).toBe(4);
    expect(key.subkeys[0]?.getAlgorithmInfo()).toEqual({
      algorithm: 'ecdh',
      curve: 'curve25519Legacy',
    });
  });

  it('does not advertise SEIPDv2 (AEAD) in the key features, so senders use SEIPDv1', async () => {
    const key = await readKey({ armoredKey: partner.publicKeyArmored });
    const { selfCertification } = await key.getPrimaryUser();
    const features = selfCertification.features?.[0] ?? 0;

    expect(features & FEATURE_MDC).toBe(FEATURE_MDC);
    expect(features & FEATURE_SEIPD_V2).toBe(0);
  });

  it('reports the fingerprint in upper-case hex, as GnuPG prints it', () => {
    expect(partner.fingerprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('leaves the private key unprotected (a development key)', async () => {
    await expect(readPrivateKey(partner.privateKeyArmored)).resolves.toMatchObject({
      fingerprint: partner.fingerprint,
    });
  });
});

describe(readPublicKey.name, () => {
  it('reads an armored public key for encryption and verification', async () => {
    const key = await readPublicKey(partner.publicKeyArmored);

    expect(key.fingerprint).toBe(partner.fingerprint);
    expect(key.uses).toEqual(['encrypt', 'verify']);
  });

  it('reads a binary public key, and armored text given as bytes', async () => {
    const binary = (await readKey({ armoredKey: partner.publicKeyArmored })).write();

    await expect(readPublicKey(binary)).resolves.toMatchObject({
      fingerprint: partner.fingerprint,
    });
    await expect(
      readPublicKey(new TextEncoder().encode(partner.publicKeyArmored)),
    ).resolves.toMatchObject({ fingerprint: partner.fingerprint });
  });

  it('rejects input that is not a key as malformed', async () => {
    await expect(readPublicKey('not a key')).rejects.toBeInstanceOf(MalformedKeyError);
    await expect(readPublicKey(Uint8Array.from([1, 2, 3]))).rejects.toBeInstanceOf(
      MalformedKeyError,
    );
  });

  it('rejects a private key where a public key belongs', async () => {
    await expect(readPublicKey(partner.privateKeyArmored)).rejects.toThrow(
      new MalformedKeyError('expected a public key but got a private key'),
    );
  });

  it('rejects an expired key, saying when it expired', async () => {
    // OpenPGP stores times in whole seconds.
    const created = new Date(Math.floor(Date.now() / 1000 - 2 * HOUR_SECONDS) * 1000);
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'expired@example.test' }],
      date: created,
      keyExpirationTime: HOUR_SECONDS,
    });

    const error = await readPublicKey(publicKey).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnusableKeyError);
    expect((error as UnusableKeyError).reason).toBe(
      `expired on ${new Date(created.getTime() + HOUR_SECONDS * 1000).toISOString()}`,
    );
    expect((error as UnusableKeyError).kind).toBe('expired');
  });

  it('says until when a key that expires later is usable, so each use can check it cheaply', async () => {
    const created = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'expires@example.test' }],
      date: created,
      keyExpirationTime: HOUR_SECONDS,
    });

    const key = await readPublicKey(publicKey);
    const expiry = new Date(created.getTime() + HOUR_SECONDS * 1000);

    expect(key.usableUntil).toEqual(expiry);
    expect(key.usableAt(new Date(expiry.getTime() - 1))).toBe(true);
    expect(key.usableAt(expiry)).toBe(false);
  });

  it("takes the encryption subkey's own expiry when it comes before the primary key's", async () => {
    const created = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'subkey-expires@example.test' }],
      date: created,
      subkeys: [{ keyExpirationTime: HOUR_SECONDS }],
    });

    const key = await readPublicKey(publicKey);

    expect(key.usableUntil).toEqual(new Date(created.getTime() + HOUR_SECONDS * 1000));
  });

  describe('a newer subkey that expires before an older one', () => {
    const HOUR_MS = HOUR_SECONDS * 1000;
    const now = Math.floor(Date.now() / 1000) * 1000;
    const afterNewer = new Date(now + 2 * HOUR_MS);
    const afterOlder = new Date(now + 4 * HOUR_MS);
    // Created two hours ago: an older encryption and signing subkey valid until three hours from
    // now, and a newer pair from an hour ago that expires in an hour, which openpgp.js prefers.
    const twoGenerations = () =>
      generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ email: 'two-generations@example.test' }],
        date: new Date(now - 2 * HOUR_MS),
        subkeys: [
          { keyExpirationTime: 5 * HOUR_SECONDS },
          { sign: true, keyExpirationTime: 5 * HOUR_SECONDS },
          { date: new Date(now - HOUR_MS), keyExpirationTime: 2 * HOUR_SECONDS },
          { sign: true, date: new Date(now - HOUR_MS), keyExpirationTime: 2 * HOUR_SECONDS },
        ],
      });
    const selectedByOpenpgp = async (armored: string, date: Date, use: 'encrypt' | 'sign') => {
      const key = await readKey({ armoredKey: armored });
      const subkey =
        use === 'encrypt'
          ? await key.getEncryptionKey(undefined, date)
          : await key.getSigningKey(undefined, date);
      return subkey.getKeyID().toHex();
    };

    it('encrypts to the subkey openpgp.js selects at each time, and expires with the last one', async () => {
      const { publicKey } = await twoGenerations();
      const key = await readPublicKey(publicKey);
      const recipientAt = (date: Date) =>
        nativeEncryptionAt(key, date).recipient.keyId.toString('hex');

      const selectedNow = await selectedByOpenpgp(publicKey, new Date(now), 'encrypt');
      const selectedLater = await selectedByOpenpgp(publicKey, afterNewer, 'encrypt');
      expect(selectedLater).not.toBe(selectedNow);
      expect(recipientAt(new Date(now))).toBe(selectedNow);
      expect(recipientAt(afterNewer)).toBe(selectedLater);
      expect(key.usableAt(afterNewer)).toBe(true);
      expect(key.usableUntil).toEqual(new Date(now + 3 * HOUR_MS));
      expect(key.usableAt(afterOlder)).toBe(false);
      expect(() => nativeEncryptionAt(key, afterOlder)).toThrow(UnusableKeyError);
    });

    it('signs with the subkey openpgp.js selects at each time', async () => {
      const { privateKey, publicKey } = await twoGenerations();
      const key = await readPrivateKey(privateKey);
      const signerAt = (date: Date) => nativeSignerAt(key, date).keyId.toString('hex');

      expect(signerAt(new Date(now))).toBe(
        await selectedByOpenpgp(publicKey, new Date(now), 'sign'),
      );
      expect(signerAt(afterNewer)).toBe(await selectedByOpenpgp(publicKey, afterNewer, 'sign'));
      expect(signerAt(afterNewer)).not.toBe(signerAt(new Date(now)));
      expect(() => nativeSignerAt(key, afterOlder)).toThrow(UnusableKeyError);
    });
  });

  it('has no end of use for a key that never expires', async () => {
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'forever@example.test' }],
    });

    const key = await readPublicKey(publicKey);

    expect(key.usableUntil).toBeUndefined();
    expect(key.usableAt(new Date(Date.UTC(2100, 0, 1)))).toBe(true);
  });

  it('rejects a revoked key', async () => {
    const { privateKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'revoked@example.test' }],
      format: 'object',
    });
    const { publicKey } = await revokeKey({ key: privateKey });

    await expect(readPublicKey(publicKey)).rejects.toMatchObject({
      name: 'UnusableKeyError',
      reason: 'is revoked',
      kind: 'revoked',
    });
  });

  it('rejects a key without an encryption subkey as a recipient but accepts it for verification', async () => {
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'sign-only@example.test' }],
      subkeys: [],
    });

    await expect(readPublicKey(publicKey)).rejects.toMatchObject({
      name: 'UnusableKeyError',
      reason: 'has no valid encryption subkey',
    });
    await expect(readPublicKey(publicKey, { uses: ['verify'] })).resolves.toMatchObject({
      uses: ['verify'],
    });
  });

  it('rejects a v6 key, which GnuPG 2.2 cannot read', async () => {
    const { publicKey } = await generateKey({
      type: 'curve25519',
      userIDs: [{ email: 'v6@example.test' }],
      config: { v6Keys: true },
    });

    await expect(readPublicKey(publicKey)).rejects.toMatchObject({
      name: 'UnusableKeyError',
      reason: "is a v6 key; partners' GnuPG 2.2 reads only v4 keys",
    });
  });

  it('rejects a v4 key of the RFC 9580 Ed25519/X25519 type, which GnuPG 2.2 cannot use', async () => {
    const { publicKey } = await generateKey({
      type: 'curve25519',
      userIDs: [{ email: 'rfc9580@example.test' }],
    });

    await expect(readPublicKey(publicKey)).rejects.toMatchObject({
      name: 'UnusableKeyError',
      reason: 'has an encryption subkey of RFC 9580 type x25519, which GnuPG 2.2 cannot use',
    });
  });

  it('names the key by fingerprint and marks the error as not retriable', async () => {
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'sign-only@example.test' }],
      subkeys: [],
      format: 'object',
    });

    const error = await readPublicKey(publicKey.armor()).catch((e: unknown) => e);

    expect(error).toMatchObject({
      fingerprint: publicKey.getFingerprint().toUpperCase(),
      message: `OpenPGP key ${publicKey.getFingerprint().toUpperCase()} has no valid encryption subkey`,
      retriable: false,
    });
  });
});

describe('key strength', () => {
  it('rejects RSA keys under 3072 bits, saying what is accepted instead', async () => {
    const { publicKey } = await generateKey({
      type: 'rsa',
      rsaBits: 2048,
      userIDs: [{ email: 'rsa-2048@example.test' }],
    });

    await expect(readPublicKey(publicKey)).rejects.toMatchObject({
      name: 'UnusableKeyError',
      kind: 'unusable',
      reason:
        'has an RSA primary key of 2048 bits; RSA keys need at least 3072 bits (or use Curve25519)',
    });
  });

  it('accepts an RSA key of 3072 bits', async () => {
    const { publicKey } = await generateKey({
      type: 'rsa',
      rsaBits: 3072,
      userIDs: [{ email: 'rsa-3072@example.test' }],
    });

    await expect(readPublicKey(publicKey)).resolves.toMatchObject({ uses: ['encrypt', 'verify'] });
  });

  it('rejects a NIST P-256 key: only Curve25519 and RSA are accepted', async () => {
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'nistP256',
      userIDs: [{ email: 'p256@example.test' }],
    });

    await expect(readPublicKey(publicKey)).rejects.toMatchObject({
      reason:
        'has a primary key of type ecdsa nistP256; only Curve25519 (Ed25519/X25519) or RSA of at least 3072 bits is accepted',
    });
  });
});

describe('what a read key tells', () => {
  it('lists the user ids, to tell which organisation a key claims to be', async () => {
    const key = await readPublicKey(partner.publicKeyArmored);

    expect(key.userIds).toEqual(['Veilig Thuis Test <vt@example.test>']);
  });

  it('groups a fingerprint as gpg --fingerprint prints it', () => {
    expect(groupedFingerprint('0123456789ABCDEF0123456789ABCDEF01234567')).toBe(
      '0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567',
    );
  });
});

describe(readPrivateKey.name, () => {
  it('rejects a passphrase-protected key without its passphrase and unlocks it with one', async () => {
    const { privateKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'hub@example.test' }],
      passphrase: 'correct horse',
      config: { s2kIterationCountByte: 0 }, // the cheapest S2K keeps the test fast
    });

    await expect(readPrivateKey(privateKey)).rejects.toMatchObject({
      name: 'LockedKeyError',
      passphraseGiven: false,
      reason: 'is passphrase-protected and no passphrase was given',
    });
    await expect(readPrivateKey(privateKey, { passphrase: 'wrong' })).rejects.toMatchObject({
      name: 'LockedKeyError',
      passphraseGiven: true,
      reason: 'could not be unlocked with the given passphrase',
    });
    await expect(
      readPrivateKey(privateKey, { passphrase: 'correct horse' }),
    ).resolves.toMatchObject({ uses: ['sign', 'decrypt'] });
  });

  it('rejects a public key where a private key belongs', async () => {
    await expect(readPrivateKey(partner.publicKeyArmored)).rejects.toBeInstanceOf(
      MalformedKeyError,
    );
  });
});
