import type { LoggerService } from '@nestjs/common';
import type { HubDocumentType } from '@samenloop/contracts';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorFileAdapters } from '../config/connector-settings';
import { writeFileOnce } from '../files/write-file-once';
import {
  HandOverLoop,
  type HandOverLoopOptions,
  type HandOverResult,
} from '../hand-over/hand-over-loop';
import type { Inbox, InboxEntry } from '../inbox/inbox';
import { ontvangenItem } from '../inbox/received.dto';

/** A hub document as XML (`hubDocumentXml` of `@samenloop/corv`), injected so tests need no schema. */
export type HubDocumentXmlRenderer = (
  document: Readonly<Record<string, unknown>>,
  type: HubDocumentType,
) => string;

export type OutboxSettings = NonNullable<ConnectorFileAdapters['outbox']>;

/** A failed write is retried after 1 s, doubling up to 5 minutes: as the webhook's defaults. */
export const OUTBOX_BACKOFF: HandOverLoopOptions = {
  initialBackoffMs: 1000,
  maxBackoffMs: 300_000,
};

/** Hub document ids are UUIDs; anything that could leave the folder or hide as a dot-file is refused. */
const SAFE_FILE_STEM = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Writes the inbox to the case system's outbox folder through a `HandOverLoop`: one file per
 * document, `<id>.json` (the body the webhook would post) or `<id>.xml`, in inbox order, each
 * acknowledged (`by: 'outbox'`) once its file is on disk. A file of that name with the same
 * content (written before a crash, not yet acknowledged) is simply acknowledged; one with other
 * content is never overwritten but retried until someone moves it away.
 */
export class OutboxWriter {
  private readonly loop: HandOverLoop;
  private folderReady = false;

  constructor(
    inbox: Inbox,
    private readonly outbox: OutboxSettings,
    private readonly renderXml: HubDocumentXmlRenderer,
    logger: Pick<LoggerService, 'log' | 'warn'>,
    backoff: HandOverLoopOptions = OUTBOX_BACKOFF,
  ) {
    this.loop = new HandOverLoop(
      inbox,
      {
        by: 'outbox',
        messages: {
          handedOver: 'outbox file written',
          retrying: 'outbox file not written, retrying',
        },
        handOver: (entry) => this.write(entry),
      },
      logger,
      backoff,
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Lets a write in flight finish (and acknowledges it), then stops. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async write(entry: InboxEntry): Promise<HandOverResult> {
    if (!SAFE_FILE_STEM.test(entry.id)) {
      return { ok: false, step: 'name file', failure: 'the document id is not a safe file name' };
    }
    const content = Buffer.from(this.render(entry));
    const path = join(this.outbox.directory, `${entry.id}.${this.outbox.format}`);
    if (!this.folderReady) {
      await mkdir(this.outbox.directory, { recursive: true });
      this.folderReady = true;
    }
    if ((await writeFileOnce(path, content)) === 'written') {
      return { ok: true, fields: { format: this.outbox.format, file: 'written' } };
    }
    // Written before a crash that came before the acknowledgement: the same file, nothing to do.
    if (content.equals(await readFile(path))) {
      return { ok: true, fields: { format: this.outbox.format, file: 'already there' } };
    }
    return {
      ok: false,
      step: 'write file',
      failure: 'another file of this name is in the outbox; it is left as it is',
    };
  }

  private render(entry: InboxEntry): string {
    return this.outbox.format === 'xml'
      ? this.renderXml(entry.document, entry.type)
      : JSON.stringify(ontvangenItem(entry));
  }
}
