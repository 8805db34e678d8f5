import type { LoggerService } from '@nestjs/common';
import type { ConnectorWebhook } from '../config/connector-settings';
import type { Inbox, InboxEntry } from '../inbox/inbox';
import { ontvangenItem } from '../inbox/received.dto';
import { webhookBackoffMs } from './webhook-backoff';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';

export interface WebhookPusherOptions {
  /** Each call is given up after this long and retried like any other failure. */
  readonly requestTimeoutMs?: number;
  /** For tests: the jitter's randomness. */
  readonly random?: () => number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Acknowledged entries are skipped this many at a time on the way to the next one to push. */
const SCAN_LIMIT = 100;

type CallOutcome =
  { readonly ok: true; readonly status: number } | { readonly ok: false; readonly failure: string };

/**
 * Pushes the inbox to the case system's webhook: in order, each entry not yet acknowledged, one
 * call at a time, acknowledged (`by: 'webhook'`) only after a 2xx. A failed call is retried for
 * the same entry after a growing wait, so order holds; an entry acknowledged through the API in
 * the meantime is skipped. Logs ids, status codes, attempts and waits — never the document.
 */
export class WebhookPusher {
  private readonly requestTimeoutMs: number;
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
    private readonly webhook: ConnectorWebhook,
    private readonly logger: Pick<LoggerService, 'log' | 'warn'>,
    options: WebhookPusherOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
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

  /** Lets a call in flight finish (and acknowledges it on a 2xx), then stops; no timer is left. */
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
    /** The entry being pushed: attempts count per entry. */
    let current: string | undefined;
    while (!this.stopping) {
      this.appended = false;
      let entry: InboxEntry | undefined;
      try {
        entry = await this.nextUnacknowledged();
      } catch (error) {
        attempt += 1;
        await this.retryLater(attempt, { failure: describe(error), step: 'read inbox' });
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
      const outcome = await this.call(entry);
      if (!outcome.ok) {
        attempt += 1;
        await this.retryLater(attempt, {
          id: entry.id,
          failure: outcome.failure,
          step: 'call webhook',
        });
        continue;
      }
      try {
        const result = await this.inbox.acknowledge(entry.id, 'webhook');
        this.logger.log(
          { id: entry.id, status: outcome.status, attempt: attempt + 1, result },
          'webhook delivered',
        );
        this.position = entry.cursor;
      } catch (error) {
        // Not recorded: the entry is pushed again, and the case system drops it by its delivery id.
        attempt += 1;
        await this.retryLater(attempt, {
          id: entry.id,
          failure: describe(error),
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

  private async call(entry: InboxEntry): Promise<CallOutcome> {
    const body = JSON.stringify(ontvangenItem(entry));
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(this.webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [DELIVERY_ID_HEADER]: entry.id,
          [SIGNATURE_HEADER]: signWebhookBody(this.webhook.secret, body, timestamp),
        },
        body,
        // A redirect would carry the document to a URL nobody configured: a failure instead.
        redirect: 'error',
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      // The case system's answer is not read further: it may echo what it was sent.
      await response.body?.cancel();
      return response.ok
        ? { ok: true, status: response.status }
        : { ok: false, failure: `status ${response.status}` };
    } catch (error) {
      return { ok: false, failure: describe(error) };
    }
  }

  private async retryLater(
    attempt: number,
    context: { readonly id?: string; readonly failure: string; readonly step: string },
  ): Promise<void> {
    if (this.stopping) return;
    const delayMs = webhookBackoffMs(
      attempt,
      this.webhook.initialBackoffMs,
      this.webhook.maxBackoffMs,
      this.random,
    );
    this.logger.warn(
      { ...context, attempt, nextDelayMs: delayMs },
      'webhook push failed, retrying',
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

/** The error's kind and code, not its message: a message may quote what was sent. */
function describe(error: unknown): string {
  // Duck-typed: fetch's errors come from Node's own realm, not always this one's `Error`.
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { name, cause } = error as { name?: unknown; cause?: { code?: unknown } };
  const code = typeof cause?.code === 'string' ? ` ${cause.code}` : '';
  return `${typeof name === 'string' ? name : 'Error'}${code}`;
}
