import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_GATEWAY_CONSUMER_GROUP,
  DEFAULT_GATEWAY_INSTANCE_ID,
  kafkaConnectionFromEnvironment,
  type KafkaConnection,
} from '@samenloop/messaging';

/** What the CLI reads from the environment, in one place; the same setting names as the gateway. */
export interface CliSettings {
  readonly brokers: readonly string[];
  /** TLS and SASL from the `KAFKA_*` settings; the CLI connects as whoever they name. */
  readonly connection: KafkaConnection;
  readonly keysDirectory: string;
  readonly topicNamespace: string;
  /** The partner simulator's logins, one `<ID>.password` per partner (see `partnerConnection`). */
  readonly partnerCredentialsDirectory?: string;
}

/** Outside the repository: private keys never sit in a source folder. */
export const DEFAULT_KEYS_DIRECTORY = path.join(
  os.homedir(),
  '.local',
  'state',
  'samenloop',
  'keys',
);

/** Throws `InvalidKafkaConnectionError`, listing every problem, when the KAFKA_* settings do not fit together. */
export function cliSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliSettings {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((broker) => broker.trim()),
    connection: kafkaConnectionFromEnvironment(env),
    keysDirectory: path.resolve(env.SAMENLOOP_KEYS_DIR ?? DEFAULT_KEYS_DIRECTORY),
    topicNamespace: env.SAMENLOOP_TOPIC_NAMESPACE ?? '',
    ...(env.SAMENLOOP_PARTNER_CREDENTIALS_DIR && {
      partnerCredentialsDirectory: path.resolve(env.SAMENLOOP_PARTNER_CREDENTIALS_DIR),
    }),
  };
}

/** What `acl apply` derives the ACLs from: the partner registry and the gateway's own client ids. */
export interface AclSettings {
  readonly partnersFile: string;
  readonly topicNamespace: string;
  /** The gateway's `GATEWAY_CONSUMER_GROUP` and `GATEWAY_INSTANCE_ID`, read as the gateway reads them. */
  readonly hubConsumerGroup: string;
  readonly hubInstanceId: string;
}

export function aclSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AclSettings {
  return {
    partnersFile: path.resolve(env.SAMENLOOP_PARTNERS_FILE ?? 'deploy/partners/oost-brabant.yaml'),
    topicNamespace: env.SAMENLOOP_TOPIC_NAMESPACE ?? '',
    hubConsumerGroup: env.GATEWAY_CONSUMER_GROUP ?? DEFAULT_GATEWAY_CONSUMER_GROUP,
    hubInstanceId: env.GATEWAY_INSTANCE_ID ?? DEFAULT_GATEWAY_INSTANCE_ID,
  };
}

/** What the key-registration commands read besides `CliSettings`: the registry and its key pins. */
export interface KeyTrustSettings {
  /** The partner registry, as the gateway reads it (SAMENLOOP_PARTNERS_FILE). */
  readonly partnersFile: string;
  /** The partner key pins (SAMENLOOP_PARTNER_KEYS_FILE); by default beside the keys folder. */
  readonly partnerKeysFile: string;
}

export function keyTrustSettings(
  keysDirectory: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): KeyTrustSettings {
  return {
    partnersFile: path.resolve(env.SAMENLOOP_PARTNERS_FILE ?? 'deploy/partners/oost-brabant.yaml'),
    partnerKeysFile: path.resolve(env.SAMENLOOP_PARTNER_KEYS_FILE ?? pinFileBeside(keysDirectory)),
  };
}

/** Where the pins go by default: beside the keys folder, never inside it. */
export function pinFileBeside(keysDirectory: string): string {
  return path.join(path.dirname(path.resolve(keysDirectory)), 'partner-keys.yaml');
}
