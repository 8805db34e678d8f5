import { createHmac, timingSafeEqual } from 'node:crypto';

/** The document's id: a case system that saw it before (a retry after a lost 2xx) drops it. */
export const DELIVERY_ID_HEADER = 'Samenloop-Delivery-Id';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = 'Samenloop-Signature';

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export function signWebhookBody(secret: Buffer, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

export type WebhookSignatureCheck =
  | { readonly valid: true; readonly timestamp: number }
  | { readonly valid: false; readonly reason: 'malformed' | 'outside-tolerance' | 'mismatch' };

/**
 * Checks a `Samenloop-Signature` header against the raw request body, as the case system received
 * it (before any JSON parsing). The timestamp is signed too, so a captured call cannot be replayed
 * once it is more than `toleranceSeconds` away from `now`; within that window the case system
 * de-duplicates on `Samenloop-Delivery-Id`.
 */
export function verifyWebhookSignature(
  secret: Buffer | string,
  header: string | undefined,
  body: Buffer | string,
  toleranceSeconds: number,
  now: Date = new Date(),
): WebhookSignatureCheck {
  const parsed = header === undefined ? undefined : parseSignature(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > toleranceSeconds) {
    return { valid: false, reason: 'outside-tolerance' };
  }
  const expected = Buffer.from(
    hmacHex(Buffer.from(secret), parsed.timestamp, Buffer.from(body).toString('utf8')),
    'hex',
  );
  // More than one v1 while the secret is being rotated: any one of them may match.
  const matches = parsed.signatures.some(
    (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
  );
  return matches
    ? { valid: true, timestamp: parsed.timestamp }
    : { valid: false, reason: 'mismatch' };
}

function hmacHex(secret: Buffer, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function parseSignature(
  header: string,
): { readonly timestamp: number; readonly signatures: readonly Buffer[] } | undefined {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) {
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}
