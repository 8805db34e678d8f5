import path from 'node:path';
import { z } from 'zod';
import { StartupError } from '@samenloop/errors';
import type { LogLevel } from '@samenloop/observability';
import { pinFileInsideKeysFolder } from '@samenloop/partners';
import {
  DEFAULT_COMMIT_STALL_MS,
  DEFAULT_RESTART_BACKOFF,
  hubLeaseGroup,
  hubSettingsFields,
  hubTransactionalId,
  kafkaConnectionSchema,
  topicNames,
  type KafkaConnection,
  type RestartBackoff,
  type TopicNames,
} from '@samenloop/messaging';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A whole number of `unit` between `min` and `max`, each bound with why it is there. */
function wholeNumber(
  unit: string,
  [min, minWhy]: readonly [number, string],
  [max, maxWhy]: readonly [number, string],
) {
  return z.coerce
    .number({ error: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min}${minWhy}`)
    .max(max, `must be at most ${max}${maxWhy}`);
}

const milliseconds = (min: number, max: number, why: string, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be between ${min} and ${max} ${why}`)
    .max(max, `must be between ${min} and ${max} ${why}`)
    .default(fallback);

const restartBackoffSchema = z.object({
  // Below 100 ms a restart loop reconnects every client as fast as the broker answers.
  GATEWAY_RESTART_BACKOFF_INITIAL_MS: milliseconds(
    100,
    60_000,
    '(the wait before the first restart)',
    DEFAULT_RESTART_BACKOFF.initialMs,
  ),
  GATEWAY_RESTART_BACKOFF_MAX_MS: milliseconds(
    1_000,
    3_600_000,
    '(the longest wait between restarts)',
    DEFAULT_RESTART_BACKOFF.maxMs,
  ),
  GATEWAY_RESTART_BACKOFF_RESET_MS: milliseconds(
    1_000,
    3_600_000,
    '(how long the pipeline stays healthy before the wait starts over)',
    DEFAULT_RESTART_BACKOFF.healthyResetMs,
  ),
});

/**
 * Whom the hub trusts: the pinned partner key fingerprints (outside the keys folder, or whoever
 * writes that folder could pin their own key) and where the hub key's passphrase comes from.
 */
const keyTrustFields = z.object({
  SAMENLOOP_PARTNER_KEYS_FILE: z
    .string({
      error:
        "is required: the reviewed file that pins each partner's key fingerprints, outside SAMENLOOP_KEYS_DIR (development: `npx samenloop keys generate` writes it)",
    })
    .min(1),
  SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: z.string().min(1, 'must name a file when set').optional(),
  SAMENLOOP_HUB_KEY_PASSPHRASE: z.string().min(1, 'must not be empty when set').optional(),
});

/** The two passphrase settings, checked against each other once each is valid alone. */
const passphraseSourcesSchema = keyTrustFields.pick({
  SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: true,
  SAMENLOOP_HUB_KEY_PASSPHRASE: true,
});

/** The settings the pin file's place is checked against, once each is valid alone. */
const pinsBesideKeysSchema = z.object({
  SAMENLOOP_KEYS_DIR: z.string().min(1),
  SAMENLOOP_PARTNER_KEYS_FILE: z.string().min(1),
});

/** The settings the closed-case retention is checked against, once each is valid alone. */
const retentionOfCasesSchema = z.object({
  SAMENLOOP_RETENTION_INBOUND_HOURS: z.number(),
  SAMENLOOP_RETENTION_CLOSED_CASES_DAYS: z.number(),
});

/**
 * One-shot migrations, each off unless asked for: on, the gateway accepts once what it otherwise
 * refuses as a possible forgery (see `CaseStateTopic`).
 */
const migrationSchema = z.object({
  SAMENLOOP_MIGRATE_CLEAR_CASE_STATE: z
    .enum(['true', 'false'], {
      error:
        'must be true or false: true only for one start after upgrading from a version that wrote the case state in clear',
    })
    .default('false')
    .transform((value) => value === 'true'),
});

const environmentFields = z.object({
  KAFKA_BROKERS: hubSettingsFields.brokers(
    'is required: a comma-separated list of host:port, e.g. 127.0.0.1:19092',
  ),
  GATEWAY_INSTANCE_ID: hubSettingsFields.GATEWAY_INSTANCE_ID,
  GATEWAY_CONSUMER_GROUP: hubSettingsFields.GATEWAY_CONSUMER_GROUP,
  SAMENLOOP_TOPIC_NAMESPACE: hubSettingsFields.SAMENLOOP_TOPIC_NAMESPACE,
  GATEWAY_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_HTTP_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  GATEWAY_SESSION_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(6_000, "must be at least 6000 (the broker's group.min.session.timeout.ms)")
    .max(300_000, "must be at most 300000 (the broker's group.max.session.timeout.ms)")
    .default(30_000),
  // Both bounds are the broker's group.min/max.session.timeout.ms defaults, which it enforces.
  GATEWAY_LEASE_SESSION_TIMEOUT_MS: milliseconds(
    6_000,
    300_000,
    "(how long the active gateway may go silent before a standby takes over; the broker's group session bounds)",
    10_000,
  ),
  GATEWAY_MAX_MESSAGE_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    // NL GOV CloudEvents: consumers accept at least 64 KB; Kafka's default record limit is 1 MiB.
    .min(65_536, 'must be at least 65536 (64 KiB, the NL GOV CloudEvents minimum)')
    .max(1_000_000, "must be at most 1000000 (below Kafka's default 1 MiB record limit)")
    .default(524_288),
  SAMENLOOP_PARTNERS_FILE: z.string().min(1).default('deploy/partners/oost-brabant.yaml'),
  SAMENLOOP_POLICY_DIR: z.string().min(1).default('deploy/policies'),
  /** Default: `tests` in the policy folder. */
  SAMENLOOP_POLICY_TESTS_DIR: z.string().min(1, 'must name a folder when set').optional(),
  SAMENLOOP_SCHEMAS_DIR: z.string().min(1).default('schemas'),
  SAMENLOOP_KEYS_DIR: z
    .string({
      error:
        'is required: the folder with the hub key and partner public keys (see `npx samenloop keys generate`)',
    })
    .min(1),
  SAMENLOOP_HUB_OIN: z
    .string()
    .regex(/^[0-9]{20}$/, 'must be an OIN of 20 digits')
    .default('00000099000000009001'),
  /** Retention by purpose (`hubTopics`): how long each class of topic keeps its records. */
  SAMENLOOP_RETENTION_INBOUND_HOURS: wholeNumber(
    'hours',
    [1, ''],
    [720, ' (30 days: submissions are routed within seconds, and then only wait to be deleted)'],
  ).default(72),
  SAMENLOOP_RETENTION_DELIVERIES_DAYS: wholeNumber(
    'days',
    [1, ': a partner needs time to read its deliveries after an outage'],
    [365, ''],
  ).default(14),
  SAMENLOOP_RETENTION_AUDIT_DAYS: wholeNumber(
    'days',
    [183, ' (6 months, the shortest legal term for traffic data)'],
    [36_500, ''],
  ).default(183),
  SAMENLOOP_RETENTION_DEAD_LETTERS_DAYS: wholeNumber(
    'days',
    [1, ': the operator and the sender need time to act on a dead letter'],
    [365, ''],
  ).default(30),
  /** How long the case state keeps a closed case (its references, facts, message ids). */
  SAMENLOOP_RETENTION_CLOSED_CASES_DAYS: wholeNumber('days', [1, ''], [3650, '']).default(30),
  GATEWAY_ZSM_ALERT_MARGIN_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(540, 'must be at most 540 (the 9 hours of the ZSM clock)')
    .default(120),
  GATEWAY_ZORGMELDING_WAIT_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(43_200, 'must be at most 43200 (30 days)')
    .default(1440),
  GATEWAY_CLOCK_TICK_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .refine(
      (value) => value === 0 || (value >= 1_000 && value <= 3_600_000),
      'must be 0 (another process drives the clock topic) or between 1000 and 3600000',
    )
    .default(60_000),
  ...restartBackoffSchema.shape,
  // A transaction takes ~10 ms; below a second, a busy broker would read as a stalled one.
  GATEWAY_COMMIT_STALL_MS: milliseconds(
    1_000,
    600_000,
    '(how long a transaction may stay open before /health reports it)',
    DEFAULT_COMMIT_STALL_MS,
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  ...keyTrustFields.shape,
  ...migrationSchema.shape,
});

const environmentSchema = environmentFields
  .refine(
    (settings) =>
      settings.GATEWAY_RESTART_BACKOFF_MAX_MS >= settings.GATEWAY_RESTART_BACKOFF_INITIAL_MS,
    {
      path: ['GATEWAY_RESTART_BACKOFF_MAX_MS'],
      message: 'must be at least GATEWAY_RESTART_BACKOFF_INITIAL_MS',
      // Checked alongside every other problem, once both settings are numbers in range.
      when: (payload) => restartBackoffSchema.safeParse(payload.value).success,
    },
  )
  .refine(
    (settings) =>
      settings.SAMENLOOP_RETENTION_CLOSED_CASES_DAYS * 24 >
      settings.SAMENLOOP_RETENTION_INBOUND_HOURS,
    {
      path: ['SAMENLOOP_RETENTION_CLOSED_CASES_DAYS'],
      message:
        "must be longer than SAMENLOOP_RETENTION_INBOUND_HOURS: a closed case's message ids keep a submission read again from its inbound topic from being routed twice",
      when: (payload) => retentionOfCasesSchema.safeParse(payload.value).success,
    },
  )
  .refine(
    (settings) =>
      !pinFileInsideKeysFolder(settings.SAMENLOOP_PARTNER_KEYS_FILE, settings.SAMENLOOP_KEYS_DIR),
    {
      path: ['SAMENLOOP_PARTNER_KEYS_FILE'],
      message:
        'must not be inside SAMENLOOP_KEYS_DIR: whoever can write the keys folder must not be able to pin a key; put it beside the folder',
      when: (payload) => pinsBesideKeysSchema.safeParse(payload.value).success,
    },
  )
  .refine(
    (settings) =>
      settings.SAMENLOOP_HUB_KEY_PASSPHRASE_FILE === undefined ||
      settings.SAMENLOOP_HUB_KEY_PASSPHRASE === undefined,
    {
      path: ['SAMENLOOP_HUB_KEY_PASSPHRASE'],
      message:
        'set either SAMENLOOP_HUB_KEY_PASSPHRASE_FILE or SAMENLOOP_HUB_KEY_PASSPHRASE, not both',
      when: (payload) => passphraseSourcesSchema.safeParse(payload.value).success,
    },
  );

export interface GatewayConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly connection: KafkaConnection;
  };
  readonly instanceId: string;
  readonly consumerGroupId: string;
  /** How long the group waits for a silent (crashed) member before giving its partitions away. */
  readonly sessionTimeoutMs: number;
  /** The group's one transactional id: whichever instance takes over fences its predecessors. */
  readonly transactionalId: string;
  /** Which instance of the group is active: the lease's consumer group and session timeout. */
  readonly lease: { readonly groupId: string; readonly sessionTimeoutMs: number };
  readonly topics: TopicNames;
  readonly http: { readonly host: string; readonly port: number };
  readonly maxMessageBytes: number;
  readonly partnersFile: string;
  readonly policyDirectory: string;
  /** The region's policy tests: a policy goes live only when they all pass. */
  readonly policyTestsDirectory: string;
  /** The message schemas and their examples, where a policy test's `schemas:<path>` points. */
  readonly schemasDirectory: string;
  readonly keysDirectory: string;
  /** The pinned fingerprints of partners' keys (yaml: partner id → fingerprints), read on each use. */
  readonly partnerKeysFile: string;
  /** Where the passphrase of a protected hub private key comes from; undefined: not protected. */
  readonly hubKeyPassphrase: HubKeyPassphraseSource | undefined;
  /** The hub's own OIN, in its CloudEvents source and as the sender of its alerts. */
  readonly hubOin: string;
  readonly retention: TopicRetention;
  /** How long after it closed the case state forgets a case (tombstones on its topic). */
  readonly closedCaseRetentionMs: number;
  readonly alarms: {
    readonly zsmMarginMinutes: number;
    readonly zorgmeldingWaitMinutes: number;
  };
  /** How often the gateway writes the time to the clock topic; 0 when something else does. */
  readonly clockTickMs: number;
  /** The pipeline's wait before restarting its Kafka clients after a crash. */
  readonly restartBackoff: RestartBackoff;
  /** A transaction open longer than this makes /health report the pipeline as failing. */
  readonly commitStallMs: number;
  readonly logLevel: LogLevel;
  /** Whether a case state in clear (from a version before sealing) is read and rewritten sealed. */
  readonly migrateClearCaseState: boolean;
}

