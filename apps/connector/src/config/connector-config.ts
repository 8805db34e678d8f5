import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { keyFiles } from '@samenloop/crypto';
import { StartupError } from '@samenloop/errors';
import { hubSettingsFields, kafkaConnectionSchema, topicNames } from '@samenloop/messaging';
import { PartnerRegistry } from '@samenloop/partners';
import type { ConnectorAuthentication, ConnectorSettings } from './connector-settings';
import { fileAdaptersOf } from './file-adapters-config';

const DEFAULT_PARTNERS_FILE = 'deploy/partners/oost-brabant.yaml';

/** Below this an HMAC key is guessable offline from one signed call (RFC 2104: at least the hash length). */
const MIN_WEBHOOK_SECRET_BYTES = 32;

export class InvalidConnectorConfigurationError extends StartupError {
  constructor(problems: readonly string[]) {
    super('Invalid connector configuration', problems, {
      hint: 'See apps/connector/README.md for every setting.',
    });
  }
}

/** An empty variable counts as unset, as in most deployment tools' environment files. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const file = (what: string) =>
  z.string({ error: `is required: ${what}` }).min(1, `is required: ${what}`);

const milliseconds = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(100, 'must be between 100 and 86400000')
    .max(86_400_000, 'must be between 100 and 86400000')
    .default(fallback);

const environmentFields = z.object({
  CONNECTOR_PARTNER_ID: z
    .string({ error: 'is required: the id of the partner this connector serves, e.g. VT-ZOB' })
    .min(1, 'is required: the id of the partner this connector serves, e.g. VT-ZOB'),
  SAMENLOOP_PARTNERS_FILE: z.string().min(1).default('deploy/partners/oost-brabant.yaml'),
  KAFKA_BROKERS: hubSettingsFields.brokers(
    'is required: a comma-separated list of host:port, e.g. 127.0.0.1:19092',
  ),
  SAMENLOOP_TOPIC_NAMESPACE: hubSettingsFields.SAMENLOOP_TOPIC_NAMESPACE,
  SAMENLOOP_KEYS_DIR: file(
    "the folder with the partner's private key and the hub's public key (see `npx samenloop keys generate`)",
  ),
  CONNECTOR_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  CONNECTOR_HTTP_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(8443),
  CONNECTOR_TLS_CERT_FILE: file("the API's TLS certificate (PEM): the connector serves HTTPS only"),
  CONNECTOR_TLS_KEY_FILE: file("the private key of the API's TLS certificate (PEM)"),
  CONNECTOR_AUTH_MODE: z.enum(['mtls', 'oauth2'], {
    error:
      'must be mtls (client certificates of the partner CA) or oauth2 (JWT bearer tokens): every call is authenticated',
  }),
  CONNECTOR_CLIENT_CA_FILE: optional(z.string()),
  CONNECTOR_JWKS_URL: optional(
    z.url({ protocol: /^https$/, error: 'must be an https URL of the JWKS' }),
  ),
  CONNECTOR_JWKS_FILE: optional(z.string()),
  CONNECTOR_JWT_ISSUER: optional(z.string()),
  CONNECTOR_JWT_AUDIENCE: optional(z.string()),
  CONNECTOR_OAUTH2_TOKEN_URL: optional(
    z.url({ protocol: /^https$/, error: 'must be the https URL of the token endpoint' }),
  ),
  CONNECTOR_WEBHOOK_URL: optional(z.url({ error: 'must be a URL' })),
  CONNECTOR_WEBHOOK_SECRET_FILE: optional(z.string()),
  CONNECTOR_WEBHOOK_BACKOFF_INITIAL_MS: milliseconds(1_000),
  CONNECTOR_WEBHOOK_BACKOFF_MAX_MS: milliseconds(300_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

const environmentSchema = environmentFields.superRefine(
  (settings, context) => {
    const missing = (setting: string, why: string) =>
      context.addIssue({ code: 'custom', path: [setting], message: `is required ${why}` });
    if (settings.CONNECTOR_AUTH_MODE === 'mtls' && !settings.CONNECTOR_CLIENT_CA_FILE)
      missing('CONNECTOR_CLIENT_CA_FILE', "in mtls mode: the partner CA's certificate (PEM)");
    if (settings.CONNECTOR_AUTH_MODE === 'oauth2') {
      const sources = [settings.CONNECTOR_JWKS_URL, settings.CONNECTOR_JWKS_FILE].filter(Boolean);
      if (sources.length !== 1)
        context.addIssue({
          code: 'custom',
          path: ['CONNECTOR_JWKS_URL'],
          message:
            'in oauth2 mode set exactly one of CONNECTOR_JWKS_URL (https) and CONNECTOR_JWKS_FILE',
        });
      if (!settings.CONNECTOR_JWT_ISSUER)
        missing('CONNECTOR_JWT_ISSUER', "in oauth2 mode: the tokens' iss");
      if (!settings.CONNECTOR_JWT_AUDIENCE)
        missing('CONNECTOR_JWT_AUDIENCE', "in oauth2 mode: the tokens' aud for this connector");
    }
    if (settings.CONNECTOR_WEBHOOK_URL !== undefined) {
      if (!settings.CONNECTOR_WEBHOOK_SECRET_FILE)
        missing('CONNECTOR_WEBHOOK_SECRET_FILE', 'with CONNECTOR_WEBHOOK_URL: the HMAC secret');
      if (
        URL.canParse(settings.CONNECTOR_WEBHOOK_URL) &&
        !webhookUrlAllowed(settings.CONNECTOR_WEBHOOK_URL)
      )
        context.addIssue({
          code: 'custom',
          path: ['CONNECTOR_WEBHOOK_URL'],
          message: 'must be https (plain http only to a loopback address)',
        });
    }
    const { CONNECTOR_WEBHOOK_BACKOFF_INITIAL_MS: initial, CONNECTOR_WEBHOOK_BACKOFF_MAX_MS: max } =
      settings;
    if (typeof initial === 'number' && typeof max === 'number' && max < initial)
      context.addIssue({
        code: 'custom',
        path: ['CONNECTOR_WEBHOOK_BACKOFF_MAX_MS'],
        message: 'must be at least CONNECTOR_WEBHOOK_BACKOFF_INITIAL_MS',
      });
  },
  // Alongside every other problem: each check reads only settings that are present.
  { when: () => true },
);

type Environment = z.infer<typeof environmentSchema>;

/** Documents in clear leave the connector only encrypted, or inside the machine it runs on. */
function webhookUrlAllowed(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'https:' ||
    (protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname))
  );
}

type RawEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * Parses the connector's environment once at start-up and checks the files it names can be read:
 * every problem, the KAFKA_* ones included, in one `InvalidConnectorConfigurationError`. The TLS
 * files are checked for what they contain by `connectorHttpsOptions`.
 */
export function parseConnectorSettings(env: RawEnvironment): ConnectorSettings {
  const parsed = environmentSchema.safeParse(env);
  const connection = kafkaConnectionSchema.safeParse(env);
  const problems = [...(parsed.error?.issues ?? []), ...(connection.error?.issues ?? [])].map(
    (issue) => `${issue.path.join('.')}: ${issue.message}`,
  );
  // The files are checked whatever else is wrong, so one round fixes everything.
  const set = (name: string) => (env[name] === '' ? undefined : env[name]);
  const partnerId = set('CONNECTOR_PARTNER_ID');
  const source =
    partnerId &&
    partnerSource(partnerId, set('SAMENLOOP_PARTNERS_FILE') ?? DEFAULT_PARTNERS_FILE, problems);
  const keysDirectory = set('SAMENLOOP_KEYS_DIR');
  if (partnerId && keysDirectory) checkKeys(path.resolve(keysDirectory), partnerId, problems);
  for (const setting of [
    'CONNECTOR_TLS_CERT_FILE',
    'CONNECTOR_TLS_KEY_FILE',
    'CONNECTOR_CLIENT_CA_FILE',
    'CONNECTOR_JWKS_FILE',
  ])
    checkReadable(setting, set(setting), problems);
  const secretFile = set('CONNECTOR_WEBHOOK_SECRET_FILE');
  const webhookSecret = secretFile && readWebhookSecret(secretFile, problems);
  const files = fileAdaptersOf(env, problems);
  if (!parsed.success || !connection.success || problems.length > 0 || !source)
    throw new InvalidConnectorConfigurationError(problems);
  const settings = parsed.data;
  return Object.freeze({
    partnerId: settings.CONNECTOR_PARTNER_ID,
    source,
    brokers: Object.freeze(settings.KAFKA_BROKERS),
    connection: connection.data,
    topicNamespace: settings.SAMENLOOP_TOPIC_NAMESPACE,
    topics: topicNames(settings.SAMENLOOP_TOPIC_NAMESPACE),
    keysDirectory: path.resolve(settings.SAMENLOOP_KEYS_DIR),
    http: Object.freeze({ host: settings.CONNECTOR_HTTP_HOST, port: settings.CONNECTOR_HTTP_PORT }),
    tls: Object.freeze({
      certFile: path.resolve(settings.CONNECTOR_TLS_CERT_FILE),
      keyFile: path.resolve(settings.CONNECTOR_TLS_KEY_FILE),
    }),
    authentication: authenticationOf(settings),
    ...(settings.CONNECTOR_WEBHOOK_URL !== undefined &&
      webhookSecret && {
        webhook: Object.freeze({
          url: settings.CONNECTOR_WEBHOOK_URL,
          secret: webhookSecret,
          initialBackoffMs: settings.CONNECTOR_WEBHOOK_BACKOFF_INITIAL_MS,
          maxBackoffMs: settings.CONNECTOR_WEBHOOK_BACKOFF_MAX_MS,
        }),
      }),
    files,
    logLevel: settings.LOG_LEVEL,
  });
}

