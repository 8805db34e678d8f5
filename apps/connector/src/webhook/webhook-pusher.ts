import type { LoggerService } from '@nestjs/common';
import type { ConnectorWebhook } from '../config/connector-settings';
import { describeError, HandOverLoop, type HandOverResult } from '../hand-over/hand-over-loop';
import type { Inbox, InboxEntry } from '../inbox/inbox';
import { ontvangenItem } from '../inbox/received.dto';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';

export interface WebhookPusherOptions {
  /** Each call is given up after this long and retried like any other failure. */
  readonly requestTimeoutMs?: number;
  /** For tests: the jitter's randomness. */
  readonly random?: () => number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Pushes the inbox to the case system's webhook through a `HandOverLoop`: in order, one call at a
 * time, acknowledged (`by: 'webhook'`) only after a 2xx. Logs ids, status codes, attempts and
 * waits — never the document.
 */
export class WebhookPusher {
  private readonly loop: HandOverLoop;
  private readonly requestTimeoutMs: number;

  constructor(
    inbox: Inbox,
    private readonly webhook: ConnectorWebhook,
    logger: Pick<LoggerService, 'log' | 'warn'>,
    options: WebhookPusherOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.loop = new HandOverLoop(
      inbox,
      {
        by: 'webhook',
        messages: { handedOver: 'webhook delivered', retrying: 'webhook push failed, retrying' },
        handOver: (entry) => this.call(entry),
      },
      logger,
      {
        initialBackoffMs: webhook.initialBackoffMs,
        maxBackoffMs: webhook.maxBackoffMs,
        ...(options.random && { random: options.random }),
      },
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Lets a call in flight finish (and acknowledges it on a 2xx), then stops; no timer is left. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async call(entry: InboxEntry): Promise<HandOverResult> {
    const body = JSON.stringify(ontvangenItem(entry));
    const timestamp = Math.floor(Date.now() / 1000);
    const step = 'call webhook';
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
        ? { ok: true, fields: { status: response.status } }
        : { ok: false, step, failure: `status ${response.status}` };
    } catch (error) {
      return { ok: false, step, failure: describeError(error) };
    }
  }
}
