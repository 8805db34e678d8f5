import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { StartupError } from '@samenloop/errors';

export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];

export const KAFKA_SASL_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** How a client reaches the brokers: the Kafka `security.protocol` and what it needs. */
export interface KafkaConnection {
  readonly securityProtocol: KafkaSecurityProtocol;
  /** For SSL and SASL_SSL: PEM texts; without a CA the system's trusted CAs apply. */
  readonly tls?: {
    readonly ca?: string;
    /** Certificate and key together, for mutual TLS. */
    readonly cert?: string;
    readonly key?: string;
  };
  /** For SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl?: {
    readonly mechanism: KafkaSaslMechanism;
    readonly username: string;
    readonly password: string;
  };
}

export const PLAINTEXT_CONNECTION: KafkaConnection = Object.freeze({
  securityProtocol: 'PLAINTEXT',
});

export class InvalidKafkaConnectionError extends StartupError {
  constructor(problems: readonly string[], heading = 'Invalid Kafka connection settings') {
    super(heading, problems);
  }
}

const usesTls = (protocol: KafkaSecurityProtocol) => protocol === 'SSL' || protocol === 'SASL_SSL';
const usesSasl = (protocol: KafkaSecurityProtocol) =>
  protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';

/** An empty variable counts as unset, as in most deployment tools' environment files. */
const unsetWhenEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalText = z.preprocess(unsetWhenEmpty, z.string().trim().optional());

/**
 * A file read at start-up. An unreadable one is reported as a problem, but its path is kept so
 * the combination checks still see that the setting was given.
 */
const readableFile = (shouldHold: RegExp, what: string) =>
  optionalText.transform((file, context) => {
    if (file === undefined) return undefined;
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      context.addIssue({ code: 'custom', message: `cannot read ${file} (${code})` });
      return { file };
    }
    if (!shouldHold.test(content)) {
      context.addIssue({ code: 'custom', message: `${file} does not hold ${what}` });
      return { file };
    }
    return { file, content };
  });

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/;
// A password file ends with one newline, as `echo` and editors leave it; the password is the rest.
const PASSWORD = /^[^\r\n]+(\r?\n)?$/;

const protocolSchema = z
  .enum(KAFKA_SECURITY_PROTOCOLS, {
    error: `must be one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`,
  })
  .default('PLAINTEXT');

