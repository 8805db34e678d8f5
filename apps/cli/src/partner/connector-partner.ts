import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HubDocumentType } from '@samenloop/contracts';
import { ConnectorApiClient } from '@samenloop/partner-side';
import type { Received } from './partner-client';

const POLL_MS = 200;

/** A CloudEvents submission file, as the demo folder holds them. */
interface SubmissionFile {
  readonly type: string;
  readonly data: {
    readonly occurredAt: string;
    readonly zaakReferenties: Record<string, string>;
    readonly payload: Record<string, unknown>;
    readonly relatesTo?: readonly string[];
  };
}

/**
 * A partner whose case system uses its connector's HTTP API instead of Kafka and OpenPGP: it sends
 * the submission's content to `POST /v1/berichten` (the connector builds and seals the CloudEvent)
 * and reads `GET /v1/ontvangen`, acknowledging what it took over.
 */
export class ConnectorPartner {
  /** Where the last read stopped: each receive continues after it. */
  private cursor: string | undefined;

  constructor(private readonly api: ConnectorApiClient) {}

  async send(
    file: string,
    rewrite: (text: string) => string,
  ): Promise<{ messageId: string; topic: string }> {
    const event = JSON.parse(rewrite(await readFile(file, 'utf8'))) as SubmissionFile;
    const answer = await this.api.submit(
      {
        type: event.type.replace(/^nl\.samenloop\./, ''),
        occurredAt: event.data.occurredAt,
        zaakReferenties: event.data.zaakReferenties,
        payload: event.data.payload,
        ...(event.data.relatesTo ? { relatesTo: event.data.relatesTo } : {}),
      },
      randomUUID(),
    );
    if (answer.status !== 202)
      throw new Error(
        `the connector refused ${file}: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    return { messageId: (answer.body as { id: string }).id, topic: 'POST /v1/berichten' };
  }

  /** What arrived since the last receive, until `idleMs` pass without anything new; each acknowledged. */
  async receive({ idleMs, maxMs }: { idleMs: number; maxMs: number }): Promise<Received> {
    const received: Received = { documents: [], refused: [] };
    const started = Date.now();
    let lastNew = Date.now();
    while (Date.now() - lastNew < idleMs && Date.now() - started < maxMs) {
      const answer = await this.api.received(this.cursor, 100);
      if (answer.status !== 200)
        throw new Error(
          `GET /v1/ontvangen answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      for (const item of answer.body.items) {
        received.documents.push({ type: item.type as HubDocumentType, document: item.document });
        await this.api.acknowledge(item.id);
        this.cursor = item.cursor;
        lastNew = Date.now();
      }
      if (answer.body.items.length === 0) await new Promise((done) => setTimeout(done, POLL_MS));
    }
    return received;
  }
}
