import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import type { ConnectorSettings } from '../config/connector-settings';
import { problem } from '../problem/problem-details';
import { BearerTokenVerifier } from './bearer-token.verifier';
import { PUBLIC_ENDPOINT } from './public-endpoint.decorator';

/**
 * No call without a verified caller. mTLS: the handshake already refused a client without a
 * certificate of the partner's CA; checking `authorized` here again is defence in depth against
 * a server started with the wrong options. OAuth2: a valid bearer JWT (RFC 6750).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly logger = new Logger(AuthenticationGuard.name);
  /** Connections whose client certificate was logged: once per connection, not per call. */
  private readonly identified = new WeakSet<TLSSocket>();
  private readonly verifier: BearerTokenVerifier | undefined;

  constructor(
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    private readonly reflector: Reflector,
  ) {
    this.verifier =
      settings.authentication.mode === 'oauth2'
        ? BearerTokenVerifier.fromSettings(settings.authentication)
        : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Record handlers of the hybrid app are the broker's, not a caller's.
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    if (this.settings.authentication.mode === 'mtls') return this.peerCertificate(request);
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ENDPOINT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return this.bearerToken(request, context.switchToHttp().getResponse<ServerResponse>());
  }

  private peerCertificate(request: IncomingMessage): boolean {
    const socket = request.socket as TLSSocket;
    if (!socket.authorized) {
      this.logger.warn(
        { reason: socket.authorizationError?.toString() },
        'client certificate refused',
      );
      throw problem(401, 'Unauthorized', 'A client certificate of the partner CA is required.');
    }
    // By fingerprint, not subject: a personal certificate's subject names a person.
    const { fingerprint256, serialNumber } = socket.getPeerCertificate();
    this.logger.debug({ fingerprint256, serialNumber }, 'client certificate accepted');
    return true;
  }

  private async bearerToken(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="samenloop-connector"');
      throw problem(
        401,
        'Unauthorized',
        'An OAuth2 bearer token is required (Authorization: Bearer <JWT>).',
      );
    }
    try {
      await this.verifier!.verify(token);
      return true;
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
      this.logger.warn({ code }, 'bearer token refused');
      response.setHeader(
        'WWW-Authenticate',
        'Bearer realm="samenloop-connector", error="invalid_token"',
      );
      throw problem(401, 'Unauthorized', `The bearer token is not accepted (${code}).`);
    }
  }
}
