import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

const SECRET = Buffer.from('a-shared-secret-of-at-least-32-bytes!!');
const BODY = JSON.stringify({
  id: 'd-1',
  type: 'delivery',
  cursor: '0',
  bevestigd: false,
  document: {},
});
const SENT_AT = new Date('2026-12-03T10:00:00Z');
const T = SENT_AT.getTime() / 1000;

describe(verifyWebhookSignature.name, () => {
  it('accepts the signature the connector made for that body, within the tolerance', () => {
    const header = signWebhookBody(SECRET, BODY, T);

    expect(
      verifyWebhookSignature(SECRET, header, BODY, 300, new Date(SENT_AT.getTime() + 299_000)),
    ).toEqual({
      valid: true,
      timestamp: T,
    });
  });

  it('is HMAC-SHA256 over "<t>.<body>", hex, so a case system can check it with any library', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');

    expect(signWebhookBody(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  it('rejects a tampered body', () => {
    const header = signWebhookBody(SECRET, BODY, T);
    const tampered = BODY.replace('"bevestigd":false', '"bevestigd":true');

    expect(verifyWebhookSignature(SECRET, header, tampered, 300, SENT_AT)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('rejects another secret', () => {
    const header = signWebhookBody(Buffer.from('another-secret-of-at-least-32-bytes!!!'), BODY, T);

    expect(verifyWebhookSignature(SECRET, header, BODY, 300, SENT_AT)).toMatchObject({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('rejects a replay older than the tolerance, even with a valid signature', () => {
    const header = signWebhookBody(SECRET, BODY, T);

    expect(
      verifyWebhookSignature(SECRET, header, BODY, 300, new Date(SENT_AT.getTime() + 301_000)),
    ).toEqual({ valid: false, reason: 'outside-tolerance' });
  });

  it('rejects an old signature whose timestamp was changed to a fresh one', () => {
    const old = signWebhookBody(SECRET, BODY, T - 3600);
    const swapped = old.replace(`t=${T - 3600}`, `t=${T}`);

    expect(verifyWebhookSignature(SECRET, swapped, BODY, 300, SENT_AT)).toMatchObject({
      valid: false,
      reason: 'mismatch',
    });
  });

  it.each([undefined, '', 'v1=abc', `t=${T}`, `t=soon,v1=${'0'.repeat(64)}`])(
    'rejects a missing or malformed header (%p)',
    (header) => {
      expect(verifyWebhookSignature(SECRET, header, BODY, 300, SENT_AT)).toEqual({
        valid: false,
        reason: 'malformed',
      });
    },
  );

  it('accepts any matching v1 while the secret is rotated', () => {
    const header = `${signWebhookBody(SECRET, BODY, T)},v1=${'0'.repeat(64)}`;
    const reordered = header.split(',').reverse().join(',');

    expect(verifyWebhookSignature(SECRET, reordered, BODY, 300, SENT_AT)).toMatchObject({
      valid: true,
    });
  });
});
