export { openOwnProfile, type OpenedOwnProfile } from './own-profile-reader';
export { nativeDecrypter, type NativeDecrypter } from './session-key';
export { nativeVerifier, type NativeVerifier } from './signature';
