import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keyFiles } from '@samenloop/crypto';
import { InvalidConnectorConfigurationError, parseConnectorSettings } from './connector-config';

const PARTNERS_FILE = path.resolve(__dirname, '../../../../deploy/partners/oost-brabant.yaml');

/** A folder with the files the settings name; their content is checked elsewhere. */
function siteFolder(): Record<string, string> {
  const root = mkdtempSync(path.join(tmpdir(), 'connector-config-'));
  const keys = path.join(root, 'keys');
  for (const file of [keyFiles.partnerPrivate(keys, 'VT-ZOB'), keyFiles.hubPublic(keys)]) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'key');
  }
  const file = (name: string, content = 'pem') => {
    writeFileSync(path.join(root, name), content);
    return path.join(root, name);
  };
  return {
    KAFKA_BROKERS: '127.0.0.1:19092',
    SAMENLOOP_PARTNERS_FILE: PARTNERS_FILE,
    SAMENLOOP_KEYS_DIR: keys,
    CONNECTOR_PARTNER_ID: 'VT-ZOB',
    CONNECTOR_TLS_CERT_FILE: file('server.crt'),
    CONNECTOR_TLS_KEY_FILE: file('server.key'),
    CONNECTOR_AUTH_MODE: 'mtls',
    CONNECTOR_CLIENT_CA_FILE: file('ca.crt'),
    WEBHOOK_SECRET_FILE: file('webhook.secret', `${'s'.repeat(32)}\n`),
    SHORT_SECRET_FILE: file('short.secret', 'too short'),
    JWKS_FILE: file('jwks.json', '{"keys":[]}'),
  };
}

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseConnectorSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConnectorConfigurationError);
    return (error as InvalidConnectorConfigurationError).problems;
  }
  throw new Error('the settings were accepted');
}

