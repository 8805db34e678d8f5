import { formatContractError, type ContractError, type Rejection } from '@samenloop/contracts';

/** The codes of the rejection schema; each names what the sender must fix. */
export type RejectionCode = Rejection['errors'][number]['code'];

export interface RejectionReason {
  readonly code: RejectionCode;
  readonly path?: string;
  readonly message: string;
}

/** Contract errors in the rejection's words; payload paths are given from the submission's root. */
export function fromContractErrors(errors: readonly ContractError[]): RejectionReason[] {
  return errors.map((error) => ({
    code: error.code === 'invalid-document' ? 'invalid-payload' : error.code,
    path:
      error.code === 'invalid-payload'
        ? `/data/payload${error.path === '/' ? '' : error.path}`
        : error.path,
    message: formatContractError(error),
  }));
}
