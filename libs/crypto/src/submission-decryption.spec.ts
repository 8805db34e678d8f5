import { createMessage, encrypt, enums, sign, type Config } from 'openpgp';
import { readPrivateKey, readPublicKey, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';
import { generatePartnerKey } from './partner-key.generator';
import { signAndEncrypt } from './envelope';
import {
  decryptSubmission,
  MAX_SUBMISSION_PACKETS,
  MAX_SUBMISSION_SIGNATURES,
} from './submission-decryption';

const submission = new TextEncoder().encode(
  JSON.stringify({
    type: 'nl.samenloop.zorgmelding',
    data: { naam: 'Jan Jansen', bsn: '111222333' },
  }),
);
const MAX = 64 * 1024;

interface Party {
  readonly privateKey: PgpPrivateKey;
  readonly publicKey: PgpPublicKey;
}

async function party(name: string): Promise<Party> {
  const pair = await generatePartnerKey({ name, email: `${name.toLowerCase()}@example.test` });
  return {
    privateKey: await readPrivateKey(pair.privateKeyArmored),
    publicKey: await readPublicKey(pair.publicKeyArmored),
  };
}

let hub: Party;
let politie: Party;
let stranger: Party;

beforeAll(async () => {
  [hub, politie, stranger] = (await Promise.all(['Hub', 'Politie', 'Stranger'].map(party))) as [
    Party,
    Party,
    Party,
  ];
});

/** What a partner's OpenPGP tool makes: signed by `signer` (unless null), encrypted to `to`. */
async function sealed(
  plaintext: Uint8Array,
  {
    signers = [politie],
    to = [hub],
    compression = enums.compression.uncompressed,
    armored = false,
  }: {
    signers?: readonly Party[];
    to?: readonly Party[];
    compression?: enums.compression;
    armored?: boolean;
  } = {},
): Promise<Uint8Array | string> {
  const config: Config = { ...HUB_OPENPGP_CONFIG, preferredCompressionAlgorithm: compression };
  const options = {
    message: await createMessage({ binary: plaintext }),
    encryptionKeys: to.map((party) => party.publicKey.openpgpKey),
    ...(signers.length > 0
      ? { signingKeys: signers.map((party) => party.privateKey.openpgpKey) }
      : {}),
    config,
  };
  const encrypted: unknown = armored
    ? await encrypt({ ...options, format: 'armored' })
    : await encrypt({ ...options, format: 'binary' });
  return encrypted as Uint8Array | string;
}

/**
 * Counts what the platform's DecompressionStream (which openpgp.js inflates with) puts out, so a
 * test sees how far decompression ran rather than guessing it from memory use after the fact.
 */
function countInflatedBytes(): { bytes: () => number; restore: () => void } {
  const Native = globalThis.DecompressionStream;
  let bytes = 0;
  class CountingDecompressionStream {
    readonly writable: InstanceType<typeof DecompressionStream>['writable'];
    readonly readable: ReadableStream<Uint8Array>;
    constructor(format: ConstructorParameters<typeof DecompressionStream>[0]) {
      const native = new Native(format);
      this.writable = native.writable;
      this.readable = native.readable.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
    }
  }
  globalThis.DecompressionStream = CountingDecompressionStream;
  return { bytes: () => bytes, restore: () => (globalThis.DecompressionStream = Native) };
}

function open(input: Uint8Array | string, verificationKeys = [politie.publicKey]) {
  return decryptSubmission(input, {
    decryptionKey: hub.privateKey,
    verificationKeys,
    maxPlaintextBytes: MAX,
  });
}

describe(decryptSubmission.name, () => {
  it.each([
    ['uncompressed, binary', enums.compression.uncompressed, false],
    ['ZLIB-compressed, binary', enums.compression.zlib, false],
    ['ZIP-compressed, armored', enums.compression.zip, true],
    ['uncompressed, armored', enums.compression.uncompressed, true],
  ])('opens a signed submission encrypted to the hub (%s)', async (_, compression, armored) => {
    const input = await sealed(submission, { compression, armored });

    await expect(open(input)).resolves.toEqual({
      ok: true,
      plaintext: submission,
      signingKeyFingerprint: politie.publicKey.fingerprint,
    });
  });

  it('opens an armored submission handed over as bytes, as it arrives on Kafka', async () => {
    const armored = (await sealed(submission, { armored: true })) as string;

    await expect(open(new TextEncoder().encode(armored))).resolves.toMatchObject({ ok: true });
  });

  it('opens what the hub library itself makes for a partner (signAndEncrypt)', async () => {
    const input = await signAndEncrypt(submission, {
      signingKey: politie.privateKey,
      encryptionKeys: [hub.publicKey],
    });

    await expect(open(input)).resolves.toMatchObject({ ok: true, plaintext: submission });
  });

  it('opens a submission also encrypted to the sender itself', async () => {
    const input = await sealed(submission, { to: [politie, hub] });

    await expect(open(input)).resolves.toMatchObject({ ok: true });
  });

  it('refuses cleartext JSON and garbage as no OpenPGP message', async () => {
    await expect(open(submission)).resolves.toEqual({ ok: false, failure: 'not-openpgp' });
    await expect(open(Uint8Array.from([0xff, 0x00, 0x13, 0x37]))).resolves.toEqual({
      ok: false,
      failure: 'not-openpgp',
    });
    await expect(open(new Uint8Array(0))).resolves.toEqual({ ok: false, failure: 'not-openpgp' });
  });

  it('refuses a message that is only signed, not encrypted', async () => {
    const signedOnly: unknown = await sign({
      message: await createMessage({ binary: submission }),
      signingKeys: politie.privateKey.openpgpKey,
      format: 'binary',
      config: HUB_OPENPGP_CONFIG,
    });

    await expect(open(signedOnly as Uint8Array)).resolves.toEqual({
      ok: false,
      failure: 'not-encrypted',
    });
  });

  it('refuses a message encrypted to other keys only', async () => {
    const input = await sealed(submission, { to: [stranger] });

    await expect(open(input)).resolves.toEqual({ ok: false, failure: 'not-for-recipient' });
  });

  it('refuses a message encrypted to the hub whose ciphertext was changed', async () => {
    const input = (await sealed(submission)) as Uint8Array;
    const tampered = Uint8Array.from(input);
    tampered[tampered.length - 5]! ^= 0x01;

    await expect(open(tampered)).resolves.toEqual({ ok: false, failure: 'undecryptable' });
  });

  it('reports an unsigned message as no-signature', async () => {
    const input = await sealed(submission, { signers: [] });

    await expect(open(input)).resolves.toEqual({
      ok: false,
      failure: 'no-signature',
      signerKeyIds: [],
    });
  });

  it("reports a message signed by another key than the sender's as unknown-signer, naming the key id that signed", async () => {
    const input = await sealed(submission, { signers: [stranger] });
    // A v4 key id is the last 16 hex digits of the fingerprint.
    const keyIdOf = (party: Party) => party.publicKey.fingerprint.slice(-16);

    await expect(open(input)).resolves.toEqual({
      ok: false,
      failure: 'unknown-signer',
      signerKeyIds: [keyIdOf(stranger)],
    });
    await expect(open(await sealed(submission), [])).resolves.toEqual({
      ok: false,
      failure: 'unknown-signer',
      signerKeyIds: [keyIdOf(politie)],
    });
  });

  it('refuses a plaintext over the limit', async () => {
    const input = await sealed(new Uint8Array(MAX + 1).fill(0x20));

    await expect(open(input)).resolves.toEqual({ ok: false, failure: 'too-large' });
  });

  it('accepts a compressed plaintext of exactly the limit', async () => {
    const plaintext = new Uint8Array(MAX).fill(0x20);
    const input = await sealed(plaintext, { compression: enums.compression.zlib });

    await expect(open(input)).resolves.toMatchObject({ ok: true, plaintext });
  });

  it('refuses a decompression bomb (50 MB of zeros in a few KB) quickly, inflating no more than the limit', async () => {
    const bomb = await sealed(new Uint8Array(50 * 1024 * 1024), {
      compression: enums.compression.zlib,
    });
    expect((bomb as Uint8Array).byteLength).toBeLessThan(100 * 1024);
    const inflated = countInflatedBytes();
    const started = performance.now();

    try {
      await expect(open(bomb)).resolves.toEqual({ ok: false, failure: 'too-large' });
    } finally {
      inflated.restore();
    }

    expect(performance.now() - started).toBeLessThan(2_000);
    // The limit plus what zlib had in flight when it was stopped; all of it would be 50 MB.
    expect(inflated.bytes()).toBeLessThan(MAX + 1024 * 1024);
  });

  it(`refuses more than ${MAX_SUBMISSION_PACKETS} top-level packets before decrypting any`, async () => {
    const recipients = Array.from({ length: MAX_SUBMISSION_PACKETS }, () => hub);

    await expect(
      open((await sealed(submission, { to: recipients })) as Uint8Array),
    ).resolves.toEqual({ ok: false, failure: 'too-many-packets' });
    const atLimit = Array.from({ length: MAX_SUBMISSION_PACKETS - 1 }, () => hub);
    await expect(open(await sealed(submission, { to: atLimit }))).resolves.toMatchObject({
      ok: true,
    });
  });

  it(`refuses more than ${MAX_SUBMISSION_SIGNATURES} signatures before verifying any`, async () => {
    const signers = Array.from({ length: MAX_SUBMISSION_SIGNATURES + 1 }, () => politie);

    await expect(open(await sealed(submission, { signers }))).resolves.toEqual({
      ok: false,
      failure: 'too-many-signatures',
    });
    const atLimit = Array.from({ length: MAX_SUBMISSION_SIGNATURES }, () => politie);
    await expect(open(await sealed(submission, { signers: atLimit }))).resolves.toMatchObject({
      ok: true,
    });
  });
});
