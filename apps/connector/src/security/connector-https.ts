import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { StartupError } from '@samenloop/errors';
import type { ConnectorSettings } from '../config/connector-settings';

export class InvalidTlsSettingsError extends StartupError {
  constructor(problems: readonly string[]) {
    super('Invalid connector TLS settings', problems, {
      hint: 'The connector serves HTTPS only: give it a current certificate (PEM) and the key it was issued for.',
    });
  }
}

export type ConnectorHttpsOptions = Pick<SecureContextOptions, 'cert' | 'key' | 'ca'> &
  Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized'>;

/**
 * The HTTPS server's options, checked now rather than at the first handshake: the certificate
 * parses, is current and belongs to the key; in mTLS mode the client CA parses, and a client
 * without a certificate of that CA is refused during the handshake.
 */
export function connectorHttpsOptions(
  settings: Pick<ConnectorSettings, 'tls' | 'authentication'>,
  now = new Date(),
): ConnectorHttpsOptions {
  const problems: string[] = [];
  const cert = readPem('CONNECTOR_TLS_CERT_FILE', settings.tls.certFile, problems);
  const key = readPem('CONNECTOR_TLS_KEY_FILE', settings.tls.keyFile, problems);
  const certificate = cert && parseCertificate('CONNECTOR_TLS_CERT_FILE', cert, problems);
  const privateKey = key && parsePrivateKey(key, problems);
  if (certificate) {
    if (new Date(certificate.validTo) <= now)
      problems.push(`CONNECTOR_TLS_CERT_FILE: the certificate expired on ${certificate.validTo}`);
    if (new Date(certificate.validFrom) > now)
      problems.push(
        `CONNECTOR_TLS_CERT_FILE: the certificate is not valid before ${certificate.validFrom}`,
      );
    if (privateKey && !certificate.checkPrivateKey(privateKey))
      problems.push(
        'CONNECTOR_TLS_KEY_FILE: the key does not belong to the certificate of CONNECTOR_TLS_CERT_FILE',
      );
  }
  let ca: Buffer | undefined;
  if (settings.authentication.mode === 'mtls') {
    ca = readPem('CONNECTOR_CLIENT_CA_FILE', settings.authentication.clientCaFile, problems);
    if (ca) parseCertificate('CONNECTOR_CLIENT_CA_FILE', ca, problems);
  }
  if (problems.length > 0 || !cert || !key) throw new InvalidTlsSettingsError(problems);
  return ca ? { cert, key, ca, requestCert: true, rejectUnauthorized: true } : { cert, key };
}

function readPem(setting: string, file: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    problems.push(`${setting}: ${file} is missing or unreadable`);
    return undefined;
  }
}

function parseCertificate(
  setting: string,
  pem: Buffer,
  problems: string[],
): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    problems.push(`${setting}: not a PEM X.509 certificate`);
    return undefined;
  }
}

function parsePrivateKey(pem: Buffer, problems: string[]) {
  try {
    return createPrivateKey(pem);
  } catch {
    problems.push(
      'CONNECTOR_TLS_KEY_FILE: not a PEM private key (an encrypted key is not supported)',
    );
    return undefined;
  }
}
