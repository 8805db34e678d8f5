import type { Kafka } from 'kafkajs';
import { createTopics, uniqueName } from '../test/support/kafka-test-kit';
import {
  ArrivalRecorder,
  offerLoad,
  type LoadFigures,
  type OfferedLoad,
  type OfferedRecord,
} from './load-generator';

/**
 * The floor Kafka sets: the same records produced and consumed through the same broker with the
 * same client settings, without the hub in between.
 */
export async function measureRawKafka(
  kafka: Kafka,
  phases: readonly { load: OfferedLoad; records: readonly OfferedRecord[] }[],
): Promise<LoadFigures[]> {
  const topic = uniqueName('bench-raw');
  await createTopics(kafka, topic);
  const recorder = await ArrivalRecorder.start(kafka, [topic], (message) =>
    message.key?.toString(),
  );
  try {
    const figures: LoadFigures[] = [];
    for (const { load, records } of phases) {
      const sentAt = new Map<string, number>();
      // Raw records are matched by their key, the case reference.
      const byKey = records.map((record) => ({ ...record, traceId: record.key }));
      await offerLoad(kafka, topic, byKey, load, sentAt);
      const ids = byKey.map((record) => record.traceId);
      await recorder.complete(ids, 1, 120_000);
      figures.push(recorder.figures(load, ids, sentAt));
    }
    return figures;
  } finally {
    await recorder.stop();
  }
}
