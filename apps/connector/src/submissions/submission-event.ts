import { formatContractError, type ContractError } from '@samenloop/contracts';
import type { ProblemError } from '../problem/problem-details';

// The CloudEvent builder is shared with the CORV file check (`libs/corv`), so it lives in contracts.
export { submissionEvent } from '@samenloop/contracts';
export type { EnvelopeContext, SubmissionBody } from '@samenloop/contracts';

export const SUBMISSION_FIELDS = ['type', 'occurredAt', 'zaakReferenties', 'relatesTo', 'payload'];

/**
 * A contract error as a problem error: the `samenloop validate` line as detail, and where in the
 * request body it points. The envelope fields the connector fills itself point nowhere.
 */
export function problemErrorOf(error: ContractError): ProblemError {
  const pointer = bodyPointer(error);
  return {
    code: error.code,
    detail: formatContractError(error),
    ...(pointer !== undefined && { pointer }),
  };
}

function bodyPointer({ code, schema, path }: ContractError): string | undefined {
  if (code === 'invalid-payload') return path === '/' ? '/payload' : `/payload${path}`;
  if (schema !== 'envelope') return undefined;
  if (path === '/data') return '';
  if (path.startsWith('/data/')) return path.slice('/data'.length);
  if (path === '/type' || path === '/dataschema') return '/type';
  return undefined;
}
