export { generatePartnerKey } from './partner-key.generator';
export type { GeneratedKeyPair } from './partner-key.generator';
export { groupedFingerprint, MIN_RSA_BITS, readPublicKey, readPrivateKey } from './keys';
// Types only: keys come from the readers, which check them.
export type { PgpPublicKey, PgpPrivateKey, PublicKeyUse, PrivateKeyUse } from './keys';
export {
  decryptSubmission,
  MAX_SUBMISSION_PACKETS,
  MAX_SUBMISSION_SIGNATURES,
} from './submission-decryption';
export type {
  DecryptSubmissionOptions,
  DecryptedSubmission,
  SubmissionFailure,
} from './submission-decryption';
export type { SignatureCheck, SignatureFailure } from './signature-check';
export { signAndEncrypt, signAndEncryptWithOpenpgp, decryptAndVerify } from './envelope';
export type { SignAndEncryptOptions, DecryptAndVerifyOptions, DecryptedMessage } from './envelope';
export {
  CryptoError,
  MalformedKeyError,
  UnusableKeyError,
  LockedKeyError,
  DecryptionError,
  EnvelopeError,
} from './errors';
export type { KeyProblemKind } from './errors';
export { generateDevelopmentKeys, keyFiles, readKeyFile, writeKeyFile } from './key-directory';
export type { GeneratedKeys } from './key-directory';
export { HubSecret, Pseudonyms } from './hub-secret';
export { temporaryHubSecret } from './temporary-hub-secret';
export type { PseudonymDomain } from './hub-secret';
export { StateSeal, StateSealError } from './state-seal';
export { RecordMac } from './record-mac';
// The header is contract (hub components and the operator CLI write it); it travels with the MAC.
export { RECORD_MAC_HEADER } from '@samenloop/contracts';
export type { MacedRecord } from './record-mac';
