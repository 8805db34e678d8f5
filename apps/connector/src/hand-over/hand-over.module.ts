import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { hubDocumentXml } from '@samenloop/corv';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import { Inbox } from '../inbox/inbox';
import { InboxModule } from '../inbox/inbox.module';
import { OutboxWriter } from '../outbox/outbox-writer';
import { WebhookPusher } from '../webhook/webhook-pusher';

/**
 * Hands the inbox over while the app runs — pushed to the webhook (`settings.webhook`) or written
 * to the outbox folder (`settings.files.outbox`), never both (the settings refuse that), or not at
 * all: it starts once every module is initialised (the inbox restored) and stops before the
 * inbox's modules are destroyed.
 */
@Injectable()
export class HandOverLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly handOver: Pick<WebhookPusher, 'start' | 'stop'> | undefined;

  constructor(@Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings, inbox: Inbox) {
    const { webhook, files } = settings;
    if (webhook) this.handOver = new WebhookPusher(inbox, webhook, new Logger(WebhookPusher.name));
    else if (files.outbox)
      this.handOver = new OutboxWriter(
        inbox,
        files.outbox,
        hubDocumentXml,
        new Logger(OutboxWriter.name),
      );
  }

  onApplicationBootstrap(): void {
    this.handOver?.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.handOver?.stop() ?? Promise.resolve();
  }
}

/** Imports the inbox, so Nest stops the hand-over before the inbox it reads. */
@Module({ imports: [InboxModule], providers: [HandOverLifecycle] })
export class HandOverModule {}
