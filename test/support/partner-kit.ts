import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  decryptAndVerify,
  generateDevelopmentKeys,
  keyFiles,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
  type PgpPrivateKey,
  type PgpPublicKey,
} from '@samenloop/crypto';
import { PartnerRegistry, pinPartnerKeys } from '@samenloop/partners';
import {
  createMessage,
  encrypt,
  enums,
  generateKey,
  readPrivateKey as readOpenpgpPrivateKey,
  revokeKey,
} from 'openpgp';
import { partnerRecordKey } from '@samenloop/partner-side';
import type { ConsumedRecord } from './kafka-test-kit';

export const ROOT = path.resolve(__dirname, '../..');
export const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);

/**
 * Development keys for the hub and every sample partner in a fresh folder, as partners would hold
 * them, each partner's key pinned in a pin file beside (not inside) the keys folder.
 */
export class PartnerKit {
  private constructor(
    readonly keysDirectory: string,
    /** The partner key pins (SAMENLOOP_PARTNER_KEYS_FILE) the registry vouches for keys with. */
    readonly partnerKeysFile: string,
    /** Every key a partner has had, newest first: deliveries sealed before a renewal still open. */
    private readonly privateKeys: Map<string, PgpPrivateKey[]>,
    private readonly hubPublicKey: PgpPublicKey,
    /** The partners' secret for their record keys (see `partnerRecordKey`). */
    private readonly recordKeySecret = randomBytes(32),
  ) {}

  static async create(): Promise<PartnerKit> {
    const root = mkdtempSync(path.join(tmpdir(), 'samenloop-test-keys-'));
    const dir = path.join(root, 'keys');
    const partnerKeysFile = path.join(root, 'partner-keys.yaml');
    const ids = registry.partners.map((partner) => partner.id);
    const generated = await generateDevelopmentKeys(dir, ids);
    await pinPartnerKeys(partnerKeysFile, registry, generated.createdPartnerKeys);
    const privateKeys = new Map<string, PgpPrivateKey[]>();
    for (const id of ids)
      privateKeys.set(id, [
        await readPrivateKey(await readFile(keyFiles.partnerPrivate(dir, id), 'utf8')),
      ]);
    return new PartnerKit(
      dir,
      partnerKeysFile,
      privateKeys,
      await readPublicKey(await readFile(keyFiles.hubPublic(dir), 'utf8')),
    );
  }

  /**
   * A Kafka message as a partner's system sends it: the JSON submission signed with the partner's
   * key and encrypted to the hub's, one binary OpenPGP message (`gpg --sign --encrypt -r <hub>`),
   * keyed by an HMAC of its case reference (`partnerRecordKey`), never the reference itself.
   */
  async sealed(partnerId: string, submission: object, caseReference: string) {
    return this.sealedBytes(partnerId, Buffer.from(JSON.stringify(submission)), caseReference);
  }

  /**
   * Any plaintext sealed as `sealed` does, or as a partner's tool may get it wrong: `zlib`
   * compresses first (a compressed plaintext may be far larger than its record), `unsigned` leaves
   * the signature out, `encryptTo` names another partner whose key it is encrypted to instead of
   * the hub's.
   */
  async sealedBytes(
    partnerId: string,
    plaintext: Uint8Array,
    caseReference: string,
    {
      zlib = false,
      unsigned = false,
      encryptTo,
    }: { zlib?: boolean; unsigned?: boolean; encryptTo?: string } = {},
  ) {
    const signingKey = this.keys(partnerId)[0]!;
    const recipient = encryptTo
      ? this.keys(encryptTo)[0]!.openpgpKey.toPublic()
      : this.hubPublicKey.openpgpKey;
    const sealed: unknown =
      zlib || unsigned || encryptTo
        ? await encrypt({
            message: await createMessage({ binary: plaintext }),
            encryptionKeys: recipient,
            ...(unsigned ? {} : { signingKeys: signingKey.openpgpKey }),
            config: {
              preferredCompressionAlgorithm: zlib
                ? enums.compression.zlib
                : enums.compression.uncompressed,
            },
            format: 'binary',
          })
        : // What the partner simulator (`samenloop partner send`) does.
          await signAndEncrypt(plaintext, { signingKey, encryptionKeys: [this.hubPublicKey] });
    return {
      key: partnerRecordKey(this.recordKeySecret, caseReference),
      value: Buffer.from(sealed as Uint8Array),
      headers: {},
    };
  }

