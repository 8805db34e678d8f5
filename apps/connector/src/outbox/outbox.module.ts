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
import { OutboxWriter } from './outbox-writer';

/**
 * Runs the `OutboxWriter` while the app runs, when `settings.files.outbox` is set: it starts once
 * every module is initialised (the inbox restored) and stops before the inbox's modules are destroyed.
 */
@Injectable()
export class OutboxLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly writer: OutboxWriter | undefined;

  constructor(@Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings, inbox: Inbox) {
    const outbox = settings.files.outbox;
    this.writer = outbox
      ? new OutboxWriter(inbox, outbox, hubDocumentXml, new Logger(OutboxWriter.name))
      : undefined;
  }

  onApplicationBootstrap(): void {
    this.writer?.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.writer?.stop() ?? Promise.resolve();
  }
}

/** Imports the inbox, so Nest stops the writer before the inbox it reads. */
@Module({ imports: [InboxModule], providers: [OutboxLifecycle] })
export class OutboxModule {}
