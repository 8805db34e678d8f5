export {
  InvalidPartnerRegistryError,
  PARTNER_KINDS,
  PartnerRegistry,
  hubSender,
  oinOf,
} from './partner-registry';
export type { Partner, PartnerKind } from './partner-registry';
