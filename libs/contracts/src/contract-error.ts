export type ContractErrorCode =
  | 'not-json'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'unsupported-version'
  | 'invalid-payload'
  | 'invalid-document';

/** One thing wrong with a message: which schema, where (a JSON pointer), and what to fix. */
export interface ContractError {
  readonly code: ContractErrorCode;
  /** The schema the error is about: `envelope`, a message type name such as `zorgmelding`, … */
  readonly schema: string;
  /** JSON pointer within that schema's document (for payloads: within data.payload); `/` for the root. */
  readonly path: string;
  readonly message: string;
}

/** `verdachtenmonitor-entry /verdachte/geboortedatum: must be a date (YYYY-MM-DD)` */
export function formatContractError(error: ContractError): string {
  return `${error.schema} ${error.path}: ${error.message}`;
}
