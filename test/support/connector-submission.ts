import type { Bericht } from '@samenloop/partner-side';

/** `POST /v1/berichten`'s body for a submission (a CloudEvent as in `schemas/`): the fields the case system gives. */
export function requestBody(submission: Record<string, unknown>): Bericht {
  const data = submission.data as Record<string, unknown>;
  return {
    type: String(submission.type).replace(/^nl\.samenloop\./, ''),
    occurredAt: data.occurredAt as string,
    zaakReferenties: data.zaakReferenties as Record<string, string>,
    ...(data.relatesTo !== undefined && { relatesTo: data.relatesTo as string[] }),
    payload: data.payload as Record<string, unknown>,
  };
}
