import os from 'node:os';
import path from 'node:path';

/** What the CLI reads from the environment, in one place; the same setting names as the gateway. */
export interface CliSettings {
  readonly brokers: readonly string[];
  readonly keysDirectory: string;
  readonly topicNamespace: string;
}

/** Outside the repository: private keys never sit in a source folder. */
export const DEFAULT_KEYS_DIRECTORY = path.join(
  os.homedir(),
  '.local',
  'state',
  'samenloop',
  'keys',
);

export function cliSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliSettings {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((broker) => broker.trim()),
    keysDirectory: path.resolve(env.SAMENLOOP_KEYS_DIR ?? DEFAULT_KEYS_DIRECTORY),
    topicNamespace: env.SAMENLOOP_TOPIC_NAMESPACE ?? '',
  };
}
