import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readHubDocumentXml } from '@samenloop/corv';
import { ConnectorFolder, reportCounts } from '@samenloop/partner-side';
import { settled, waitFor } from './wait-for';

/** A file the connector handled: where it moved it, and the report beside it. */
export interface HandledFile {
  readonly outcome: 'processed' | 'error';
  /** Its moved name: a UTC time prefix, then the name it was dropped under. */
  readonly name: string;
  readonly path: string;
  /** The report's lines, without empty ones. */
  readonly report: readonly string[];
  /** The report's counts, e.g. `{ rows: 500, submitted: 0, unchanged: 500 }`. */
  readonly summary: Readonly<Record<string, number>>;
  /** How many problems it reported. */
  readonly problems: number;
}

/** A fresh folder of its own under the system's temp folder, for one connector setting. */
export function newFolder(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `samenloop-${prefix}-`));
}

/**
 * An adapter's inbox folder as a case system sees it (`ConnectorFolder` of the partner side): it
 * drops files whole and finds them again in `processed/` or `error/` with their report.
 */
export class DropInbox {
  readonly directory: string;
  private readonly folder: ConnectorFolder;

  constructor(prefix: string) {
    this.directory = newFolder(prefix);
    this.folder = new ConnectorFolder(this.directory);
  }

  /** Drops `bytes` as `name` and waits until the connector handled that file. */
  async drop(name: string, bytes: Buffer | string, timeoutMs = 120_000): Promise<HandledFile> {
    return (await this.put(name, bytes)).handled(timeoutMs);
  }

  /**
   * Puts a file in the inbox; `handled` waits for the connector to handle it — a file with the
   * same name as one before waits for a handling of its own.
   */
  async put(
    name: string,
    bytes: Buffer | string,
  ): Promise<{ handled(timeoutMs?: number): Promise<HandledFile> }> {
    const dropped = await this.folder.drop(name, bytes);
    return {
      handled: async (timeoutMs = 120_000) => {
        const { outcome, file, report } = await dropped.outcome({ timeoutMs });
        const { summary, problems } = reportCounts(report);
        return {
          outcome,
          name: path.basename(file),
          path: file,
          report: report.split('\n').filter((line) => line.trim() !== ''),
          summary,
          problems: problems.length,
        };
      },
    };
  }

  /** The files still waiting in the inbox itself. */
  waiting(): string[] {
    return filesIn(this.directory).filter((name) => !/^\.|\.(part|tmp)$/.test(name));
  }
}

/** The names of the plain files in `directory` (none while it does not exist). */
export function filesIn(directory: string): string[] {
  try {
    return readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** A document the connector wrote to its outbox, as the case system reads it back. */
export interface OutboxDocument {
  /** The file's name without extension: the hub document's id. */
  readonly id: string;
  /** `delivery`, `receipt` or `rejection`. */
  readonly type: string;
  readonly document: Record<string, unknown> & { payload?: Record<string, unknown> };
}

/** A connector's outbox folder: one file per hub document, `<id>.json` or `<id>.xml`. */
export class Outbox {
  readonly directory: string;

  constructor(
    prefix: string,
    readonly format: 'json' | 'xml',
  ) {
    this.directory = newFolder(prefix);
  }

  /** The connector's settings for this outbox. */
  settings(): Record<string, string> {
    return { CONNECTOR_OUTBOX: this.directory, CONNECTOR_OUTBOX_FORMAT: this.format };
  }

  /** The document files written so far (temp files of a write in progress left out). */
  files(): string[] {
    return filesIn(this.directory).filter((name) => name.endsWith(`.${this.format}`));
  }

  documents(): OutboxDocument[] {
    return this.files().map((name) =>
      readOutboxFile(this.format, readFileSync(path.join(this.directory, name), 'utf8'), name),
    );
  }

  /** The deliveries of one message type, e.g. `verdachtenmonitor-entry`. */
  deliveries(messageType: string): OutboxDocument[] {
    return this.documents().filter(
      ({ type, document }) =>
        type === 'delivery' && document.messageType === `nl.samenloop.${messageType}`,
    );
  }

  until<T>(
    find: (documents: OutboxDocument[]) => T | undefined,
    description: string,
    timeoutMs = 120_000,
  ): Promise<T> {
    return waitFor(
      () => find(this.documents()),
      `outbox ${path.basename(this.directory)}: ${description}`,
      timeoutMs,
      100,
    );
  }

  /**
   * Waits until no new file came for `quietMs`: what else the connector would write has been
   * written (its hub documents arrive in the same gateway transactions as those awaited before).
   */
  async quiet(quietMs = 3_000): Promise<OutboxDocument[]> {
    await settled(() => this.files().length, `outbox ${path.basename(this.directory)}`, quietMs);
    return this.documents();
  }
}

/** A JSON outbox file is the webhook's body (`GET /v1/ontvangen`'s item); an XML one `schemas/corv/aflevering.v1.xsd`. */
function readOutboxFile(format: 'json' | 'xml', text: string, name: string): OutboxDocument {
  const id = name.slice(0, -`.${format}`.length);
  if (format === 'json') {
    const item = JSON.parse(text) as {
      id: string;
      type: string;
      document: OutboxDocument['document'];
    };
    if (item.id !== id) throw new Error(`outbox file ${name} holds document ${item.id}`);
    return { id, type: item.type, document: item.document };
  }
  const read = readHubDocumentXml(text);
  if (read.id !== id) throw new Error(`outbox file ${name} holds document ${read.id}`);
  return { id, type: read.type, document: read.document };
}
