import { createHmac } from 'node:crypto';

/**
 * What a partner keys its submissions by. Not its case reference: a record key is never encrypted,
 * and a registration number names a case. An HMAC of the reference under a secret only the partner
 * holds keeps its submissions about one case together (same partition, same order) and names
 * nothing — a plain hash would not do, as anyone can hash every registration number of a format.
 */
export function partnerRecordKey(partnerSecret: string | Buffer, caseReference: string): string {
  return createHmac('sha256', partnerSecret).update(caseReference).digest('base64url');
}
