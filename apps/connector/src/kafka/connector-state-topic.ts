import type { Kafka } from 'kafkajs';
import { partitionOffsets, readPartitions } from '@samenloop/messaging';
import type { ConnectorSettings } from '../config/connector-settings';
import { connectorClientId } from './connector-kafka';

const RESTORE_TIMEOUT_MS = 60_000;

/**
 * Reads one of the connector's compacted state topics to its end, committed records only, handing
 * each keyed record over in offset order (later records of a key replace earlier ones). Call after
 * the submission producer has connected: its transactional id aborts what a crashed predecessor
 * left open, which would otherwise hold the read back until the transaction times out.
 */
export async function readConnectorStateTopic(
  kafka: Kafka,
  settings: Pick<ConnectorSettings, 'partnerId' | 'topicNamespace'>,
  topic: string,
  each: (key: string, value: string) => void,
): Promise<void> {
  const ranges = (await partitionOffsets(kafka, topic)).map(({ partition, low, high }) => ({
    partition,
    from: low,
    to: high,
  }));
  await readPartitions(kafka, {
    topic,
    ranges,
    timeoutMs: RESTORE_TIMEOUT_MS,
    groupId: connectorClientId(settings, `restore-${Date.now()}`),
    each: (_partition, message) => {
      const key = message.key?.toString();
      if (key === undefined || message.value === null) return;
      each(key, message.value.toString());
    },
  });
}
