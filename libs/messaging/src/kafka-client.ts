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

type PinoLevel = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<logLevel, PinoLevel> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs at error every error response and every failed attempt (`retryCount`), also those
 * it then retries: a transaction begun while the broker still writes the previous one's markers
 * meets CONCURRENT_TRANSACTIONS, is retried 10 ms later and succeeds. Such lines are warnings; a
 * failure that stays a failure reaches the caller, which logs it at error (the pipeline's restart
 * line, a commit stall, a refused send).
 */
export function kafkajsLogLevel(
  level: logLevel,
  namespace: string,
  log: LogEntry['log'],
): PinoLevel {
  const pinoLevel = LEVELS[level];
  if (pinoLevel !== 'error') return pinoLevel;
  const oneResponse = namespace === 'Connection' && log.message.startsWith('Response ');
  const toBeRetried = typeof (log as { retryCount?: unknown }).retryCount === 'number';
  return oneResponse || toBeRetried ? 'warn' : 'error';
}

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
        kafkaLogger[kafkajsLogLevel(level, namespace, log)]({ namespace, ...extra }, message);
      },
  });
}
