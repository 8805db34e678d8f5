export { generatePartnerKey } from './partner-key.generator';
export type { GeneratedKeyPair } from './partner-key.generator';
export { readPublicKey, readPrivateKey } from './keys';
// Types only: keys come from the readers, which check them.
export type { PgpPublicKey, PgpPrivateKey, PublicKeyUse, PrivateKeyUse } from './keys';
export {
  signDetached,
  verifyDetached,
  MAX_DETACHED_SIGNATURE_BYTES,
  MAX_DETACHED_SIGNATURE_PACKETS,
} from './detached-signature';
export type { SignatureCheck, SignatureFailure } from './signature-check';
export { signAndEncrypt, decryptAndVerify } from './envelope';
export type { SignAndEncryptOptions, DecryptAndVerifyOptions, DecryptedMessage } from './envelope';
export {
  CryptoError,
  MalformedKeyError,
  UnusableKeyError,
  DecryptionError,
  EnvelopeError,
} from './errors';
export type { KeyProblemKind } from './errors';
export { generateDevelopmentKeys, keyFiles, readKeyFile } from './key-directory';
export type { GeneratedKeys } from './key-directory';
