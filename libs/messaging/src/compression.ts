import LZ4Codec from '@2l/kafkajs-lz4';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { PoisonRecordError } from './errors';

/**
 * The compressions a partner's Kafka client may use on a submission. kafkajs decodes only gzip
 * itself: without the others one snappy or lz4 batch stopped the consumer (KafkaJSNotImplemented).
 */
export const ACCEPTED_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/**
 * A fetched batch that cannot be decompressed: corrupt, or of a codec Kafka may add later. kafkajs
 * throws it while decoding a whole fetch response, so it names no topic, partition or offset; the
 * pipeline has to find the batch and dead-letter it rather than restart onto it again.
 */
export class UndecodableBatchError extends PoisonRecordError {
  constructor(
    readonly compression: string,
    /** The codec's own complaint. Not the `cause`: see below. */
    readonly failure?: string,
  ) {
    // No `cause` on purpose: kafkajs gives up on a fetch with KafkaJSNonRetriableError whose cause
    // is `error.cause ?? error`, so only a cause-less error stays visible in the CRASH event.
    super(
      `a record batch compressed with ${compression} cannot be decompressed` +
        (failure === undefined ? '' : `: ${failure}`),
      'decompress',
    );
  }
}

interface KafkaCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

// librdkafka's default zstd level; the hub only reads zstd, compressing is for tests and tools.
const ZSTD_LEVEL = 3;

/** @kafkajs/zstd needs a native build that fails on Node 20; @mongodb-js/zstd ships prebuilt binaries. */
function zstdCodec(): KafkaCodec {
  return {
    compress: (encoder) => zstdCompress(encoder.buffer, ZSTD_LEVEL),
    decompress: (buffer) => zstdDecompress(buffer),
  };
}

/** Any decompression failure becomes one named, non-retriable error the pipeline can recognise. */
function guarded(compression: string, factory: () => KafkaCodec): () => KafkaCodec {
  return () => {
    const codec = factory();
    return {
      compress: (encoder) => codec.compress(encoder),
      decompress: async (buffer) => {
        try {
          return await codec.decompress(buffer);
        } catch (error) {
          throw new UndecodableBatchError(
            compression,
            error instanceof Error ? error.message : String(error),
          );
        }
      },
    };
  };
}

const codecs = CompressionCodecs as unknown as Record<number, () => KafkaCodec>;
// kafkajs's own gzip, taken before the first registration so registering twice wraps it once.
const kafkajsGzip = codecs[CompressionTypes.GZIP]!;
// The codec bits of a batch's attributes hold 0–7; Kafka assigns 0–4. kafkajs would fail on the
// rest with a TypeError.
const UNASSIGNED_CODEC_IDS = [5, 6, 7];

/** kafkajs keeps its codecs in one process-wide table; filling it twice is harmless. */
export function registerCompressionCodecs(): void {
  codecs[CompressionTypes.GZIP] = guarded('gzip', kafkajsGzip);
  codecs[CompressionTypes.Snappy] = guarded('snappy', SnappyCodec);
  codecs[CompressionTypes.LZ4] = guarded('lz4', new LZ4Codec().codec);
  codecs[CompressionTypes.ZSTD] = guarded('zstd', zstdCodec);
  for (const id of UNASSIGNED_CODEC_IDS)
    codecs[id] = () => {
      throw new UndecodableBatchError(`unknown codec ${id}`);
    };
}
