import type { LoggerService } from '@nestjs/common';
import { watch, type FSWatcher } from 'chokidar';
import { createHash } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError } from '../hand-over/hand-over-loop';
import { retryBackoffMs } from '../hand-over/retry-backoff';
import type { DroppedFile, FileDrop, FileOutcome } from './file-handler';
import { fileReport } from './file-report';
import { syncDirectory, writeFileOnce } from './write-file-once';

export interface DropFolderOptions {
  /** A file is read once its size stayed the same this long (chokidar's `awaitWriteFinish`). */
  readonly stableForMs?: number;
  readonly pollIntervalMs?: number;
  /** The wait after a handler failed (the broker down), doubling (plus jitter) up to the max. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** For tests: the jitter's randomness and the clock that stamps moved files. */
  readonly random?: () => number;
  readonly now?: () => Date;
}

/** Where a handled file goes, by its outcome, inside the inbox folder. */
const OUTCOME_FOLDERS: Readonly<Record<FileOutcome['status'], string>> = {
  processed: 'processed',
  error: 'error',
};

/** Being written by the case system, or a temp file of `writeFileOnce`. */
const UNFINISHED = /\.(tmp|part)$/i;

/**
 * Runs one `FileHandler` over one inbox folder: every file dropped there (and every file already
 * there at start), once it stopped growing, one at a time, oldest first. The file then moves to
 * `processed/` or `error/` under a name that overwrites nothing, with a report beside it (the
 * counts and every problem: a case system that only exchanges files sees nothing else). A handler that throws (the broker down) leaves the file where it is, to be
 * tried again after a growing wait. Logs name a file by a fingerprint of its content, never by
 * its name (a case system may put a person's name in it) and never with its content.
 */
