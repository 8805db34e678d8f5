export {
  InvalidPartnerRegistryError,
  PARTNER_KINDS,
  PartnerRegistry,
  hubSender,
  oinOf,
} from './partner-registry';
export type { Partner, PartnerKind } from './partner-registry';
export {
  InvalidPartnerKeyPinsError,
  PartnerKeyPins,
  normaliseFingerprint,
  partnersNamedBy,
} from './partner-key-pins';
export {
  pinFileInsideKeysFolder,
  pinPartnerKeys,
  readPartnerKeyPins,
  readPinFileText,
  writePartnerKeyPins,
} from './partner-key-pins-file';
