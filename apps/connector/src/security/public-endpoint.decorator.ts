import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ENDPOINT = 'samenloop:public-endpoint';

/**
 * Lets a route be called without a token (`/health`, the API description); still over TLS, and in
 * mTLS mode still with a client certificate, which the handshake itself demands.
 */
export const PublicEndpoint = () => SetMetadata(PUBLIC_ENDPOINT, true);
