import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  InvalidKafkaConnectionError,
  kafkaConnectionFromEnvironment,
  kafkaSecurityOptions,
} from './kafka-connection';

// Only the PEM markers are checked at start-up; the TLS handshake checks the rest.
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

let directory: string;
const file = (name: string) => path.join(directory, name);

beforeAll(() => {
  directory = mkdtempSync(path.join(os.tmpdir(), 'samenloop-kafka-connection-'));
  writeFileSync(file('ca.pem'), CERTIFICATE);
  writeFileSync(file('client.pem'), CERTIFICATE);
  writeFileSync(file('client.key'), PRIVATE_KEY);
  writeFileSync(file('hub.password'), 's3cret-from-file\n');
  writeFileSync(file('two-lines.password'), 'first\nsecond\n');
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The problems listed for `env`, or a failure when it is accepted. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    kafkaConnectionFromEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidKafkaConnectionError);
    return (error as InvalidKafkaConnectionError).problems;
  }
  throw new Error('the settings were accepted');
}

describe(kafkaConnectionFromEnvironment.name, () => {
  describe('accepts', () => {
    it('no security settings as PLAINTEXT, with neither TLS nor SASL for kafkajs', () => {
      const connection = kafkaConnectionFromEnvironment({ KAFKA_SECURITY_PROTOCOL: '' });

      expect(connection).toEqual({ securityProtocol: 'PLAINTEXT' });
      expect(kafkaSecurityOptions(connection)).toEqual({});
    });

    it('SASL_SSL with SCRAM-SHA-512, a password file and a CA, as kafkajs ssl and sasl options', () => {
      const connection = kafkaConnectionFromEnvironment({
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'samenloop-hub',
        KAFKA_SASL_PASSWORD_FILE: file('hub.password'),
        KAFKA_SSL_CA_FILE: file('ca.pem'),
      });

      expect(kafkaSecurityOptions(connection)).toEqual({
        ssl: { ca: [CERTIFICATE] },
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'samenloop-hub',
          password: 's3cret-from-file',
        },
      });
      expect(Object.isFrozen(connection)).toBe(true);
    });

    it('SASL_PLAINTEXT with PLAIN and a password in the environment', () => {
      const connection = kafkaConnectionFromEnvironment({
        KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        KAFKA_SASL_MECHANISM: 'PLAIN',
        KAFKA_SASL_USERNAME: 'POLITIE-OB',
        KAFKA_SASL_PASSWORD: 'from-env',
      });

      expect(kafkaSecurityOptions(connection)).toEqual({
        sasl: { mechanism: 'plain', username: 'POLITIE-OB', password: 'from-env' },
      });
    });

    it("SSL with a client certificate and key (mTLS) and no CA, trusting the system's CAs", () => {
      const connection = kafkaConnectionFromEnvironment({
        KAFKA_SECURITY_PROTOCOL: 'SSL',
        KAFKA_SSL_CERT_FILE: file('client.pem'),
        KAFKA_SSL_KEY_FILE: file('client.key'),
      });

      expect(kafkaSecurityOptions(connection)).toEqual({
        ssl: { cert: CERTIFICATE, key: PRIVATE_KEY },
      });
    });

    it('SASL_SSL with SCRAM-SHA-256 and no CA', () => {
      const connection = kafkaConnectionFromEnvironment({
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
        KAFKA_SASL_USERNAME: 'VT-ZOB',
        KAFKA_SASL_PASSWORD: 'pw',
      });

      expect(kafkaSecurityOptions(connection)).toEqual({
        ssl: {},
        sasl: { mechanism: 'scram-sha-256', username: 'VT-ZOB', password: 'pw' },
      });
    });
  });

  describe('refuses, naming every problem', () => {
    it('an unknown protocol', () => {
      expect(problemsOf({ KAFKA_SECURITY_PROTOCOL: 'TLS' })).toEqual([
        'KAFKA_SECURITY_PROTOCOL: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
      ]);
    });

    it('a SASL protocol without mechanism, username or password', () => {
      expect(problemsOf({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual([
        'KAFKA_SASL_MECHANISM: is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL: one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN',
        'KAFKA_SASL_USERNAME: is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL: the principal to authenticate as',
        'KAFKA_SASL_PASSWORD_FILE: or KAFKA_SASL_PASSWORD is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL: set exactly one',
      ]);
    });

    it('an unknown SASL mechanism', () => {
      expect(
        problemsOf({
          KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
          KAFKA_SASL_MECHANISM: 'GSSAPI',
          KAFKA_SASL_USERNAME: 'OM',
          KAFKA_SASL_PASSWORD: 'pw',
        }),
      ).toEqual(['KAFKA_SASL_MECHANISM: must be one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN']);
    });

    it('a password both in the environment and in a file', () => {
      expect(
        problemsOf({
          KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
          KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
          KAFKA_SASL_USERNAME: 'OM',
          KAFKA_SASL_PASSWORD: 'pw',
          KAFKA_SASL_PASSWORD_FILE: file('hub.password'),
        }),
      ).toEqual([
        'KAFKA_SASL_PASSWORD_FILE: cannot be set together with KAFKA_SASL_PASSWORD: set exactly one',
      ]);
    });

    it('SASL settings with a protocol that does not use SASL', () => {
      expect(
        problemsOf({
          KAFKA_SECURITY_PROTOCOL: 'SSL',
          KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
          KAFKA_SASL_USERNAME: 'OM',
        }),
      ).toEqual([
        'KAFKA_SASL_MECHANISM: is only used with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL, not SSL: set the protocol or remove it',
        'KAFKA_SASL_USERNAME: is only used with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL, not SSL: set the protocol or remove it',
      ]);
    });

    it('TLS settings with a protocol that does not use TLS', () => {
      expect(problemsOf({ KAFKA_SSL_CA_FILE: file('ca.pem') })).toEqual([
        'KAFKA_SSL_CA_FILE: is only used with KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, not PLAINTEXT: set the protocol or remove it',
      ]);
    });

    it('a client certificate without its key, and a key without its certificate', () => {
      expect(
        problemsOf({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: file('client.pem') }),
      ).toEqual(['KAFKA_SSL_KEY_FILE: is required with KAFKA_SSL_CERT_FILE (mTLS)']);
      expect(
        problemsOf({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_KEY_FILE: file('client.key') }),
      ).toEqual(['KAFKA_SSL_CERT_FILE: is required with KAFKA_SSL_KEY_FILE (mTLS)']);
    });

    it('files that cannot be read or do not hold what they should, alongside the other problems', () => {
      expect(
        problemsOf({
          KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
          KAFKA_SASL_USERNAME: 'OM',
          KAFKA_SASL_PASSWORD_FILE: file('two-lines.password'),
          KAFKA_SSL_CA_FILE: file('missing.pem'),
          KAFKA_SSL_CERT_FILE: file('client.key'),
          KAFKA_SSL_KEY_FILE: file('client.pem'),
        }),
      ).toEqual([
        `KAFKA_SASL_PASSWORD_FILE: ${file('two-lines.password')} does not hold one password on one line`,
        `KAFKA_SSL_CA_FILE: cannot read ${file('missing.pem')} (ENOENT)`,
        `KAFKA_SSL_CERT_FILE: ${file('client.key')} does not hold a PEM certificate`,
        `KAFKA_SSL_KEY_FILE: ${file('client.pem')} does not hold a PEM private key`,
        'KAFKA_SASL_MECHANISM: is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL: one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN',
      ]);
    });

    it('never with the password in the message', () => {
      let message = '';
      try {
        kafkaConnectionFromEnvironment({
          KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT',
          KAFKA_SASL_PASSWORD: 'do-not-print-me',
        });
      } catch (error) {
        message = (error as Error).message;
      }

      expect(message).toContain('Invalid Kafka connection settings:\n  - KAFKA_SASL_PASSWORD: ');
      expect(message).not.toContain('do-not-print-me');
    });
  });
});
