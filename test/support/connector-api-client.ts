import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectorCredentials } from './connector-credentials';

export interface ConnectorResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON; undefined when empty. */
  readonly body: T;
}

/** How a case system calls its connector: over TLS with the partner CA, and its credentials. */
export interface CallerCredentials {
  readonly ca: Buffer;
  /** mTLS: the client certificate and its key. */
  readonly clientCertificate?: { readonly cert: Buffer; readonly key: Buffer };
  /** OAuth2: a fresh access token per call, or none. */
  readonly token?: () => Promise<string | undefined>;
}

/** The connector's HTTP API as a case system calls it, one TLS connection per call. */
export class ConnectorApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credentials: CallerCredentials,
  ) {}

  /** A case system of the partner: its client certificate (mTLS) or a valid token (oauth2). */
  static of(
    baseUrl: string,
    credentials: ConnectorCredentials,
    mode: 'mtls' | 'oauth2',
    { anonymous = false }: { anonymous?: boolean } = {},
  ): ConnectorApiClient {
    const ca = readFileSync(credentials.caFile);
    if (anonymous) return new ConnectorApiClient(baseUrl, { ca });
    return new ConnectorApiClient(
      baseUrl,
      mode === 'mtls'
        ? {
            ca,
            clientCertificate: {
              cert: readFileSync(credentials.client.certFile),
              key: readFileSync(credentials.client.keyFile),
            },
          }
        : { ca, token: () => credentials.token() },
    );
  }

  get<T = Record<string, unknown>>(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<ConnectorResponse<T>> {
    return this.call('GET', path, undefined, headers);
  }

  post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<ConnectorResponse<T>> {
    return this.call('POST', path, JSON.stringify(body), {
      'Content-Type': 'application/json',
      ...headers,
    });
  }

  private async call<T>(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<ConnectorResponse<T>> {
    const token = await this.credentials.token?.();
    return new Promise((resolve, reject) => {
      const outgoing = request(
        new URL(path, this.baseUrl),
        {
          method,
          ca: this.credentials.ca,
          ...this.credentials.clientCertificate,
          agent: false,
          headers: { ...(token && { Authorization: `Bearer ${token}` }), ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: (text === '' ? undefined : JSON.parse(text)) as T,
            });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
