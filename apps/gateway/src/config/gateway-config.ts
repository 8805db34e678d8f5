import { z } from 'zod';
import type { LogLevel } from '@samenloop/observability';
import { DEAD_LETTER_TOPIC } from '@samenloop/messaging';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const BROKER_ADDRESS = /^[^\s:,]+:\d{1,5}$/;

const environmentSchema = z.object({
  KAFKA_BROKERS: z
    .string({ error: 'is required: a comma-separated list of host:port, e.g. 127.0.0.1:19092' })
    .transform((value) =>
      value
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(BROKER_ADDRESS, 'each broker must be host:port'))
        .min(1, 'must name at least one broker as host:port'),
    ),
  GATEWAY_INSTANCE_ID: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be 1-64 lower-case letters, digits or dashes')
    .default('gateway-1'),
  GATEWAY_CONSUMER_GROUP: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,128}$/, 'must be 1-128 letters, digits, dots, dashes or underscores')
    .default('samenloop-gateway'),
  GATEWAY_INBOUND_TOPIC: z
    .string()
    .regex(TOPIC_NAME, 'must be a valid Kafka topic name')
    .default('samenloop.in.v1'),
  GATEWAY_OUTBOUND_TOPIC: z
    .string()
    .regex(TOPIC_NAME, 'must be a valid Kafka topic name')
    .default('samenloop.out.v1'),
  GATEWAY_DEAD_LETTER_TOPIC: z
    .string()
    .regex(TOPIC_NAME, 'must be a valid Kafka topic name')
    .default(DEAD_LETTER_TOPIC),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export interface GatewayConfig {
  readonly kafka: { readonly brokers: readonly string[]; readonly clientId: string };
  readonly instanceId: string;
  readonly consumerGroupId: string;
  /** How long the group waits for a silent (crashed) member before giving its partitions away. */
  readonly sessionTimeoutMs: number;
  readonly transactionalId: string;
  readonly topics: {
    readonly inbound: string;
    readonly outbound: string;
    readonly deadLetter: string;
  };
  readonly http: { readonly host: string; readonly port: number };
  readonly logLevel: LogLevel;
}

export const GATEWAY_CONFIG = Symbol('GatewayConfig');

export class InvalidConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid gateway configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'InvalidConfigurationError';
  }
}

/** Parses the environment once at start-up; every bad setting is reported in one error. */
export function loadGatewayConfig(
  env: Readonly<Record<string, string | undefined>>,
): GatewayConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new InvalidConfigurationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const settings = parsed.data;
  return Object.freeze({
    kafka: Object.freeze({
      brokers: Object.freeze(settings.KAFKA_BROKERS),
      clientId: `samenloop-${settings.GATEWAY_INSTANCE_ID}`,
    }),
    instanceId: settings.GATEWAY_INSTANCE_ID,
    consumerGroupId: settings.GATEWAY_CONSUMER_GROUP,
    sessionTimeoutMs: settings.GATEWAY_SESSION_TIMEOUT_MS,
    transactionalId: `samenloop-${settings.GATEWAY_INSTANCE_ID}`,
    topics: Object.freeze({
      inbound: settings.GATEWAY_INBOUND_TOPIC,
      outbound: settings.GATEWAY_OUTBOUND_TOPIC,
      deadLetter: settings.GATEWAY_DEAD_LETTER_TOPIC,
    }),
    http: Object.freeze({ host: settings.GATEWAY_HTTP_HOST, port: settings.GATEWAY_HTTP_PORT }),
    logLevel: settings.LOG_LEVEL,
  });
}
