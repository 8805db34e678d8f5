import { constants, createCipheriv, diffieHellman, publicEncrypt } from 'node:crypto';
import { enums } from 'openpgp';
import { x25519EphemeralKey } from './key-material';
import {
  KEY_WRAP_IV,
  keyEncryptionKey,
  type NativeRecipient,
  type X25519Recipient,
} from './recipient';
import { mpi, packet } from './packets';

const PKESK_TAG = enums.packet.publicKeyEncryptedSessionKey;
const PKESK_VERSION = 3;

/** The session key as every PKESK carries it: algorithm ‖ key ‖ 16-bit sum of the key's bytes. */
export function sessionKeyBlock(algorithm: number, key: Buffer): Buffer {
  let sum = 0;
  for (const byte of key) sum = (sum + byte) & 0xffff;
  const block = Buffer.alloc(key.length + 3);
  block[0] = algorithm;
  key.copy(block, 1);
  block.writeUInt16BE(sum, key.length + 1);
  return block;
}

/** One PKESK v3 packet (RFC 4880 §5.1) giving `recipient` the session key in `block`. */
export function sessionKeyPacket(recipient: NativeRecipient, block: Buffer): Buffer {
  const encrypted =
    recipient.kind === 'x25519'
      ? x25519EncryptedKey(recipient, block)
      : // PKCS#1 v1.5 type 2, as RFC 4880 requires (OAEP is not OpenPGP); no extra padding.
        mpi(
          publicEncrypt({ key: recipient.publicKey, padding: constants.RSA_PKCS1_PADDING }, block),
        );
  const algorithm = recipient.kind === 'x25519' ? enums.publicKey.ecdh : recipient.algorithm;
  return packet(
    PKESK_TAG,
    Buffer.concat([
      Buffer.from([PKESK_VERSION]),
      recipient.keyId,
      Buffer.from([algorithm]),
      encrypted,
    ]),
  );
}

/**
 * RFC 6637 §8 on Curve25519: a fresh ephemeral key per recipient and message, KEK = hash(1 ‖ Z ‖
 * param), the PKCS#5-padded block wrapped with AES key wrap.
 */
function x25519EncryptedKey(recipient: X25519Recipient, block: Buffer): Buffer {
  const ephemeral = x25519EphemeralKey();
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: recipient.publicKey,
  });
  const kek = keyEncryptionKey(recipient, shared);
  const padding = 8 - (block.length % 8);
  const wrap = createCipheriv(recipient.keyWrapCipher, kek, KEY_WRAP_IV);
  // Key wrap takes its whole input in one update.
  const wrapped = Buffer.concat([
    wrap.update(Buffer.concat([block, Buffer.alloc(padding, padding)])),
    wrap.final(),
  ]);
  return Buffer.concat([
    mpi(Buffer.concat([Buffer.from([0x40]), ephemeral.point])),
    Buffer.from([wrapped.length]),
    wrapped,
  ]);
}
