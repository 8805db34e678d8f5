import type { ConnectorApiClient } from '@samenloop/partner-side';

/** One item of `GET /v1/ontvangen`. */
export interface OntvangenItem {
  readonly id: string;
  readonly type: 'delivery' | 'receipt' | 'rejection';
  readonly cursor: string;
  readonly bevestigd: boolean;
  readonly document: Record<string, unknown>;
}

export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: T;
}

type Call = (method: string, path: string) => Promise<HttpAnswer<unknown>>;

/** The case system's side of a connector's receiving API, over real HTTP(S). */
export class InboxClient {
  private constructor(private readonly send: Call) {}

  /** The receiving modules alone, served over plain HTTP on loopback (connector-inbox-app). */
  static overHttp(baseUrl: string): InboxClient {
    return new InboxClient(async (method, path) => {
      const response = await fetch(`${baseUrl}${path}`, { method });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: await response.json(),
      };
    });
  }

  /** A running connector, as its case system calls it (TLS, authenticated). */
  static of(api: ConnectorApiClient): InboxClient {
    return new InboxClient(async (method, path) => {
      const { status, headers, body } = await api.call<unknown>(method, path);
      return { status, contentType: headers['content-type'] ?? null, body };
    });
  }

  async page(
    query: { na?: string; limiet?: string } = {},
  ): Promise<HttpAnswer<{ items: OntvangenItem[]; volgende?: string }>> {
    const search = new URLSearchParams(
      Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return this.call('GET', `/v1/ontvangen${search.size > 0 ? `?${search.toString()}` : ''}`);
  }

  /** Everything received so far, page by page. */
  async all(): Promise<OntvangenItem[]> {
    const items: OntvangenItem[] = [];
    for (let na: string | undefined; ;) {
      const { status, body } = await this.page({ na, limiet: '100' });
      if (status !== 200) throw new Error(`GET /v1/ontvangen answered ${status}`);
      items.push(...body.items);
      if (body.items.length === 0) return items;
      na = body.volgende;
    }
  }

  /** Waits until what was received satisfies `done`; the connector commits, then shows. */
  async until(
    done: (items: readonly OntvangenItem[]) => boolean,
    description: string,
    timeoutMs = 60_000,
  ): Promise<OntvangenItem[]> {
    const started = Date.now();
    for (;;) {
      let seen: string;
      try {
        const items = await this.all();
        if (done(items)) return items;
        seen = `${items.length} items`;
      } catch (error) {
        // A kept-alive connection the server closed while the test was busy (a broker restart).
        seen = `last call failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (Date.now() - started > timeoutMs)
        throw new Error(`not received within ${timeoutMs} ms: ${description} (${seen})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  acknowledge(
    id: string,
  ): Promise<HttpAnswer<{ id: string; bevestigd: boolean; eerder: boolean }>> {
    return this.call('POST', `/v1/ontvangen/${id}/bevestiging`);
  }

  status(messageId: string): Promise<HttpAnswer<Record<string, unknown>>> {
    return this.call('GET', `/v1/berichten/${messageId}`);
  }

  private async call<T>(method: string, path: string): Promise<HttpAnswer<T>> {
    return (await this.send(method, path)) as HttpAnswer<T>;
  }
}
