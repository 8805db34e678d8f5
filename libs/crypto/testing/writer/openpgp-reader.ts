import {
  decryptSessionKeys,
  enums,
  readMessage,
  type Key,
  type PrivateKey,
  type SessionKey,
} from 'openpgp';

/*
 * openpgp.js as the independent reader of what the hub writes: it is given the raw bytes and
 * the keys it parsed itself, never the writer's objects.
 */

/** The inner packets of a decrypted message, as openpgp.js parsed them. */
export interface OpenedMessage {
  readonly sessionKey: SessionKey;
  /** Packet tags inside the encryption, in order (`enums.packet`). */
  readonly innerTags: readonly number[];
  readonly literal: { readonly format: number; readonly filename: string };
  readonly plaintext: Uint8Array;
  readonly onePassSignatures: readonly SignatureFields[];
  readonly signatures: readonly (SignatureFields & { readonly version: number })[];
  /** Per signature: the key id openpgp.js matched, and whether it verified with the signer's key. */
  readonly verifications: readonly { readonly keyId: string; readonly verified: boolean }[];
}

export interface SignatureFields {
  readonly signatureType: number;
  readonly hashAlgorithm: number;
  readonly publicKeyAlgorithm: number;
  readonly issuerKeyId: string;
}

/** Decrypts `message` as `recipient` and verifies it with `signer`; throws when it cannot decrypt. */
export async function openWithOpenpgp(
  message: Uint8Array,
  recipient: PrivateKey,
  signer: Key,
): Promise<OpenedMessage> {
  const sessionKey = await decryptSessionKey(message, recipient);
  const parsed = await readMessage({ binaryMessage: message });
  const decrypted = await parsed.decrypt(undefined, undefined, [sessionKey]);
  // openpgp.js parses the packets after the literal data lazily; read them all before listing.
  const lazy = (decrypted.packets as unknown as { stream?: LazyPackets }).stream;
  if (typeof lazy?.readToEnd === 'function') {
    decrypted.packets.push(...(await lazy.readToEnd((rest) => rest)));
  }
  const verifications = await decrypted.verify([signer]);
  // The packet classes keep these fields public at run time but out of openpgp.js's typings.
  const packets = [...decrypted.packets] as unknown as PacketFields[];
  const ofTag = (tag: number) => packets.filter((packet) => tagOf(packet) === tag);
  const literal = ofTag(enums.packet.literalData)[0];
  return {
    sessionKey,
    innerTags: packets.map(tagOf),
    literal: {
      format: Number(literal?.format),
      filename: literal?.getFilename?.() ?? '',
    },
    plaintext: (literal?.getBytes?.() as Uint8Array | undefined) ?? new Uint8Array(),
    onePassSignatures: ofTag(enums.packet.onePassSignature).map(signatureFields),
    signatures: ofTag(enums.packet.signature).map((packet) => ({
      ...signatureFields(packet),
      version: Number(packet.version),
    })),
    verifications: await Promise.all(
      verifications.map(async (verification) => ({
        keyId: verification.keyID.toHex(),
        verified: await verification.verified.then(
          () => true,
          () => false,
        ),
      })),
    ),
  };
}

/**
 * The session key `recipient` recovers from its PKESK; throws when there is none for it, or when
 * it names no symmetric algorithm (a SEIPDv2 session key).
 */
export async function decryptSessionKey(
  message: Uint8Array,
  recipient: PrivateKey,
): Promise<SessionKey> {
  const parsed = await readMessage({ binaryMessage: message });
  const [sessionKey, ...others] = await decryptSessionKeys({
    message: parsed,
    decryptionKeys: recipient,
  });
  if (sessionKey === undefined || others.length > 0) {
    throw new Error(`expected one session key for the recipient, got ${others.length + 1}`);
  }
  if (sessionKey.algorithm === null) {
    throw new Error('the session key names no symmetric algorithm (SEIPDv2)');
  }
  return { data: sessionKey.data, algorithm: sessionKey.algorithm };
}

interface LazyPackets {
  readToEnd?(join: (rest: never[]) => never[]): Promise<never[]>;
}

interface PacketFields {
  readonly constructor: { readonly tag?: number };
  readonly format?: unknown;
  readonly version?: unknown;
  readonly signatureType?: unknown;
  readonly hashAlgorithm?: unknown;
  readonly publicKeyAlgorithm?: unknown;
  readonly issuerKeyID?: { toHex(): string };
  getFilename?(): string;
  getBytes?(): unknown;
}

function tagOf(packet: PacketFields): number {
  return Number(packet.constructor.tag);
}

function signatureFields(packet: PacketFields): SignatureFields {
  return {
    signatureType: Number(packet.signatureType),
    hashAlgorithm: Number(packet.hashAlgorithm),
    publicKeyAlgorithm: Number(packet.publicKeyAlgorithm),
    issuerKeyId: packet.issuerKeyID?.toHex() ?? '',
  };
}
