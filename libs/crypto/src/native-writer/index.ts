export { nativeRecipient, type NativeRecipient } from './recipient';
export { nativeSigner, type NativeSigner } from './signer';
export {
  acceptedSessionCiphers,
  commonSessionCipher,
  type SessionCipher,
} from './symmetric-cipher';
export { writeSignedAndEncrypted } from './writer';