/**
 * The setting a passphrase comes from, to name in errors. A value from the environment is behind
 * a function, so that logging or serialising the configuration never prints it.
 */
export type HubKeyPassphraseSource =
  | { readonly setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE_FILE'; readonly file: string }
  | { readonly setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE'; readonly passphrase: () => string };

/**
 * How long each class of topic keeps its records, in milliseconds. Parked messages, waiting
 * deliveries and case state have no time limit: they are kept until released or superseded.
 */
export interface TopicRetention {
  readonly inboundMs: number;
  readonly deliveriesMs: number;
  readonly auditMs: number;
  readonly deadLettersMs: number;
}

export const GATEWAY_CONFIG = Symbol('GatewayConfig');

export class InvalidConfigurationError extends StartupError {
  constructor(problems: readonly string[]) {
    super('Invalid gateway configuration', problems);
  }
}

function hubKeyPassphraseSource(settings: {
  SAMENLOOP_HUB_KEY_PASSPHRASE_FILE?: string | undefined;
  SAMENLOOP_HUB_KEY_PASSPHRASE?: string | undefined;
}): HubKeyPassphraseSource | undefined {
  const file = settings.SAMENLOOP_HUB_KEY_PASSPHRASE_FILE;
  if (file !== undefined)
    return Object.freeze({
      setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE_FILE',
      file: path.resolve(file),
    } as const);
  const passphrase = settings.SAMENLOOP_HUB_KEY_PASSPHRASE;
  if (passphrase !== undefined)
    return Object.freeze({
      setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE',
      passphrase: () => passphrase,
    } as const);
  return undefined;
}

/** Parses the environment once at start-up; every bad setting is reported in one error. */
export function loadGatewayConfig(
  env: Readonly<Record<string, string | undefined>>,
): GatewayConfig {
  const parsed = environmentSchema.safeParse(env);
  // The KAFKA_* security settings have their own schema, shared with the CLI and the test kits.
  const connection = kafkaConnectionSchema.safeParse(env);
  if (!parsed.success || !connection.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(connection.error?.issues ?? [])];
    throw new InvalidConfigurationError(
      issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const settings = parsed.data;
  return Object.freeze({
    kafka: Object.freeze({
      brokers: Object.freeze(settings.KAFKA_BROKERS),
      clientId: `samenloop-${settings.GATEWAY_INSTANCE_ID}`,
      connection: connection.data,
    }),
    instanceId: settings.GATEWAY_INSTANCE_ID,
    consumerGroupId: settings.GATEWAY_CONSUMER_GROUP,
    sessionTimeoutMs: settings.GATEWAY_SESSION_TIMEOUT_MS,
    transactionalId: hubTransactionalId(settings.GATEWAY_CONSUMER_GROUP),
    lease: Object.freeze({
      groupId: hubLeaseGroup(settings.GATEWAY_CONSUMER_GROUP),
      sessionTimeoutMs: settings.GATEWAY_LEASE_SESSION_TIMEOUT_MS,
    }),
    topics: topicNames(settings.SAMENLOOP_TOPIC_NAMESPACE),
    http: Object.freeze({ host: settings.GATEWAY_HTTP_HOST, port: settings.GATEWAY_HTTP_PORT }),
    maxMessageBytes: settings.GATEWAY_MAX_MESSAGE_BYTES,
    partnersFile: path.resolve(settings.SAMENLOOP_PARTNERS_FILE),
    policyDirectory: path.resolve(settings.SAMENLOOP_POLICY_DIR),
    policyTestsDirectory: path.resolve(
      settings.SAMENLOOP_POLICY_TESTS_DIR ?? path.join(settings.SAMENLOOP_POLICY_DIR, 'tests'),
    ),
    schemasDirectory: path.resolve(settings.SAMENLOOP_SCHEMAS_DIR),
    keysDirectory: path.resolve(settings.SAMENLOOP_KEYS_DIR),
    partnerKeysFile: path.resolve(settings.SAMENLOOP_PARTNER_KEYS_FILE),
    hubKeyPassphrase: hubKeyPassphraseSource(settings),
    hubOin: settings.SAMENLOOP_HUB_OIN,
    retention: Object.freeze({
      inboundMs: settings.SAMENLOOP_RETENTION_INBOUND_HOURS * HOUR_MS,
      deliveriesMs: settings.SAMENLOOP_RETENTION_DELIVERIES_DAYS * DAY_MS,
      auditMs: settings.SAMENLOOP_RETENTION_AUDIT_DAYS * DAY_MS,
      deadLettersMs: settings.SAMENLOOP_RETENTION_DEAD_LETTERS_DAYS * DAY_MS,
    }),
    closedCaseRetentionMs: settings.SAMENLOOP_RETENTION_CLOSED_CASES_DAYS * DAY_MS,
    alarms: Object.freeze({
      zsmMarginMinutes: settings.GATEWAY_ZSM_ALERT_MARGIN_MINUTES,
      zorgmeldingWaitMinutes: settings.GATEWAY_ZORGMELDING_WAIT_MINUTES,
    }),
    clockTickMs: settings.GATEWAY_CLOCK_TICK_MS,
    restartBackoff: Object.freeze({
      initialMs: settings.GATEWAY_RESTART_BACKOFF_INITIAL_MS,
      maxMs: settings.GATEWAY_RESTART_BACKOFF_MAX_MS,
      healthyResetMs: settings.GATEWAY_RESTART_BACKOFF_RESET_MS,
    }),
    commitStallMs: settings.GATEWAY_COMMIT_STALL_MS,
    logLevel: settings.LOG_LEVEL,
    migrateClearCaseState: settings.SAMENLOOP_MIGRATE_CLEAR_CASE_STATE,
  });
}
