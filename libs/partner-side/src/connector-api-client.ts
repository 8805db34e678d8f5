import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import path from 'node:path';

/** One answer of the connector's API: the status, the headers and the parsed JSON body. */
export interface ConnectorAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: T;
}

/** What the case system shows the connector over TLS: the CA it trusts, and its client certificate for mTLS. */
export interface CaseSystemTls {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/** A submission as the case system sends it to `POST /v1/berichten`. */
export interface Bericht {
  readonly type: string;
  readonly occurredAt: string;
  readonly zaakReferenties: Record<string, string>;
  readonly payload: Record<string, unknown>;
  readonly relatesTo?: readonly string[];
}

/** One item of `GET /v1/ontvangen`. */
export interface OntvangenItem {
  readonly id: string;
  readonly type: string;
  readonly cursor: string;
  readonly bevestigd: boolean;
  readonly document: Record<string, unknown>;
}

/**
 * A case system's side of the partner connector's HTTP API: what the demo, the benchmark and the
 * tests call it with. Authenticates with a client certificate (mTLS) or a bearer token.
 */
export class ConnectorApiClient {
  private readonly agent: Agent;

  private readonly bearerToken: (() => Promise<string | undefined>) | undefined;

  /**
   * `token` gives an OAuth2 access token per call; `keepAlive: false` opens a connection per call
   * (a test that kills the connector wants no connection of the process before).
   */
  constructor(
    private readonly baseUrl: string,
    tls: CaseSystemTls,
    {
      token,
      keepAlive = true,
    }: { token?: () => Promise<string | undefined>; keepAlive?: boolean } = {},
  ) {
    this.bearerToken = token;
    this.agent = new Agent({ keepAlive, ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  /** The case system of a partner with development TLS as `deploy/local/connector-tls.sh` makes it. */
  static withDevelopmentTls(baseUrl: string, partnerTlsDirectory: string): ConnectorApiClient {
    const file = (name: string) => readFileSync(path.join(partnerTlsDirectory, name));
    return new ConnectorApiClient(baseUrl, {
      ca: file('ca.pem'),
      cert: file('case-system.pem'),
      key: file('case-system.key'),
    });
  }

  /** `headers` may carry the case system's `traceparent`, which the submission continues. */
  submit(
    bericht: Bericht,
    idempotencyKey: string,
    headers: Record<string, string> = {},
  ): Promise<ConnectorAnswer> {
    return this.call('POST', '/v1/berichten', {
      body: bericht,
      headers: { ...headers, 'idempotency-key': idempotencyKey },
    });
  }

  status(messageId: string): Promise<ConnectorAnswer> {
    return this.call('GET', `/v1/berichten/${encodeURIComponent(messageId)}`);
  }

  received(
    after?: string,
    limit?: number,
  ): Promise<ConnectorAnswer<{ items: OntvangenItem[]; volgende?: string }>> {
    const query = new URLSearchParams();
    if (after !== undefined) query.set('na', after);
    if (limit !== undefined) query.set('limiet', String(limit));
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return this.call('GET', `/v1/ontvangen${search}`);
  }

  acknowledge(documentId: string): Promise<ConnectorAnswer> {
    return this.call('POST', `/v1/ontvangen/${encodeURIComponent(documentId)}/bevestiging`);
  }

  async call<T = Record<string, unknown>>(
    method: string,
    pathAndQuery: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ConnectorAnswer<T>> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = await this.bearerToken?.();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const call = request(
        new URL(pathAndQuery, this.baseUrl),
        { method, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text.length > 0 ? JSON.parse(text) : undefined;
            } catch {
              // Not JSON (a proxy's error page): the text itself says what went wrong.
            }
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: parsed as T,
            });
          });
        },
      );
      call.on('error', reject);
      call.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
