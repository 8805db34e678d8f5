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

/** Needs `CONNECTOR_SETTINGS` and `Inbox` from the app (ConnectorModule, InboxModule). */
@Module({ providers: [WebhookLifecycle] })
export class WebhookModule {}
