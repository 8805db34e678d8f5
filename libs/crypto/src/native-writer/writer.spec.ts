import { createPublicKey } from 'node:crypto';
import { decrypt, enums, generateKey, readMessage, type Message } from 'openpgp';
import { signAndEncrypt } from '../envelope';
import { UnusableKeyError } from '../errors';
import { readPrivateKey, readPublicKey, type PgpPrivateKey, type PgpPublicKey } from '../keys';
import { HUB_OPENPGP_CONFIG } from '../openpgp-config';
import { generatePartnerKey } from '../partner-key.generator';
import { asBytes } from '../pgp-input';
import type { OpenpgpVerification } from '../signature-check';
import { curve25519RawPublicKey, x25519EphemeralKey } from './key-material';
import { acceptedSessionCiphers, commonSessionCipher, SESSION_CIPHERS } from './symmetric-cipher';

interface Party {
  readonly fingerprint: string;
  readonly privateKey: PgpPrivateKey;
  readonly publicKey: PgpPublicKey;
}

async function read(privateArmored: string, publicArmored: string): Promise<Party> {
  const publicKey = await readPublicKey(publicArmored);
  return {
    fingerprint: publicKey.fingerprint,
    privateKey: await readPrivateKey(privateArmored),
    publicKey,
  };
}

async function curve25519Party(name: string): Promise<Party> {
  const pair = await generatePartnerKey({ name, email: `${name.toLowerCase()}@example.test` });
  return read(pair.privateKeyArmored, pair.publicKeyArmored);
}

async function rsaParty(name: string, keyExpirationTime = 0): Promise<Party> {
  const { privateKey, publicKey } = await generateKey({
    type: 'rsa',
    rsaBits: 3072,
    userIDs: [{ name, email: `${name.toLowerCase()}@example.test` }],
    keyExpirationTime,
    config: HUB_OPENPGP_CONFIG,
  });
  return read(privateKey, publicKey);
}

/** Decrypts and verifies with openpgp.js directly, not through the lib's own reader. */
async function openWithOpenpgp(encrypted: Uint8Array, recipient: Party, signer: Party) {
  const message = await readMessage({ binaryMessage: encrypted });
  const opened: { data: unknown; signatures: OpenpgpVerification[] } = await decrypt({
    message,
    decryptionKeys: recipient.privateKey.openpgpKey,
    verificationKeys: signer.publicKey.openpgpKey,
    format: 'binary',
  });
  const [signature] = opened.signatures;
  const packet = (await signature?.signature)?.packets[0];
  return {
    plaintext: asBytes(opened.data),
    verified: await signature?.verified,
    hashAlgorithm: packet?.hashAlgorithm,
    issuerFingerprint: Buffer.from(packet?.issuerFingerprint ?? [])
      .toString('hex')
      .toUpperCase(),
  };
}

/** Each top-level packet's tag, and for PKESK packets the version and public-key algorithm. */
async function outerPackets(encrypted: Uint8Array) {
  const message: Message<Uint8Array> = await readMessage({ binaryMessage: encrypted });
  return Array.from(message.packets, (packet) => {
    const fields = packet as unknown as { version: number; publicKeyAlgorithm?: number };
    return {
      tag: (packet.constructor as unknown as { tag: enums.packet }).tag,
      version: fields.version,
      algorithm: fields.publicKeyAlgorithm,
    };
  });
}

const payload = new TextEncoder().encode(
  JSON.stringify({ type: 'zorgmelding', data: { naam: 'Synthetische Persoon', dossier: 'T-1' } }),
);

let hub: Party;
let curveRecipient: Party;
let otherCurveRecipient: Party;
let rsaHub: Party;
let rsaRecipient: Party;

beforeAll(async () => {
  [hub, curveRecipient, otherCurveRecipient, rsaHub, rsaRecipient] = await Promise.all([
    curve25519Party('Hub'),
    curve25519Party('VeiligThuis'),
    curve25519Party('Reclassering'),
    rsaParty('RsaHub'),
    rsaParty('RsaPartner'),
  ]);
}, 60_000);

afterEach(() => {
  jest.useRealTimers();
});

