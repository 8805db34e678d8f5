import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { StartupError } from '@samenloop/errors';
import type { ConnectorAuthentication } from '../config/connector-settings';

type OAuth2 = Extract<ConnectorAuthentication, { mode: 'oauth2' }>;

/** Asymmetric only: with an HMAC algorithm a JWKS's public key would become a shared secret. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export class InvalidJwksError extends StartupError {
  constructor(file: string, reason: string) {
    super('Invalid connector OAuth2 settings', [`CONNECTOR_JWKS_FILE: ${file} ${reason}`]);
  }
}

/**
 * Checks an OAuth2 client-credentials access token (a JWT) against the authorization server's
 * JWKS: signature, `iss`, `aud` and `exp` (required, with a minute of clock skew).
 */
export class BearerTokenVerifier {
  private constructor(
    private readonly keys: Parameters<typeof jwtVerify>[1],
    private readonly settings: OAuth2,
  ) {}

  static fromSettings(settings: OAuth2): BearerTokenVerifier {
    if ('url' in settings.jwks)
      return new BearerTokenVerifier(createRemoteJWKSet(new URL(settings.jwks.url)), settings);
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(readFileSync(settings.jwks.file, 'utf8')) as JSONWebKeySet;
      return new BearerTokenVerifier(createLocalJWKSet(jwks), settings);
    } catch (error) {
      throw new InvalidJwksError(
        settings.jwks.file,
        `is not a JSON Web Key Set: ${(error as Error).message}`,
      );
    }
  }

  /** The token's claims, or a rejection naming why it is not accepted (never the token itself). */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keys, {
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp'],
      clockTolerance: 60,
    });
    return payload;
  }
}