describe(parseConnectorSettings.name, () => {
  it("parses a complete mTLS environment into frozen settings with the partner's source and topics", () => {
    const site = siteFolder();
    const settings = parseConnectorSettings({
      ...site,
      SAMENLOOP_TOPIC_NAMESPACE: 'acceptatie',
      CONNECTOR_HTTP_PORT: '9443',
    });

    expect(settings).toMatchObject({
      partnerId: 'VT-ZOB',
      source: 'urn:nld:oin:00000099000000003002',
      brokers: ['127.0.0.1:19092'],
      topicNamespace: 'acceptatie',
      http: { host: '127.0.0.1', port: 9443 },
      tls: { certFile: site.CONNECTOR_TLS_CERT_FILE, keyFile: site.CONNECTOR_TLS_KEY_FILE },
      authentication: { mode: 'mtls', clientCaFile: site.CONNECTOR_CLIENT_CA_FILE },
      logLevel: 'info',
    });
    expect(settings.topics.connector('VT-ZOB').submissions).toBe(
      'acceptatie.samenloop.connector.vt-zob.submissions.v1',
    );
    expect(settings.webhook).toBeUndefined();
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('takes OAuth2 with a local JWKS, and a webhook whose secret file ends in a line break', () => {
    const site = siteFolder();
    const settings = parseConnectorSettings({
      ...site,
      CONNECTOR_AUTH_MODE: 'oauth2',
      CONNECTOR_JWKS_FILE: site.JWKS_FILE,
      CONNECTOR_JWT_ISSUER: 'https://login.partner.test/',
      CONNECTOR_JWT_AUDIENCE: 'samenloop-connector',
      CONNECTOR_WEBHOOK_URL: 'http://127.0.0.1:9000/samenloop',
      CONNECTOR_WEBHOOK_SECRET_FILE: site.WEBHOOK_SECRET_FILE,
    });

    expect(settings.authentication).toEqual({
      mode: 'oauth2',
      jwks: { file: site.JWKS_FILE },
      issuer: 'https://login.partner.test/',
      audience: 'samenloop-connector',
    });
    expect(settings.webhook).toEqual({
      url: 'http://127.0.0.1:9000/samenloop',
      secret: Buffer.from('s'.repeat(32)),
      initialBackoffMs: 1_000,
      maxBackoffMs: 300_000,
    });
  });

  it('reports every bad setting of the environment in one error', () => {
    expect(
      problemsOf({
        CONNECTOR_HTTP_PORT: '70000',
        CONNECTOR_AUTH_MODE: 'oauth2',
        CONNECTOR_WEBHOOK_URL: 'http://zaaksysteem.example.nl/hook',
        KAFKA_SECURITY_PROTOCOL: 'carrier-pigeon',
      }),
    ).toEqual([
      expect.stringMatching(/^CONNECTOR_PARTNER_ID: is required/),
      expect.stringMatching(/^KAFKA_BROKERS: is required/),
      expect.stringMatching(/^SAMENLOOP_KEYS_DIR: is required/),
      'CONNECTOR_HTTP_PORT: must be between 0 and 65535',
      expect.stringMatching(/^CONNECTOR_TLS_CERT_FILE: is required/),
      expect.stringMatching(/^CONNECTOR_TLS_KEY_FILE: is required/),
      'CONNECTOR_JWKS_URL: in oauth2 mode set exactly one of CONNECTOR_JWKS_URL (https) and CONNECTOR_JWKS_FILE',
      "CONNECTOR_JWT_ISSUER: is required in oauth2 mode: the tokens' iss",
      "CONNECTOR_JWT_AUDIENCE: is required in oauth2 mode: the tokens' aud for this connector",
      'CONNECTOR_WEBHOOK_SECRET_FILE: is required with CONNECTOR_WEBHOOK_URL: the HMAC secret',
      'CONNECTOR_WEBHOOK_URL: must be https (plain http only to a loopback address)',
      expect.stringMatching(/^KAFKA_SECURITY_PROTOCOL: /),
    ]);
  });

  it('requires the client CA in mTLS mode', () => {
    expect(problemsOf({ ...siteFolder(), CONNECTOR_CLIENT_CA_FILE: '' })).toEqual([
      "CONNECTOR_CLIENT_CA_FILE: is required in mtls mode: the partner CA's certificate (PEM)",
    ]);
  });

  it('names an unknown partner, a keys folder without its keys, unreadable files and a short webhook secret', () => {
    const site = siteFolder();
    const problems = problemsOf({
      ...site,
      CONNECTOR_PARTNER_ID: 'VT-NERGENS',
      CONNECTOR_TLS_KEY_FILE: '/nonexistent/server.key',
      CONNECTOR_WEBHOOK_URL: 'https://zaaksysteem.example.nl/hook',
      CONNECTOR_WEBHOOK_SECRET_FILE: site.SHORT_SECRET_FILE,
    });

    expect(problems).toEqual([
      expect.stringMatching(
        /^CONNECTOR_PARTNER_ID: VT-NERGENS is not in .*; known: POLITIE-OB, OM,/,
      ),
      expect.stringMatching(
        /^SAMENLOOP_KEYS_DIR: .*partners\/VT-NERGENS\/private\.asc is missing or unreadable/,
      ),
      'CONNECTOR_TLS_KEY_FILE: /nonexistent/server.key is missing or unreadable',
      'CONNECTOR_WEBHOOK_SECRET_FILE: the secret is 9 bytes; it must be at least 32 (e.g. `openssl rand -hex 32`)',
    ]);
  });

  it('checks the files it names even when other settings are wrong', () => {
    const site = siteFolder();

    expect(
      problemsOf({
        ...site,
        SAMENLOOP_KEYS_DIR: '/nonexistent/keys',
        CONNECTOR_AUTH_MODE: 'oauth2',
        CONNECTOR_JWKS_URL: 'http://login.partner.test/jwks',
      }),
    ).toEqual([
      'CONNECTOR_JWKS_URL: must be an https URL of the JWKS',
      "CONNECTOR_JWT_ISSUER: is required in oauth2 mode: the tokens' iss",
      "CONNECTOR_JWT_AUDIENCE: is required in oauth2 mode: the tokens' aud for this connector",
      expect.stringMatching(
        /^SAMENLOOP_KEYS_DIR: \/nonexistent\/keys\/partners\/VT-ZOB\/private\.asc is missing/,
      ),
      expect.stringMatching(
        /^SAMENLOOP_KEYS_DIR: \/nonexistent\/keys\/hub\/public\.asc is missing/,
      ),
    ]);
  });
});