const settingsFields = z.object({
  KAFKA_SECURITY_PROTOCOL: z.preprocess(unsetWhenEmpty, protocolSchema),
  KAFKA_SASL_MECHANISM: z.preprocess(
    unsetWhenEmpty,
    z
      .enum(KAFKA_SASL_MECHANISMS, { error: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` })
      .optional(),
  ),
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: optionalText,
  KAFKA_SASL_PASSWORD_FILE: readableFile(PASSWORD, 'one password on one line'),
  KAFKA_SSL_CA_FILE: readableFile(PEM_CERTIFICATE, 'a PEM certificate'),
  KAFKA_SSL_CERT_FILE: readableFile(PEM_CERTIFICATE, 'a PEM certificate'),
  KAFKA_SSL_KEY_FILE: readableFile(PEM_PRIVATE_KEY, 'a PEM private key'),
});
type Settings = z.output<typeof settingsFields>;
type SettingName = keyof Settings;

const SASL_SETTINGS = [
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
] as const satisfies readonly SettingName[];
const TLS_SETTINGS = [
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
] as const satisfies readonly SettingName[];

/** Every problem of the combination, named by the setting to change. */
function combinationProblems(settings: Settings): { path: SettingName; message: string }[] {
  const protocol = settings.KAFKA_SECURITY_PROTOCOL;
  const problems: { path: SettingName; message: string }[] = [];
  const given = (name: SettingName) => settings[name] !== undefined;
  if (usesSasl(protocol)) {
    if (!given('KAFKA_SASL_MECHANISM'))
      problems.push({
        path: 'KAFKA_SASL_MECHANISM',
        message: `is required with KAFKA_SECURITY_PROTOCOL=${protocol}: one of ${KAFKA_SASL_MECHANISMS.join(', ')}`,
      });
    if (!given('KAFKA_SASL_USERNAME'))
      problems.push({
        path: 'KAFKA_SASL_USERNAME',
        message: `is required with KAFKA_SECURITY_PROTOCOL=${protocol}: the principal to authenticate as`,
      });
    if (given('KAFKA_SASL_PASSWORD') && given('KAFKA_SASL_PASSWORD_FILE'))
      problems.push({
        path: 'KAFKA_SASL_PASSWORD_FILE',
        message: 'cannot be set together with KAFKA_SASL_PASSWORD: set exactly one',
      });
    if (!given('KAFKA_SASL_PASSWORD') && !given('KAFKA_SASL_PASSWORD_FILE'))
      problems.push({
        path: 'KAFKA_SASL_PASSWORD_FILE',
        message: `or KAFKA_SASL_PASSWORD is required with KAFKA_SECURITY_PROTOCOL=${protocol}: set exactly one`,
      });
  } else {
    for (const name of SASL_SETTINGS.filter(given))
      problems.push({
        path: name,
        message: `is only used with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL, not ${protocol}: set the protocol or remove it`,
      });
  }
  if (usesTls(protocol)) {
    if (given('KAFKA_SSL_CERT_FILE') !== given('KAFKA_SSL_KEY_FILE'))
      problems.push(
        given('KAFKA_SSL_CERT_FILE')
          ? { path: 'KAFKA_SSL_KEY_FILE', message: 'is required with KAFKA_SSL_CERT_FILE (mTLS)' }
          : { path: 'KAFKA_SSL_CERT_FILE', message: 'is required with KAFKA_SSL_KEY_FILE (mTLS)' },
      );
  } else {
    for (const name of TLS_SETTINGS.filter(given))
      problems.push({
        path: name,
        message: `is only used with KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, not ${protocol}: set the protocol or remove it`,
      });
  }
  return problems;
}

function toConnection(settings: Settings): KafkaConnection {
  const protocol = settings.KAFKA_SECURITY_PROTOCOL;
  const password =
    settings.KAFKA_SASL_PASSWORD ??
    settings.KAFKA_SASL_PASSWORD_FILE?.content?.replace(/\r?\n$/, '');
  return Object.freeze({
    securityProtocol: protocol,
    ...(usesTls(protocol) && {
      tls: Object.freeze({
        ca: settings.KAFKA_SSL_CA_FILE?.content,
        cert: settings.KAFKA_SSL_CERT_FILE?.content,
        key: settings.KAFKA_SSL_KEY_FILE?.content,
      }),
    }),
    ...(usesSasl(protocol) &&
      settings.KAFKA_SASL_MECHANISM &&
      settings.KAFKA_SASL_USERNAME &&
      password && {
        sasl: Object.freeze({
          mechanism: settings.KAFKA_SASL_MECHANISM,
          username: settings.KAFKA_SASL_USERNAME,
          password,
        }),
      }),
  });
}

/**
 * The `KAFKA_*` connection settings, one parse for the gateway, the CLI and the test kits. Each
 * problem is an issue whose path names the variable, so callers list them with their own.
 */
export const kafkaConnectionSchema = settingsFields
  .superRefine(
    (settings, context) => {
      for (const { path, message } of combinationProblems(settings))
        context.addIssue({ code: 'custom', path: [path], message });
    },
    // Checked alongside the other problems (an unreadable file, say), once the protocol is known.
    {
      when: (payload) =>
        protocolSchema.safeParse((payload.value as Partial<Settings>).KAFKA_SECURITY_PROTOCOL)
          .success,
    },
  )
  .transform(toConnection);

/** Parses the connection settings or throws one error listing every problem. */
export function kafkaConnectionFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): KafkaConnection {
  const parsed = kafkaConnectionSchema.safeParse(env);
  if (!parsed.success)
    throw new InvalidKafkaConnectionError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  return parsed.data;
}

/** The kafkajs `ssl` and `sasl` options of a connection. */
export function kafkaSecurityOptions(
  connection: KafkaConnection,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { tls, sasl } = connection;
  return {
    ...(tls && {
      ssl: {
        ...(tls.ca !== undefined && { ca: [tls.ca] }),
        ...(tls.cert !== undefined && { cert: tls.cert }),
        ...(tls.key !== undefined && { key: tls.key }),
      },
    }),
    ...(sasl && { sasl: saslOptions(sasl) }),
  };
}

/** Kafka names mechanisms in capitals, kafkajs in lower case. */
function saslOptions({
  mechanism,
  username,
  password,
}: NonNullable<KafkaConnection['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
  }
}
