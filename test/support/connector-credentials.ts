import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

export const TEST_ISSUER = 'https://login.partner.test/';
export const TEST_AUDIENCE = 'samenloop-connector';

/** A certificate and its key, as PEM files. */
export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * What a partner's site holds for its connector, made up in a temp folder for one test: a
 * throwaway CA with the API's server certificate (127.0.0.1/localhost) and a case system's client
 * certificate, a client certificate of another CA, and an OAuth2 signing key with its JWKS.
 */
export interface ConnectorCredentials {
  readonly directory: string;
  readonly caFile: string;
  readonly server: CertificateFiles;
  readonly client: CertificateFiles;
  /** Issued by another CA: mTLS must refuse it. */
  readonly strangerClient: CertificateFiles;
  readonly jwksFile: string;
  /** A client-credentials access token; `signedByStranger` signs with a key not in the JWKS. */
  token(options?: {
    expiresIn?: string | number;
    audience?: string;
    signedByStranger?: boolean;
  }): Promise<string>;
  /** The connector's TLS and authentication settings for `mode`. */
  settings(mode: 'mtls' | 'oauth2'): Record<string, string>;
}

export async function createConnectorCredentials(): Promise<ConnectorCredentials> {
  const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-connector-credentials-'));
  const file = (name: string) => path.join(directory, name);
  const ca = selfSigned(directory, 'ca', 'Partner Test CA');
  const strangerCa = selfSigned(directory, 'stranger-ca', 'Stranger CA');
  const server = issued(directory, ca, 'server', '127.0.0.1', [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'extendedKeyUsage=serverAuth',
  ]);
  const client = issued(directory, ca, 'client', 'zaaksysteem', ['extendedKeyUsage=clientAuth']);
  const strangerClient = issued(directory, strangerCa, 'stranger-client', 'zaaksysteem', [
    'extendedKeyUsage=clientAuth',
  ]);

  const signing = await generateKeyPair('ES256', { extractable: true });
  const stranger = await generateKeyPair('ES256', { extractable: true });
  const jwk = {
    ...(await exportJWK(signing.publicKey)),
    kid: 'test-key',
    alg: 'ES256',
    use: 'sig',
  };
  writeFileSync(file('jwks.json'), JSON.stringify({ keys: [jwk] }));

  const sign = (key: KeyLike, audience: string, expiresIn: string | number) =>
    new SignJWT({ scope: 'berichten' })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setIssuer(TEST_ISSUER)
      .setAudience(audience)
      .setSubject('zaaksysteem')
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);

  return {
    directory,
    caFile: ca.certFile,
    server,
    client,
    strangerClient,
    jwksFile: file('jwks.json'),
    token: ({ expiresIn = '5m', audience = TEST_AUDIENCE, signedByStranger = false } = {}) =>
      sign(signedByStranger ? stranger.privateKey : signing.privateKey, audience, expiresIn),
    settings: (mode) => ({
      CONNECTOR_TLS_CERT_FILE: server.certFile,
      CONNECTOR_TLS_KEY_FILE: server.keyFile,
      CONNECTOR_AUTH_MODE: mode,
      ...(mode === 'mtls'
        ? { CONNECTOR_CLIENT_CA_FILE: ca.certFile }
        : {
            CONNECTOR_JWKS_FILE: file('jwks.json'),
            CONNECTOR_JWT_ISSUER: TEST_ISSUER,
            CONNECTOR_JWT_AUDIENCE: TEST_AUDIENCE,
          }),
    }),
  };
}

function openssl(directory: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
}

function selfSigned(directory: string, name: string, commonName: string): CertificateFiles {
  openssl(
    directory,
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...[
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
    ],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign,cRLSign'],
  );
  return {
    certFile: path.join(directory, `${name}.crt`),
    keyFile: path.join(directory, `${name}.key`),
  };
}

function issued(
  directory: string,
  ca: CertificateFiles,
  name: string,
  commonName: string,
  extensions: readonly string[],
): CertificateFiles {
  openssl(
    directory,
    ...['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`],
  );
  writeFileSync(path.join(directory, `${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(
    directory,
    ...['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile],
    ...['-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`],
  );
  return {
    certFile: path.join(directory, `${name}.crt`),
    keyFile: path.join(directory, `${name}.key`),
  };
}
