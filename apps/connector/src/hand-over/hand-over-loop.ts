import type { LoggerService } from '@nestjs/common';
import type { AcknowledgedBy } from '../inbox/acknowledgement-record';
import type { Inbox, InboxEntry } from '../inbox/inbox';
import { retryBackoffMs } from './retry-backoff';

/** What a hand-over made of one entry: log fields when the case system has it, else what failed. */
export type HandOverResult =
  | { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly step: string; readonly failure: string };

/** One way of giving the case system a document: a webhook call, a file in its outbox. */
export interface HandOver {
  /** Names the acknowledgement, e.g. `webhook`. */
  readonly by: Exclude<AcknowledgedBy, 'api'>;
  /** The log messages of a hand-over and of a failed attempt. */
  readonly messages: { readonly handedOver: string; readonly retrying: string };
  /** Resolves to a failure rather than throwing when the case system did not take the entry. */
  handOver(entry: InboxEntry): Promise<HandOverResult>;
}

export interface HandOverLoopOptions {
  /** The wait after a failed attempt, doubling (plus jitter) up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** For tests: the jitter's randomness. */
  readonly random?: () => number;
}

/** Acknowledged entries are skipped this many at a time on the way to the next one to hand over. */
const SCAN_LIMIT = 100;

/**
 * Hands the inbox over to the case system: in order, each entry not yet acknowledged, one at a
 * time, acknowledged (`by` the hand-over) only after it succeeded. A failure is retried for the same
 * entry after a growing wait, so order holds; an entry acknowledged otherwise (the API) in the
 * meantime is skipped. Logs ids, attempts and waits — never the document.
 */
export class HandOverLoop {
  private readonly random: () => number;
  /** Cursor of the last entry handed over or skipped; `undefined` before the first. */
  private position: string | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private appended = false;
  /** Waiting for an append rather than for a retry: only then does an append end the wait. */
  private idle = false;
  /** Ends the current wait early. */
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly inbox: Inbox,
    private readonly handOver: HandOver,
    private readonly logger: Pick<LoggerService, 'log' | 'warn'>,
    private readonly options: HandOverLoopOptions,
  ) {
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.unsubscribe = this.inbox.onAppended(() => {
      this.appended = true;
      if (this.idle) this.wake?.();
    });
    this.running = this.run();
  }

  /** Lets a hand-over in flight finish (and acknowledges it), then stops; no timer is left. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    /** The entry being handed over: attempts count per entry. */
    let current: string | undefined;
    while (!this.stopping) {
      this.appended = false;
      let entry: InboxEntry | undefined;
      try {
        entry = await this.nextUnacknowledged();
      } catch (error) {
        attempt += 1;
        await this.retryLater(attempt, { failure: describeError(error), step: 'read inbox' });
        continue;
      }
      if (!entry) {
        // An append between the read and this wait set `appended`: read again at once.
        if (!this.appended) await this.pause(undefined);
        continue;
      }
      if (entry.id !== current) {
        current = entry.id;
        attempt = 0;
      }
      const outcome = await this.handOver
        .handOver(entry)
        .catch((error: unknown): HandOverResult => ({
          ok: false,
          step: 'hand over',
          failure: describeError(error),
        }));
      if (!outcome.ok) {
        attempt += 1;
        await this.retryLater(attempt, {
          id: entry.id,
          failure: outcome.failure,
          step: outcome.step,
        });
        continue;
      }
      try {
        const result = await this.inbox.acknowledge(entry.id, this.handOver.by);
        this.logger.log(
          { id: entry.id, ...outcome.fields, attempt: attempt + 1, result },
          this.handOver.messages.handedOver,
        );
        this.position = entry.cursor;
      } catch (error) {
        // Not recorded: the entry is handed over again, and the case system knows it by its id.
        attempt += 1;
        await this.retryLater(attempt, {
          id: entry.id,
          failure: describeError(error),
          step: 'acknowledge',
        });
      }
    }
  }

  /** The first entry after `position` not yet acknowledged, read fresh (the API may have acknowledged it). */
  private async nextUnacknowledged(): Promise<InboxEntry | undefined> {
    for (;;) {
      const { entries } = await this.inbox.after(this.position, SCAN_LIMIT);
      const index = entries.findIndex((entry) => !entry.acknowledged);
      if (index > 0) this.position = entries[index - 1]?.cursor;
      if (index >= 0) return entries[index];
      const last = entries.at(-1);
      if (!last) return undefined;
      this.position = last.cursor;
    }
  }

  private async retryLater(
    attempt: number,
    context: { readonly id?: string; readonly failure: string; readonly step: string },
  ): Promise<void> {
    if (this.stopping) return;
    const delayMs = retryBackoffMs(
      attempt,
      this.options.initialBackoffMs,
      this.options.maxBackoffMs,
      this.random,
    );
    this.logger.warn(
      { ...context, attempt, nextDelayMs: delayMs },
      this.handOver.messages.retrying,
    );
    await this.pause(delayMs);
  }

  /** For `delayMs` (a retry's wait), or without it until an append; `stop` ends either. */
  private async pause(delayMs: number | undefined): Promise<void> {
    if (this.stopping) return;
    let timer: NodeJS.Timeout | undefined;
    this.idle = delayMs === undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (delayMs !== undefined) timer = setTimeout(resolve, delayMs);
    });
    clearTimeout(timer);
    this.wake = undefined;
    this.idle = false;
  }
}

/** The error's kind and code, not its message: a message may quote what was sent or a file's path. */
export function describeError(error: unknown): string {
  // Duck-typed: fetch's errors come from Node's own realm, not always this one's `Error`.
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { name, code, cause } = error as {
    name?: unknown;
    code?: unknown;
    cause?: { code?: unknown };
  };
  const errorCode = typeof code === 'string' ? code : cause?.code;
  return `${typeof name === 'string' ? name : 'Error'}${typeof errorCode === 'string' ? ` ${errorCode}` : ''}`;
}
