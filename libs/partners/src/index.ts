export { PartnerRegistry, InvalidPartnerRegistryError, PARTNER_KINDS } from './partner-registry';
export type { Partner, PartnerKind } from './partner-registry';
