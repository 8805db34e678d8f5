import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import { Inbox } from '../inbox/inbox';
import { InboxModule } from '../inbox/inbox.module';
import { WebhookPusher } from './webhook-pusher';

/**
 * Runs the `WebhookPusher` while the app runs, when `settings.webhook` is set: it starts once every
 * module is initialised (the inbox restored) and stops before the inbox's modules are destroyed.
 */
@Injectable()
export class WebhookLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pusher: WebhookPusher | undefined;

  constructor(@Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings, inbox: Inbox) {
    this.pusher = settings.webhook
      ? new WebhookPusher(inbox, settings.webhook, new Logger(WebhookPusher.name))
      : undefined;
  }

  onApplicationBootstrap(): void {
    this.pusher?.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.pusher?.stop() ?? Promise.resolve();
  }
}

/** Imports the inbox, so Nest stops the pusher before the inbox it reads. */
@Module({ imports: [InboxModule], providers: [WebhookLifecycle] })
export class WebhookModule {}
