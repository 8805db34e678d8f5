import { canonicalJson, IdempotencyFingerprints } from './idempotency';

describe(IdempotencyFingerprints.name, () => {
  const fingerprints = new IdempotencyFingerprints('partner secret');

  it('hashes equal bodies alike whatever the order of their fields, and different bodies apart', () => {
    const body = { type: 'zorgmelding', payload: { a: 1, b: [1, { c: 2, d: 3 }] } };
    const reordered = { payload: { b: [1, { d: 3, c: 2 }], a: 1 }, type: 'zorgmelding' };

    expect(fingerprints.requestHash(reordered)).toBe(fingerprints.requestHash(body));
    expect(fingerprints.requestHash({ ...body, type: 'acuut-signaal' })).not.toBe(
      fingerprints.requestHash(body),
    );
  });

  it('keys a record by neither the Idempotency-Key itself nor a plain hash of it', () => {
    const key = fingerprints.key('PL2100-2026114471');

    expect(key).not.toContain('PL2100');
    expect(key).not.toBe(new IdempotencyFingerprints('another secret').key('PL2100-2026114471'));
    // A key and a body with the same text are hashed for different purposes.
    expect(key).not.toBe(fingerprints.requestHash('PL2100-2026114471'));
  });
});

describe(canonicalJson.name, () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
  });
});