export class DropFolder {
  private readonly options: Required<DropFolderOptions>;
  /** Absolute and normalised, as chokidar reports paths under it. */
  private readonly directory: string;
  /** Names in the inbox folder waiting to be handled. */
  private readonly pending = new Set<string>();
  private watcher: FSWatcher | undefined;
  private working: Promise<void> | undefined;
  private stopping = false;
  /** Failed attempts at the file being handled, by its fingerprint. */
  private attempts = { fingerprint: '', count: 0 };
  /** Ends a retry's wait early, on stop. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly drop: FileDrop,
    private readonly logger: Pick<LoggerService, 'log' | 'warn'>,
    options: DropFolderOptions = {},
  ) {
    this.directory = resolve(drop.directory);
    this.options = {
      stableForMs: 2000,
      pollIntervalMs: 100,
      initialBackoffMs: 1000,
      maxBackoffMs: 300_000,
      random: Math.random,
      now: () => new Date(),
      ...options,
    };
  }

  /** Creates `processed/` and `error/`, and resolves once the files already there are seen. */
  async start(): Promise<void> {
    if (this.watcher) return;
    this.stopping = false;
    for (const folder of Object.values(OUTCOME_FOLDERS)) {
      await mkdir(join(this.directory, folder), { recursive: true });
    }
    const watcher = watch(this.directory, {
      depth: 0,
      ignored: (path, stats) => this.ignored(path, stats?.isDirectory() ?? false),
      awaitWriteFinish: {
        stabilityThreshold: this.options.stableForMs,
        pollInterval: this.options.pollIntervalMs,
      },
    });
    this.watcher = watcher;
    // A file dropped again under a name just moved away can come as a change: chokidar may not
    // have seen the name go.
    watcher.on('add', (path) => this.dropped(path));
    watcher.on('change', (path) => this.dropped(path));
    watcher.on('unlink', (path) => this.pending.delete(basename(path)));
    watcher.on('error', (error: unknown) => {
      this.logger.warn(
        { kind: this.drop.handler.kind, failure: describeError(error) },
        'watching the inbox folder failed',
      );
    });
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  /** Lets the file in flight finish (moved, reported), then stops; a file waiting for a retry stays. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.watcher?.close();
    this.watcher = undefined;
    await this.working;
  }

  private ignored(path: string, isDirectory: boolean): boolean {
    if (path === this.directory) return false;
    const name = basename(path);
    return (
      isDirectory || name.startsWith('.') || UNFINISHED.test(name) || this.isOutcomeFolder(path)
    );
  }

  private isOutcomeFolder(path: string): boolean {
    return Object.values(OUTCOME_FOLDERS).some((folder) => path === join(this.directory, folder));
  }

  private dropped(path: string): void {
    if (dirname(path) !== this.directory) return;
    this.pending.add(basename(path));
    this.kick();
  }

  /** Starts draining unless it runs; a file added as the last drain ended starts the next. */
  private kick(): void {
    if (this.working || this.stopping || this.pending.size === 0) return;
    this.working = this.drain()
      .catch((error: unknown) => {
        this.logger.warn(
          { kind: this.drop.handler.kind, failure: describeError(error) },
          'reading the inbox folder failed',
        );
      })
      .finally(() => {
        this.working = undefined;
        this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      const name = await this.oldestPending();
      if (name === undefined) return;
      await this.handle(name);
    }
  }

  /** The pending file modified longest ago, by name among equals; gone files leave the queue. */
  private async oldestPending(): Promise<string | undefined> {
    const candidates: { readonly name: string; readonly modifiedMs: number }[] = [];
    for (const name of this.pending) {
      try {
        candidates.push({ name, modifiedMs: (await stat(this.pathOf(name))).mtimeMs });
      } catch {
        this.pending.delete(name);
      }
    }
    candidates.sort((a, b) => a.modifiedMs - b.modifiedMs || (a.name < b.name ? -1 : 1));
    return candidates[0]?.name;
  }

  private async handle(name: string): Promise<void> {
    // Out of the queue while handled: a file dropped under this name meanwhile queues it again.
    this.pending.delete(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(name));
    } catch {
      // Taken away before it was read: nothing to handle.
      return;
    }
    const file: DroppedFile = { name, bytes };
    const fingerprint = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    let step = 'handle';
    try {
      const outcome = await this.drop.handler.handle(file);
      step = 'move';
      const moved = await this.moveAway(name, OUTCOME_FOLDERS[outcome.status]);
      this.attempts = { fingerprint: '', count: 0 };
      await this.report(file, moved, outcome, fingerprint);
      this.logger.log(
        {
          kind: this.drop.handler.kind,
          fingerprint,
          outcome: outcome.status,
          ...(outcome.status === 'processed' && { summary: outcome.summary }),
          problems: outcome.problems.length,
        },
        'file handled',
      );
    } catch (error) {
      this.pending.add(name);
      await this.retryLater(fingerprint, step, error);
    }
  }

  /** Moves the file into `folder` as `<UTC time>-<name>` (`-2-`, `-3-`… when taken): `link` never overwrites. */
  private async moveAway(name: string, folder: string): Promise<string> {
    const target = join(this.directory, folder);
    await mkdir(target, { recursive: true });
    const stamp = utcStamp(this.options.now());
    for (let counter = 1; ; counter += 1) {
      const movedName = counter === 1 ? `${stamp}-${name}` : `${stamp}-${counter}-${name}`;
      try {
        await link(this.pathOf(name), join(target, movedName));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      await unlink(this.pathOf(name));
      await syncDirectory(target);
      await syncDirectory(this.directory);
      return join(folder, movedName);
    }
  }

  /** Beside the moved file; a report that cannot be written is logged, the file stays handled. */
  private async report(
    file: DroppedFile,
    moved: string,
    outcome: FileOutcome,
    fingerprint: string,
  ): Promise<void> {
    const content = fileReport({
      kind: this.drop.handler.kind,
      originalName: file.name,
      movedTo: moved,
      handledAt: this.options.now(),
      outcome,
    });
    const written = await writeFileOnce(join(this.directory, `${moved}.report.txt`), content).catch(
      (error: unknown) => describeError(error),
    );
    if (written !== 'written') {
      this.logger.warn(
        {
          kind: this.drop.handler.kind,
          fingerprint,
          failure: written === 'exists' ? 'a file of that name exists' : written,
        },
        'report not written',
      );
    }
  }

  private async retryLater(fingerprint: string, step: string, error: unknown): Promise<void> {
    if (this.attempts.fingerprint !== fingerprint) this.attempts = { fingerprint, count: 0 };
    this.attempts.count += 1;
    const attempt = this.attempts.count;
    const delayMs = retryBackoffMs(
      attempt,
      this.options.initialBackoffMs,
      this.options.maxBackoffMs,
      this.options.random,
    );
    this.logger.warn(
      {
        kind: this.drop.handler.kind,
        fingerprint,
        step,
        failure: describeError(error),
        attempt,
        nextDelayMs: delayMs,
      },
      'file not handled, it stays in the inbox and is tried again',
    );
    if (this.stopping) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, delayMs);
    });
    clearTimeout(timer);
    this.wake = undefined;
  }

  private pathOf(name: string): string {
    return join(this.directory, name);
  }
}

/** `20261203T101500Z`: sorts by time, and has no `:` (not allowed in Windows file names). */
function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
