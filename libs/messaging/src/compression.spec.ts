import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { isRetriable } from './errors';
import {
  ACCEPTED_COMPRESSIONS,
  registerCompressionCodecs,
  UndecodableBatchError,
} from './compression';

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** kafkajs's codec table as its record-batch decoder reads it: by the attributes' codec bits. */
const codecFor = (id: number): Codec => (CompressionCodecs as Record<number, () => Codec>)[id]!();

describe(registerCompressionCodecs.name, () => {
  const batch = Buffer.from(JSON.stringify({ payload: 'a zorgmelding '.repeat(200) }));

  beforeAll(() => registerCompressionCodecs());

  it.each([
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const)('gives kafkajs a %s codec that decompresses what it compressed', async (name, id) => {
    expect(ACCEPTED_COMPRESSIONS).toContain(name);
    const codec = codecFor(id);
    const compressed = await codec.compress({ buffer: batch });

    expect(compressed.length).toBeLessThan(batch.length);
    expect((await codec.decompress(compressed)).equals(batch)).toBe(true);
  });

  it.each([
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const)(
    'reports a corrupt %s batch as an UndecodableBatchError, never retriable',
    async (name, id) => {
      const corrupt = Buffer.from('not a compressed batch at all, just bytes');

      const failure = await codecFor(id)
        .decompress(corrupt)
        .then(
          () => undefined,
          (error: unknown) => error,
        );

      expect(failure).toBeInstanceOf(UndecodableBatchError);
      expect(failure).toMatchObject({ compression: name, step: 'decompress' });
      expect(isRetriable(failure)).toBe(false);
      // kafkajs's retrier reports `error.cause ?? error` as the cause of the consumer's crash.
      expect((failure as Error).cause).toBeUndefined();
    },
  );

  it.each([5, 6, 7])(
    'reports a batch with the unassigned codec id %i as an UndecodableBatchError',
    (id) => {
      expect(() => codecFor(id)).toThrow(UndecodableBatchError);
    },
  );

  it('is registered by loading the Kafka client, so no caller has to remember it', async () => {
    jest.resetModules();
    const kafkajs = await import('kafkajs');
    await import('./kafka-client');
    const codecs = kafkajs.CompressionCodecs as Record<number, () => unknown>;

    // kafkajs's own entries throw KafkaJSNotImplemented when looked up.
    for (const id of [
      kafkajs.CompressionTypes.Snappy,
      kafkajs.CompressionTypes.LZ4,
      kafkajs.CompressionTypes.ZSTD,
    ])
      expect(() => codecs[id]?.()).not.toThrow();
  });
});
