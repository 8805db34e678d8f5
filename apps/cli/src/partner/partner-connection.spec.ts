import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KafkaConnection } from '@samenloop/messaging';
import { partnerConnection } from './partner-connection';

const SECURE: KafkaConnection = {
  securityProtocol: 'SASL_SSL',
  tls: { ca: '-----BEGIN CERTIFICATE-----' },
  sasl: { mechanism: 'SCRAM-SHA-512', username: 'admin', password: 'admin-password' },
};

describe(partnerConnection.name, () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-partner-credentials-'));
  writeFileSync(path.join(directory, 'VT-ZOB.password'), 'vt-zob-password\n');

  it('connects as the KAFKA_* settings say when no partner credentials are given', () => {
    expect(partnerConnection({ connection: SECURE }, 'VT-ZOB')).toBe(SECURE);
  });

  it('logs in as the partner itself, with its own password, over the same protocol and CA', () => {
    expect(
      partnerConnection({ connection: SECURE, partnerCredentialsDirectory: directory }, 'VT-ZOB'),
    ).toEqual({
      ...SECURE,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'VT-ZOB', password: 'vt-zob-password' },
    });
  });

  it('names the missing password file of a partner', () => {
    expect(() =>
      partnerConnection({ connection: SECURE, partnerCredentialsDirectory: directory }, 'OM'),
    ).toThrow(/no Kafka password for OM: cannot read .*OM\.password \(ENOENT\)/);
  });

  it('refuses partner credentials on a connection without a SASL login', () => {
    expect(() =>
      partnerConnection(
        { connection: { securityProtocol: 'PLAINTEXT' }, partnerCredentialsDirectory: directory },
        'VT-ZOB',
      ),
    ).toThrow(/KAFKA_SECURITY_PROTOCOL=PLAINTEXT uses no SASL login/);
  });
});