function partnerSource(
  partnerId: string,
  partnersFile: string,
  problems: string[],
): string | undefined {
  let registry: PartnerRegistry;
  try {
    registry = PartnerRegistry.fromYaml(readFileSync(partnersFile, 'utf8'), partnersFile);
  } catch (error) {
    problems.push(
      `SAMENLOOP_PARTNERS_FILE: ${partnersFile} cannot be used: ${
        error instanceof StartupError ? error.problems.join('; ') : (error as Error).message
      }`,
    );
    return undefined;
  }
  const partner = registry.get(partnerId);
  if (!partner) {
    problems.push(
      `CONNECTOR_PARTNER_ID: ${partnerId} is not in ${partnersFile}; known: ${registry.partners.map((known) => known.id).join(', ')}`,
    );
    return undefined;
  }
  return `urn:nld:oin:${partner.oin}`;
}

function checkKeys(keysDirectory: string, partnerId: string, problems: string[]): void {
  for (const keyFile of [
    keyFiles.partnerPrivate(keysDirectory, partnerId),
    keyFiles.hubPublic(keysDirectory),
  ]) {
    try {
      accessSync(keyFile, constants.R_OK);
    } catch {
      problems.push(
        `SAMENLOOP_KEYS_DIR: ${keyFile} is missing or unreadable; the connector needs the partner's private key and the hub's public key (see \`npx samenloop keys generate\`)`,
      );
    }
  }
}

function checkReadable(setting: string, file: string | undefined, problems: string[]): void {
  if (file === undefined) return;
  try {
    accessSync(file, constants.R_OK);
  } catch {
    problems.push(`${setting}: ${file} is missing or unreadable`);
  }
}

function authenticationOf(settings: Environment): ConnectorAuthentication {
  if (settings.CONNECTOR_AUTH_MODE === 'mtls')
    return Object.freeze({
      mode: 'mtls',
      clientCaFile: path.resolve(settings.CONNECTOR_CLIENT_CA_FILE!),
    });
  return Object.freeze({
    mode: 'oauth2',
    jwks: Object.freeze(
      settings.CONNECTOR_JWKS_URL !== undefined
        ? { url: settings.CONNECTOR_JWKS_URL }
        : { file: path.resolve(settings.CONNECTOR_JWKS_FILE!) },
    ),
    issuer: settings.CONNECTOR_JWT_ISSUER!,
    audience: settings.CONNECTOR_JWT_AUDIENCE!,
    ...(settings.CONNECTOR_OAUTH2_TOKEN_URL !== undefined
      ? { tokenUrl: settings.CONNECTOR_OAUTH2_TOKEN_URL }
      : {}),
  });
}

function readWebhookSecret(file: string, problems: string[]): Buffer | undefined {
  let secret: Buffer;
  try {
    // A trailing line break is what `openssl rand -hex 32 > file` leaves, not part of the secret.
    secret = Buffer.from(readFileSync(file, 'utf8').replace(/\r?\n$/, ''));
  } catch {
    problems.push(`CONNECTOR_WEBHOOK_SECRET_FILE: ${file} is missing or unreadable`);
    return undefined;
  }
  if (secret.length < MIN_WEBHOOK_SECRET_BYTES) {
    problems.push(
      `CONNECTOR_WEBHOOK_SECRET_FILE: the secret is ${secret.length} bytes; it must be at least ${MIN_WEBHOOK_SECRET_BYTES} (e.g. \`openssl rand -hex 32\`)`,
    );
    return undefined;
  }
  return secret;
}
