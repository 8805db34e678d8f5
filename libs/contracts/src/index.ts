export { ContractValidator } from './contract-validator';
export type { MessageType, Submission, Validation } from './contract-validator';
export { formatContractError } from './contract-error';
export type { ContractError, ContractErrorCode } from './contract-error';
export { isBsn } from './bsn';
export type { SchemaDocument } from './schema-document';
export type * from './generated/contract-types';
export type { MessagePayloads } from './generated/message-payloads';
