import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { kcatProduce, requireKcat, type KcatCompression } from '../support/kcat';
import { brokersFromEnvironment, consumeUntil, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

const CODECS: [KcatCompression, CompressionTypes][] = [
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
];

type Codec = {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
};

/** Counts the batches this process decompresses per codec, to see that kcat really compressed. */
function countDecompressions(type: CompressionTypes): { count: number } {
  const codecs = CompressionCodecs as Record<number, () => Codec>;
  const registered = codecs[type]!;
  const counter = { count: 0 };
  codecs[type] = () => {
    const codec = registered();
    return {
      compress: (encoder) => codec.compress(encoder),
      decompress: (buffer) => {
        counter.count += 1;
        return codec.decompress(buffer);
      },
    };
  };
  return counter;
}

/** A partner on librdkafka may compress its batches with any codec Kafka has; the hub reads them all. */
describe('a submission compressed by a librdkafka partner', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');

  beforeAll(async () => {
    requireKcat();
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, ['VT-ZOB']);
    running.gateway = await running.scenario.startGateway();
  });

  it.each(CODECS)(
    'is accepted and delivered to VT-ZOB when compressed with %s',
    async (compression, type) => {
      const decompressed = countDecompressions(type);
      const before = running.watcher!.deliveries('VT-ZOB', 'zorgmelding').length;
      const nummer = policeNumber();
      const submission = submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: nummer },
      });
      const sealed = await running.scenario.partners.sealed('POLITIE-OB', submission, nummer);

      const topic = running.scenario.topics.inbound('POLITIE-OB');
      await kcatProduce({
        brokers: brokersFromEnvironment().join(','),
        topic,
        key: nummer,
        // Ciphertext does not compress, and librdkafka sends a batch uncompressed when its codec
        // would not shrink it; a retry of the same record in the batch (at-least-once) does.
        values: [sealed.value, sealed.value],
        compression,
      });

      // The record on the topic is in a batch of that codec: reading it took that codec here.
      const [onTopic] = await consumeUntil(kafka, topic, (read) =>
        read.some((record) => record.key === nummer),
      ).then((read) => read.filter((record) => record.key === nummer));
      expect(onTopic?.bytes).toEqual(sealed.value);
      expect(decompressed.count).toBeGreaterThan(0);

      await running.watcher!.until(
        () =>
          running.watcher!.deliveries('VT-ZOB', 'zorgmelding').length > before ? true : undefined,
        `the ${compression} zorgmelding at VT-ZOB`,
      );
      expect(running.watcher!.deliveries('VT-ZOB', 'zorgmelding')).toHaveLength(before + 1);
    },
  );
});
