import { createHmac } from 'node:crypto';

/** RFC draft "The Idempotency-Key HTTP Header Field": an opaque string; ours 1–128 printable ASCII. */
export const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,128}$/;

/**
 * What the connector keeps of a request, keyed and hashed under the partner's secret (its private
 * key, which only it holds): a key or body the case system chose may name a case, and a plain hash
 * of a guessable value names it too.
 */
export class IdempotencyFingerprints {
  constructor(private readonly partnerSecret: string | Buffer) {}

  /** The submissions topic's record key for an Idempotency-Key. */
  key(idempotencyKey: string): string {
    return this.mac('idempotency-key', idempotencyKey);
  }

  /** The same for the same request body, whatever the order of its fields. */
  requestHash(body: unknown): string {
    return this.mac('request', canonicalJson(body));
  }

  private mac(purpose: string, value: string): string {
    return createHmac('sha256', this.partnerSecret)
      .update(`${purpose}\0${value}`)
      .digest('base64url');
  }
}

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(
          Object.entries(nested as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : nested,
  );
}
