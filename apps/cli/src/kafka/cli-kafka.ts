import { Kafka, logLevel } from 'kafkajs';
import { kafkaSecurityOptions } from '@samenloop/messaging';
import type { CliConnectionSettings } from '../cli-settings';

/** A kafkajs client for a CLI command, over the connection its settings name. */
export function cliKafka(
  settings: Pick<CliConnectionSettings, 'brokers' | 'connection'>,
  clientId: string,
): Kafka {
  return new Kafka({
    clientId,
    brokers: [...settings.brokers],
    ...kafkaSecurityOptions(settings.connection),
    // The CLI reports failures itself; kafkajs's connection chatter would bury them.
    logLevel: logLevel.NOTHING,
  });
}
