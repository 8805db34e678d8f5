import {
  constants,
  createPrivateKey,
  createPublicKey,
  privateEncrypt,
  sign,
  type KeyObject,
} from 'node:crypto';
import { enums, type Key, type Subkey } from 'openpgp';
import { UnusableKeyError } from '../errors';
import {
  base64url,
  curve25519Point,
  curve25519RawPublicKey,
  ED25519_PKCS8_PREFIX,
  rsaPublicKey,
} from './key-material';
import { mpi } from './packets';

/** What the writer needs of the signing key, derived once when the private key is read. */
export interface NativeSigner {
  readonly kind: 'eddsa' | 'rsa';
  /** OpenPGP public-key algorithm id: 22 (legacy EdDSA), 1 or 3 (RSA). */
  readonly algorithm: number;
  readonly keyId: Buffer;
  /** The v4 fingerprint of the signing (sub)key, for the issuer fingerprint subpacket. */
  readonly fingerprint: Buffer;
  readonly privateKey: KeyObject;
}

/** The hub signs with its preferred hash, SHA-512, whatever the key would also allow. */
export const SIGNATURE_HASH = { algorithm: enums.hash.sha512, name: 'sha512' } as const;

// DER DigestInfo prefix for SHA-512 (RFC 4880 §5.2.2), which PKCS#1 v1.5 signs ahead of the digest.
const SHA512_DIGEST_INFO = Buffer.from('3051300d060960864801650304020305000440', 'hex');

interface EddsaParams {
  readonly public: { readonly oid: { getName(): enums.curve }; readonly Q: Uint8Array };
  readonly private: { readonly seed: Uint8Array };
}

interface RsaParams {
  readonly public: { readonly n: Uint8Array; readonly e: Uint8Array };
  readonly private: {
    readonly d: Uint8Array;
    readonly p: Uint8Array;
    readonly q: Uint8Array;
    readonly u: Uint8Array;
  };
}

/**
 * The native signer for `signingKey`, the (sub)key openpgp.js selected for signing with the key
 * with `fingerprint`. Its secret must give back its own public key: anything else is refused.
 */
export function nativeSigner(signingKey: Key | Subkey, fingerprint: string): NativeSigner {
  const packet = signingKey.keyPacket;
  const identity = {
    algorithm: packet.algorithm,
    keyId: Buffer.from(packet.getKeyID().toHex(), 'hex'),
    fingerprint: Buffer.from(packet.getFingerprintBytes() ?? []),
  };
  if (identity.fingerprint.length !== 20) {
    throw refused(fingerprint, 'a signing key without a v4 fingerprint');
  }
  const params = {
    public: packet.publicParams,
    private: (packet as unknown as { privateParams?: unknown }).privateParams,
  };
  // Ifs, not a switch: the writer serves three of openpgp.js's many algorithms, the rest refused.
  if (packet.algorithm === enums.publicKey.eddsaLegacy) {
    return { kind: 'eddsa', ...identity, privateKey: ed25519PrivateKey(params, fingerprint) };
  }
  if (
    packet.algorithm === enums.publicKey.rsaEncryptSign ||
    packet.algorithm === enums.publicKey.rsaSign
  ) {
    return { kind: 'rsa', ...identity, privateKey: rsaPrivateKey(params, fingerprint) };
  }
  throw refused(fingerprint, `a signing key of algorithm ${packet.algorithm}`);
}

/** The signature's algorithm-specific MPIs over a SHA-512 `digest` (RFC 4880 §5.2.2, RFC 8032). */
export function signatureMpis(signer: NativeSigner, digest: Buffer): Buffer[] {
  switch (signer.kind) {
    case 'eddsa': {
      // Legacy EdDSA signs the digest itself, not the data, and writes r and s as two MPIs.
      const signature = sign(null, digest, signer.privateKey);
      return [mpi(signature.subarray(0, 32)), mpi(signature.subarray(32))];
    }
    case 'rsa':
      // Padding type 1 over DigestInfo ‖ digest: the data was hashed once, by the caller.
      return [
        mpi(
          privateEncrypt(
            { key: signer.privateKey, padding: constants.RSA_PKCS1_PADDING },
            Buffer.concat([SHA512_DIGEST_INFO, digest]),
          ),
        ),
      ];
  }
}

function ed25519PrivateKey(params: unknown, fingerprint: string): KeyObject {
  const { public: pub, private: priv } = params as EddsaParams;
  const point = curve25519Point(pub.Q);
  if (pub.oid.getName() !== enums.curve.ed25519Legacy || point === undefined) {
    throw refused(fingerprint, 'an EdDSA signing key on a curve other than Ed25519');
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, priv.seed]),
    format: 'der',
    type: 'pkcs8',
  });
  if (!curve25519RawPublicKey(createPublicKey(privateKey)).equals(point))
    throw mismatch(fingerprint);
  return privateKey;
}

function rsaPrivateKey(params: unknown, fingerprint: string): KeyObject {
  const { public: pub, private: priv } = params as RsaParams;
  const privateKey = createPrivateKey({ key: rsaPrivateJwk(pub, priv), format: 'jwk' });
  if (!createPublicKey(privateKey).equals(rsaPublicKey(pub.n, pub.e))) throw mismatch(fingerprint);
  return privateKey;
}

function mismatch(fingerprint: string): UnusableKeyError {
  return refused(fingerprint, 'a signing key whose secret does not match its public key');
}

function rsaPrivateJwk(
  pub: RsaParams['public'],
  priv: RsaParams['private'],
): Record<string, string> {
  const [d, p, q] = [priv.d, priv.p, priv.q].map(toBigInt) as [bigint, bigint, bigint];
  // OpenPGP stores u = p⁻¹ mod q; JWK wants qi = q⁻¹ mod p, which is u with p and q swapped.
  return {
    kty: 'RSA',
    n: base64url(pub.n),
    e: base64url(pub.e),
    d: base64url(priv.d),
    p: base64url(priv.q),
    q: base64url(priv.p),
    dp: base64url(fromBigInt(d % (q - 1n))),
    dq: base64url(fromBigInt(d % (p - 1n))),
    qi: base64url(priv.u),
  };
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function fromBigInt(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
}

function refused(fingerprint: string, what: string): UnusableKeyError {
  return new UnusableKeyError(
    fingerprint,
    `has ${what}, which the hub's writer does not sign with`,
  );
}
