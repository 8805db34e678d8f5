import { createCipheriv, createHash } from 'node:crypto';
import fc from 'fast-check';

/** The largest delivery the writer tests cover: 512 KB. */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * A payload as its size and a seed: fast-check prints these two numbers for a failing case
 * instead of half a megabyte, and shrinks the size.
 */
export interface PayloadSpec {
  readonly size: number;
  readonly seed: number;
}

/** Sizes biased to small deliveries, with the edges (0, 1, around 512 KB) drawn often enough. */
export const payloadSpec: fc.Arbitrary<PayloadSpec> = fc.record({
  size: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(0, 1, MAX_PAYLOAD_BYTES - 1, MAX_PAYLOAD_BYTES) },
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 256 }) },
    { weight: 6, arbitrary: fc.integer({ min: 257, max: 16 * 1024 }) },
    { weight: 1, arbitrary: fc.integer({ min: 16 * 1024, max: MAX_PAYLOAD_BYTES - 4096 }) },
    { weight: 1, arbitrary: fc.integer({ min: MAX_PAYLOAD_BYTES - 4096, max: MAX_PAYLOAD_BYTES }) },
  ),
  seed: fc.integer(),
});

/** Random-looking bytes, the same for the same spec (AES-CTR keystream keyed by the seed). */
export function payloadBytes({ size, seed }: PayloadSpec): Uint8Array {
  const key = createHash('sha256').update(String(seed)).digest().subarray(0, 16);
  const keystream = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return new Uint8Array(keystream.update(Buffer.alloc(size)));
}
