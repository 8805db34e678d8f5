import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from '@samenloop/observability';
import { registerCompressionCodecs } from './compression';
import {
  kafkaSecurityOptions,
  PLAINTEXT_CONNECTION,
  type KafkaConnection,
} from './kafka-connection';

// At load, not per client: the CLI and the tests build some kafkajs clients themselves, and any
// import of @samenloop/messaging must leave them able to read snappy, lz4 and zstd batches too.
registerCompressionCodecs();

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** TLS and SASL (`kafkaConnectionSchema`); PLAINTEXT when absent. */
  readonly connection?: KafkaConnection;
  /** Tests pass short retries so failures surface in seconds, not minutes. */
  readonly retry?: RetryOptions;
}

const LEVELS: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ...kafkaSecurityOptions(settings.connection ?? PLAINTEXT_CONNECTION),
    retry: settings.retry,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        // kafkajs log entries describe connections and protocol state, not message content.
        // pino adds its own time and logger name, so kafkajs's copies are dropped.
        const { message, timestamp, logger, ...extra } = log;
        kafkaLogger[LEVELS[level]]({ namespace, ...extra }, message);
      },
  });
}
