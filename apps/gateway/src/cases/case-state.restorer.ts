import type { CaseLedger } from '@samenloop/case';
import type { Kafka } from 'kafkajs';
import { readStateTopic } from '../topics/compacted-topic.reader';

/** Rebuilds the case ledger from the compacted case state topic. */
export async function restoreCaseLedger(
  kafka: Kafka,
  stateTopic: string,
  ledger: CaseLedger,
): Promise<number> {
  const entries = (await readStateTopic(kafka, stateTopic)).flatMap(({ key, value }) =>
    value === null ? [] : [{ key, value: value.toString() }],
  );
  ledger.restore(entries);
  return entries.length;
}
