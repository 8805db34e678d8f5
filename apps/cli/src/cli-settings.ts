import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import {
  hubSettingsFields,
  InvalidKafkaConnectionError,
  kafkaConnectionSchema,
  type KafkaConnection,
} from '@samenloop/messaging';
import { pinFileInsideKeysFolder } from '@samenloop/partners';

/** What a command needs to reach the hub's topics and keys, as a partner or as the operator. */
export interface CliConnectionSettings {
  readonly brokers: readonly string[];
  /** TLS and SASL from the `KAFKA_*` settings; the CLI connects as whoever they name. */
  readonly connection: KafkaConnection;
  readonly keysDirectory: string;
  readonly topicNamespace: string;
  /** The partner simulator's logins, one `<ID>.password` per partner (see `partnerConnection`). */
  readonly partnerCredentialsDirectory?: string;
}

/** What the CLI reads from the environment, in one place; the same setting names as the gateway. */
export interface CliSettings extends CliConnectionSettings {
  /** The partner registry, as the gateway reads it (SAMENLOOP_PARTNERS_FILE). */
  readonly partnersFile: string;
  /** SAMENLOOP_PARTNER_KEYS_FILE when set; otherwise the pins sit beside the keys folder in use. */
  readonly partnerKeysFile?: string;
  /** The gateway's `GATEWAY_CONSUMER_GROUP`, for `acl apply` (its instances share one transactional id). */
  readonly hub: { readonly consumerGroup: string };
}

/** Outside the repository: private keys never sit in a source folder. */
export const DEFAULT_KEYS_DIRECTORY = path.join(
  os.homedir(),
  '.local',
  'state',
  'samenloop',
  'keys',
);

/**
 * The CLI's settings are wrong: every problem, KAFKA_* ones included, in one error. It is an
 * `InvalidKafkaConnectionError` too, since most of what the CLI reads is how to reach Kafka.
 */
export class InvalidCliSettingsError extends InvalidKafkaConnectionError {
  constructor(problems: readonly string[]) {
    super(problems, 'Invalid samenloop settings');
  }
}

/** An empty variable counts as unset, as in most deployment tools' environment files. */
const optionalPath = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().optional(),
);

const environmentSchema = z
  .object({
    KAFKA_BROKERS: hubSettingsFields
      .brokers('must be a comma-separated list of host:port')
      .default(['127.0.0.1:19092']),
    SAMENLOOP_TOPIC_NAMESPACE: hubSettingsFields.SAMENLOOP_TOPIC_NAMESPACE,
    GATEWAY_CONSUMER_GROUP: hubSettingsFields.GATEWAY_CONSUMER_GROUP,
    SAMENLOOP_KEYS_DIR: z.string().min(1, 'must name a folder').default(DEFAULT_KEYS_DIRECTORY),
    SAMENLOOP_PARTNERS_FILE: z
      .string()
      .min(1, 'must name a file')
      .default('deploy/partners/oost-brabant.yaml'),
    SAMENLOOP_PARTNER_KEYS_FILE: optionalPath,
    SAMENLOOP_PARTNER_CREDENTIALS_DIR: optionalPath,
  })
  .refine(
    (settings) =>
      settings.SAMENLOOP_PARTNER_KEYS_FILE === undefined ||
      !pinFileInsideKeysFolder(settings.SAMENLOOP_PARTNER_KEYS_FILE, settings.SAMENLOOP_KEYS_DIR),
    {
      path: ['SAMENLOOP_PARTNER_KEYS_FILE'],
      message:
        'must not be inside SAMENLOOP_KEYS_DIR: whoever can write the keys folder must not be able to pin a key; put it beside the folder',
    },
  );

/** Parses the environment once, with the KAFKA_* settings; throws one error listing every problem. */
export function cliSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliSettings {
  const parsed = environmentSchema.safeParse(env);
  const connection = kafkaConnectionSchema.safeParse(env);
  if (!parsed.success || !connection.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(connection.error?.issues ?? [])];
    throw new InvalidCliSettingsError(
      issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const settings = parsed.data;
  return Object.freeze({
    brokers: Object.freeze(settings.KAFKA_BROKERS),
    connection: connection.data,
    keysDirectory: path.resolve(settings.SAMENLOOP_KEYS_DIR),
    topicNamespace: settings.SAMENLOOP_TOPIC_NAMESPACE,
    partnersFile: path.resolve(settings.SAMENLOOP_PARTNERS_FILE),
    hub: Object.freeze({
      consumerGroup: settings.GATEWAY_CONSUMER_GROUP,
    }),
    ...(settings.SAMENLOOP_PARTNER_KEYS_FILE !== undefined && {
      partnerKeysFile: path.resolve(settings.SAMENLOOP_PARTNER_KEYS_FILE),
    }),
    ...(settings.SAMENLOOP_PARTNER_CREDENTIALS_DIR !== undefined && {
      partnerCredentialsDirectory: path.resolve(settings.SAMENLOOP_PARTNER_CREDENTIALS_DIR),
    }),
  });
}

/** The partner key pins for a keys folder: SAMENLOOP_PARTNER_KEYS_FILE, else beside the folder. */
export function partnerKeysFileFor(settings: CliSettings, keysDirectory: string): string {
  return settings.partnerKeysFile ?? pinFileBeside(keysDirectory);
}

/** Where the pins go by default: beside the keys folder, never inside it. */
function pinFileBeside(keysDirectory: string): string {
  return path.join(path.dirname(path.resolve(keysDirectory)), 'partner-keys.yaml');
}