describe('the native writer', () => {
  it.each([
    ['EdDSA', 'a Curve25519', () => [hub, curveRecipient] as const],
    ['EdDSA', 'an RSA 3072', () => [hub, rsaRecipient] as const],
    ['RSA 3072', 'a Curve25519', () => [rsaHub, curveRecipient] as const],
    ['RSA 3072', 'an RSA 3072', () => [rsaHub, rsaRecipient] as const],
  ])(
    'signs with %s for %s recipient: openpgp.js decrypts and verifies it',
    async (_s, _r, parties) => {
      const [signer, recipient] = parties();

      const encrypted = await signAndEncrypt(payload, {
        signingKey: signer.privateKey,
        encryptionKeys: [recipient.publicKey],
      });

      await expect(openWithOpenpgp(encrypted, recipient, signer)).resolves.toEqual({
        plaintext: payload,
        verified: true,
        hashAlgorithm: enums.hash.sha512,
        issuerFingerprint: signer.fingerprint,
      });
    },
  );

  it('writes a PKESK v3 per recipient, in order, and one SEIPD v1 packet after them', async () => {
    const encrypted = await signAndEncrypt(payload, {
      signingKey: hub.privateKey,
      encryptionKeys: [curveRecipient.publicKey, rsaRecipient.publicKey],
    });

    await expect(outerPackets(encrypted)).resolves.toEqual([
      {
        tag: enums.packet.publicKeyEncryptedSessionKey,
        version: 3,
        algorithm: enums.publicKey.ecdh,
      },
      {
        tag: enums.packet.publicKeyEncryptedSessionKey,
        version: 3,
        algorithm: enums.publicKey.rsaEncryptSign,
      },
      { tag: enums.packet.symEncryptedIntegrityProtectedData, version: 1, algorithm: undefined },
    ]);
    for (const recipient of [curveRecipient, rsaRecipient]) {
      await expect(openWithOpenpgp(encrypted, recipient, hub)).resolves.toMatchObject({
        plaintext: payload,
        verified: true,
      });
    }
  });

  it('writes an empty payload and one of 512 KB', async () => {
    const large = new Uint8Array(512 * 1024).map((_, index) => index % 251);
    for (const plaintext of [new Uint8Array(0), large]) {
      const encrypted = await signAndEncrypt(plaintext, {
        signingKey: hub.privateKey,
        encryptionKeys: [curveRecipient.publicKey],
      });

      await expect(openWithOpenpgp(encrypted, curveRecipient, hub)).resolves.toMatchObject({
        plaintext,
        verified: true,
      });
    }
  });

  it('is for its recipients only: another key cannot decrypt it', async () => {
    const encrypted = await signAndEncrypt(payload, {
      signingKey: hub.privateKey,
      encryptionKeys: [curveRecipient.publicKey, rsaRecipient.publicKey],
    });

    await expect(openWithOpenpgp(encrypted, otherCurveRecipient, hub)).rejects.toThrow(
      /No decryption key packets found/,
    );
  });

  it('refuses a recipient whose key expired between reading and use, naming it', async () => {
    const expiring = await rsaParty('Expiring', 3600);
    jest.useFakeTimers({ now: Date.now() + 2 * 3600 * 1000, doNotFake: [...ASYNC_TIMERS] });

    const attempt = signAndEncrypt(payload, {
      signingKey: hub.privateKey,
      encryptionKeys: [curveRecipient.publicKey, expiring.publicKey],
    });

    await expect(attempt).rejects.toBeInstanceOf(UnusableKeyError);
    await expect(attempt).rejects.toMatchObject({
      kind: 'expired',
      fingerprint: expiring.fingerprint,
      reason: `expired on ${expiring.publicKey.usableUntil?.toISOString()}`,
    });
  });

  it('refuses a signing key that expired between reading and use, naming it', async () => {
    const expiring = await rsaParty('ExpiringHub', 3600);
    jest.useFakeTimers({ now: Date.now() + 2 * 3600 * 1000, doNotFake: [...ASYNC_TIMERS] });

    await expect(
      signAndEncrypt(payload, {
        signingKey: expiring.privateKey,
        encryptionKeys: [curveRecipient.publicKey],
      }),
    ).rejects.toMatchObject({
      name: 'UnusableKeyError',
      kind: 'expired',
      fingerprint: expiring.fingerprint,
    });
  });
});

describe('the session cipher', () => {
  const [aes256, aes128] = SESSION_CIPHERS;

  it('is AES-256 when every recipient allows it or states no preference', () => {
    expect(
      commonSessionCipher([
        acceptedSessionCiphers([enums.symmetric.aes256, enums.symmetric.aes128]),
        acceptedSessionCiphers(null),
      ]),
    ).toBe(aes256);
  });

  it('falls back to AES-128 when one recipient does not allow AES-256', () => {
    expect(
      commonSessionCipher([
        acceptedSessionCiphers([enums.symmetric.aes256, enums.symmetric.aes128]),
        acceptedSessionCiphers([enums.symmetric.aes128, enums.symmetric.tripledes]),
      ]),
    ).toBe(aes128);
  });

  it('is none when the recipients share neither', () => {
    expect(acceptedSessionCiphers([enums.symmetric.tripledes])).toEqual([]);
    expect(
      commonSessionCipher([
        acceptedSessionCiphers([enums.symmetric.aes256]),
        acceptedSessionCiphers([enums.symmetric.aes128]),
      ]),
    ).toBeUndefined();
  });
});

// Only the clock is faked: openpgp.js and jest keep their real timers and ticks.
const ASYNC_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

describe('the ephemeral X25519 key', () => {
  it('gives the raw public value of its own private key, and a fresh key every time', () => {
    const keys = Array.from({ length: 50 }, () => x25519EphemeralKey());

    for (const { privateKey, point } of keys)
      expect(point).toEqual(curve25519RawPublicKey(createPublicKey(privateKey)));
    expect(new Set(keys.map(({ point }) => point.toString('hex'))).size).toBe(keys.length);
  });
});
