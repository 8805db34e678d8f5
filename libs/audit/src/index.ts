export {
  AUDIT_CHAIN_HEADERS,
  GENESIS_HASH,
  PartitionChainVerifier,
  chainHash,
  chainHeadOf,
} from './audit-chain';
export type {
  ChainBreak,
  ChainProblem,
  ChainedContent,
  HeaderValue,
  PartitionVerification,
  ReadAuditRecord,
} from './audit-chain';
export { AuditChainLinker } from './audit-chain-linker';
export type { AuditChainLinkerOptions, ChainHeads } from './audit-chain-linker';
export { dataSubjectsOf, disclosedPersons, personsOf, PERSON_LOCATIONS } from './data-subjects';
export type { DataSubject, DeliveredPart, PersonInMessage, PseudonymSource } from './data-subjects';
export { bsnIdentity, fullName, normalisedName, personIdentity } from './person-identity';
export type { SubjectIdentity } from './person-identity';
