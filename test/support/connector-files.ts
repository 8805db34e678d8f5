import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readHubDocumentXml } from '@samenloop/corv';
import { settled, waitFor } from './wait-for';

/** Where the connector put a file it handled: `processed/` or `error/` inside the inbox. */
export type FileOutcomeFolder = 'processed' | 'error';

/** A file the connector handled: where it moved it, the report beside it, the counts it logged. */
export interface HandledFile {
  readonly outcome: FileOutcomeFolder;
  /** Its moved name: a UTC time prefix, then the name it was dropped under. */
  readonly name: string;
  readonly path: string;
  /** The report's lines, without empty ones; undefined when the connector wrote none. */
  readonly report: readonly string[] | undefined;
  /** The counts the connector logged, e.g. `{ rows: 500, submitted: 0, unchanged: 500 }`. */
  readonly summary: Readonly<Record<string, number>>;
  /** How many problems it logged (and reported). */
  readonly problems: number;
}

/** The connector's log line for a handled file: ids and counts only, the file by a fingerprint. */
interface FileHandledLog {
  readonly msg: string;
  readonly fingerprint: string;
  readonly outcome: FileOutcomeFolder;
  readonly summary?: Record<string, number>;
  readonly problems: number;
}

const REPORT = '.report.txt';

/** A fresh folder of its own under the system's temp folder, for one connector setting. */
export function newFolder(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `samenloop-${prefix}-`));
}

/** How the connector logs a file: by the first 12 hex digits of its bytes' SHA-256. */
function fingerprintOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/**
 * An adapter's inbox folder as a case system sees it: it drops files (atomically, as an export
 * job should: written under a temp name the connector ignores, then renamed) and finds them
 * again in `processed/` or `error/`. `logs` are the connector's: it logs each file it handled
 * once the file is moved and its report written.
 */
export class DropInbox {
  readonly directory: string;

  constructor(
    prefix: string,
    private readonly logs: () => string,
  ) {
    this.directory = newFolder(prefix);
  }

  /** Drops `bytes` as `name` and waits until the connector handled that file. */
  drop(name: string, bytes: Buffer | string, timeoutMs = 120_000): Promise<HandledFile> {
    return this.put(name, bytes).handled(timeoutMs);
  }

  /**
   * Puts a file in the inbox; `handled` waits for the connector to handle it — a file with the
   * same name and bytes as one before waits for a handling of its own.
   */
  put(name: string, bytes: Buffer | string): { handled(timeoutMs?: number): Promise<HandledFile> } {
    const content = Buffer.from(bytes);
    const fingerprint = fingerprintOf(content);
    const logged = this.handledLogs(fingerprint).length;
    const moved = new Set(this.moves(name).map((file) => file.path));
    const temporary = path.join(this.directory, `.${name}.part`);
    writeFileSync(temporary, content);
    renameSync(temporary, path.join(this.directory, name));
    return {
      handled: async (timeoutMs = 120_000) => {
        const log = await waitFor(
          () => this.handledLogs(fingerprint)[logged],
          `${path.basename(this.directory)}: ${name} handled`,
          timeoutMs,
          100,
        );
        const file = this.moves(name).find((candidate) => !moved.has(candidate.path));
        if (!file) throw new Error(`${name} was handled but is not in processed/ or error/`);
        return { ...file, summary: log.summary ?? {}, problems: log.problems };
      },
    };
  }

  /** The files still waiting in the inbox itself. */
  waiting(): string[] {
    return filesIn(this.directory).filter((name) => !name.startsWith('.'));
  }

  /** Every move of a file dropped as `name`, oldest first (the time prefix sorts). */
  private moves(name: string): Omit<HandledFile, 'summary' | 'problems'>[] {
    return (['processed', 'error'] as const)
      .flatMap((outcome) =>
        filesIn(path.join(this.directory, outcome))
          .filter((moved) => moved.endsWith(`-${name}`) && !moved.endsWith(REPORT))
          .map((moved) => {
            const movedPath = path.join(this.directory, outcome, moved);
            return { outcome, name: moved, path: movedPath, report: reportOf(movedPath) };
          }),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private handledLogs(fingerprint: string): FileHandledLog[] {
    return this.logs()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes(fingerprint))
      .map((line) => JSON.parse(line) as FileHandledLog)
      .filter((log) => log.msg === 'file handled' && log.fingerprint === fingerprint);
  }
}

function reportOf(movedPath: string): string[] | undefined {
  try {
    return readFileSync(`${movedPath}${REPORT}`, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch {
    return undefined;
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
