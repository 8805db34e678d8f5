export {
  HUB_SENDER_ID,
  InvalidPartnerRegistryError,
  PARTNER_KINDS,
  PartnerRegistry,
  hubSender,
} from './partner-registry';
export type { Partner, PartnerKind } from './partner-registry';
