import { readFileSync } from 'node:fs';
import {
  createConnectorCredentials,
  type ConnectorCredentials,
} from '../../../../test/support/connector-credentials';
import { connectorHttpsOptions } from './connector-https';

let credentials: ConnectorCredentials;

beforeAll(async () => {
  credentials = await createConnectorCredentials();
});

describe(connectorHttpsOptions.name, () => {
  const settings = (tls: { certFile: string; keyFile: string }) =>
    ({ tls, authentication: { mode: 'mtls', clientCaFile: credentials.caFile } }) as const;

  it('serves the certificate and asks for client certificates of the partner CA in mTLS mode', () => {
    expect(connectorHttpsOptions(settings(credentials.server))).toMatchObject({
      ca: readFileSync(credentials.caFile),
      requestCert: true,
      rejectUnauthorized: true,
    });
  });

  it('refuses at start a key that does not belong to the certificate', () => {
    expect(() =>
      connectorHttpsOptions(
        settings({ certFile: credentials.server.certFile, keyFile: credentials.client.keyFile }),
      ),
    ).toThrow(
      'Invalid connector TLS settings:\n  - CONNECTOR_TLS_KEY_FILE: the key does not belong to the certificate of CONNECTOR_TLS_CERT_FILE',
    );
  });

  it('refuses at start an expired certificate', () => {
    expect(() =>
      connectorHttpsOptions(settings(credentials.server), new Date(Date.now() + 30 * 86_400_000)),
    ).toThrow(/CONNECTOR_TLS_CERT_FILE: the certificate expired on /);
  });

  it('names every unreadable or unparsable file', () => {
    expect(() =>
      connectorHttpsOptions({
        tls: { certFile: credentials.jwksFile, keyFile: '/nonexistent/server.key' },
        authentication: { mode: 'mtls', clientCaFile: credentials.jwksFile },
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'CONNECTOR_TLS_KEY_FILE: /nonexistent/server.key is missing or unreadable',
          'CONNECTOR_TLS_CERT_FILE: not a PEM X.509 certificate',
          'CONNECTOR_CLIENT_CA_FILE: not a PEM X.509 certificate',
        ],
      }) as Error,
    );
  });
});
