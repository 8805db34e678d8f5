import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the connector put a dropped file once it handled it, and the report beside it. */
export interface DropOutcome {
  readonly outcome: 'processed' | 'error';
  /** The moved file: `<inbox>/processed/<time>-<name>` or `<inbox>/error/<time>-<name>`. */
  readonly file: string;
  /** The report's text: the counts and the problem lines, never a value from the file. */
  readonly report: string;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

const OUTCOMES = ['processed', 'error'] as const;
const REPORT = '.report.txt';

/**
 * A case system's side of the connector's file folders: drop a file whole (the connector ignores
 * `*.part` files, so it never reads one half-written) and see where it went. The connector names
 * nothing of the file in its logs, so this is how an operator follows one.
 */
export class ConnectorFolder {
  constructor(readonly inbox: string) {}

  /** Writes `content` under a temporary name in the inbox and renames it: the connector sees it whole. */
  async drop(name: string, content: Uint8Array | string): Promise<DroppedFile> {
    const handledBefore = new Set(OUTCOMES.flatMap((outcome) => this.handled(outcome)));
    const temporary = path.join(this.inbox, `${name}.part`);
    await writeFile(temporary, content);
    await rename(temporary, path.join(this.inbox, name));
    return new DroppedFile(this, name, handledBefore);
  }

  /** The files in `processed/` or `error/`, by path, without their reports. */
  handled(outcome: DropOutcome['outcome']): string[] {
    return filesIn(path.join(this.inbox, outcome)).filter((file) => !file.endsWith(REPORT));
  }
}

/** A file dropped in an inbox, until the connector moved it. */
export class DroppedFile {
  constructor(
    private readonly folder: ConnectorFolder,
    readonly name: string,
    private readonly handledBefore: ReadonlySet<string>,
  ) {}

  /** Resolves once the file is in `processed/` or `error/` (with its report); rejects after the timeout. */
  async outcome({ timeoutMs, pollMs = 100 }: WaitOptions): Promise<DropOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const outcome of OUTCOMES) {
        const file = this.folder
          .handled(outcome)
          .find((moved) => !this.handledBefore.has(moved) && moved.endsWith(`-${this.name}`));
        // The report follows the move.
        const report = file && readIfPresent(`${file}${REPORT}`);
        if (file && report !== undefined) return { outcome, file, report };
      }
      if (Date.now() > deadline)
        throw new Error(
          `${this.name} was not handled within ${timeoutMs / 1000} s: is the connector watching ${this.folder.inbox}?`,
        );
      await sleep(pollMs);
    }
  }
}

/**
 * The files connectors write to their outbox folders from now on: what is there when the watch
 * begins is not an arrival; `arrivals()` waits for what comes next until the outboxes fall quiet.
 */
export class OutboxWatch {
  private readonly seen: Set<string>;

  constructor(readonly outboxes: readonly string[]) {
    this.seen = new Set(this.files());
  }

  /**
   * The files written since the last call (or since the watch began), once at least one came and
   * then none for `quietMs`; an empty list when none came within `timeoutMs`.
   */
  async arrivals({
    quietMs,
    timeoutMs,
    pollMs = 100,
  }: WaitOptions & { quietMs: number }): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const arrived: string[] = [];
    let lastArrival = 0;
    while (Date.now() < deadline && (arrived.length === 0 || Date.now() - lastArrival < quietMs)) {
      const fresh = this.files().filter((file) => !this.seen.has(file));
      for (const file of fresh) {
        this.seen.add(file);
        arrived.push(file);
        lastArrival = Date.now();
      }
      await sleep(pollMs);
    }
    return arrived;
  }

  private files(): string[] {
    // Temporary files of a write in progress are not arrivals yet.
    return this.outboxes.flatMap(filesIn).filter((file) => !path.basename(file).startsWith('.'));
  }
}

/**
 * A report's counts (`rows: 500`, `submitted: 3`, …, between its `outcome:` and `problems:` lines)
 * and its problem lines.
 */
export function reportCounts(report: string): {
  readonly summary: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
} {
  const lines = report.split('\n');
  const from = lines.findIndex((line) => line.startsWith('outcome: '));
  const to = lines.findIndex((line) => /^problems: \d+$/.test(line));
  const summary: Record<string, number> = {};
  for (const line of lines.slice(from + 1, to)) {
    const count = /^([a-zA-Z]+): (\d+)$/.exec(line);
    if (count) summary[count[1]!] = Number(count[2]);
  }
  return {
    summary,
    problems: lines.slice(to + 1).filter((line) => line.trim() !== ''),
  };
}

function filesIn(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.(tmp|part)$/.test(entry.name))
    .map((entry) => path.join(folder, entry.name))
    .sort();
}

function readIfPresent(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