  /**
   * Decrypts a hub document with the partner's keys (only its newest with `onlyNewestKey`) and
   * checks the hub's signature.
   */
  async open<T = Record<string, unknown>>(
    record: ConsumedRecord,
    partnerId: string,
    { onlyNewestKey = false }: { onlyNewestKey?: boolean } = {},
  ): Promise<T> {
    const keys = this.keys(partnerId);
    let failure: unknown;
    for (const key of onlyNewestKey ? keys.slice(0, 1) : keys) {
      try {
        const decrypted = await decryptAndVerify(new Uint8Array(record.bytes ?? Buffer.alloc(0)), {
          decryptionKey: key,
          verificationKeys: [this.hubPublicKey],
        });
        if (!decrypted.signatureValid)
          throw new Error(`record on ${record.topic} is not signed by the hub`);
        return JSON.parse(new TextDecoder().decode(decrypted.plaintext)) as T;
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  /**
   * A new key pair for the partner, registered where the hub reads it (its public key, pinned
   * beside its earlier key, as `samenloop partner register` does) and used from now on by the
   * partner: optionally expiring `expiresInSeconds` after now. With `pin: false` the key file is
   * only put in the keys folder, as whoever can write that folder could: the hub must not trust it.
   */
  async renewKey(
    partnerId: string,
    { expiresInSeconds, pin = true }: { expiresInSeconds?: number; pin?: boolean } = {},
  ) {
    const { privateKey, publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: `${partnerId.toLowerCase()}@partners.samenloop.test` }],
      ...(expiresInSeconds ? { keyExpirationTime: expiresInSeconds } : {}),
    });
    const key = await readPrivateKey(privateKey);
    if (pin) await pinPartnerKeys(this.partnerKeysFile, registry, { [partnerId]: key.fingerprint });
    await writeFile(keyFiles.partnerPrivate(this.keysDirectory, partnerId), privateKey);
    await writeFile(keyFiles.partnerPublic(this.keysDirectory, partnerId), publicKey);
    this.keys(partnerId).unshift(key);
  }

  /** Replaces the partner's registered public key with its revocation, as an operator would. */
  async revokeKey(partnerId: string): Promise<void> {
    const key = await readOpenpgpPrivateKey({
      armoredKey: await readFile(keyFiles.partnerPrivate(this.keysDirectory, partnerId), 'utf8'),
    });
    const { publicKey } = await revokeKey({ key });
    await writeFile(keyFiles.partnerPublic(this.keysDirectory, partnerId), publicKey);
  }

  private keys(partnerId: string): PgpPrivateKey[] {
    const keys = this.privateKeys.get(partnerId);
    if (!keys) throw new Error(`no key for ${partnerId}`);
    return keys;
  }
}

const OIN = Object.fromEntries(registry.partners.map((partner) => [partner.id, partner.oin]));

/** A fixture submission with a fresh id and the given sender and case references. */
export function submissionFrom(
  fixture: string,
  options: {
    sender: string;
    zaakReferenties: Record<string, string>;
    relatesTo?: string[];
    id?: string;
    /** Payload fields to change, by JSON pointer, e.g. `{ '/aanhouding/tijdstip': '…' }`. */
    payload?: Readonly<Record<string, unknown>>;
  },
): { id: string } & Record<string, unknown> {
  const submission = JSON.parse(readFileSync(path.join(ROOT, 'schemas', fixture), 'utf8')) as {
    data: { payload: Record<string, unknown> } & Record<string, unknown>;
  } & Record<string, unknown>;
  for (const [pointer, value] of Object.entries(options.payload ?? {}))
    setAt(submission.data.payload, pointer, value);
  const id = options.id ?? randomUUID();
  return {
    ...submission,
    id,
    source: `urn:nld:oin:${OIN[options.sender]}`,
    data: {
      ...submission.data,
      zaakReferenties: options.zaakReferenties,
      ...(options.relatesTo ? { relatesTo: options.relatesTo } : { relatesTo: undefined }),
    },
  };
}

/** A unique ZSM case id, so every test run is its own case. */
export function zsmCaseId(): string {
  return `ZSM-OB-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

/** A unique police registration number, so every test run is its own case. */
export function policeNumber(): string {
  return `PL2100-${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
}

function setAt(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = pointer.split('/').slice(1);
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  node[last] = value;
}
