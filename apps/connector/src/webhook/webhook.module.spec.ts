import 'reflect-metadata';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import { Inbox } from '../inbox/inbox';
import { InboxModule } from '../inbox/inbox.module';
import { InMemoryInbox } from './fixtures/in-memory-inbox';
import { WebhookReceiver } from './fixtures/webhook-receiver';
import { WebhookModule } from './webhook.module';

/** What the connector's own modules provide the webhook: its settings, and the inbox in place of InboxModule. */
function connectorStandIn(webhook: ConnectorSettings['webhook'], inbox: Inbox): DynamicModule {
  @Global()
  @Module({})
  class ConnectorStandIn {}
  return {
    module: ConnectorStandIn,
    providers: [
      { provide: CONNECTOR_SETTINGS, useValue: { webhook } },
      { provide: Inbox, useValue: inbox },
    ],
    exports: [CONNECTOR_SETTINGS, Inbox],
  };
}

describe(WebhookModule.name, () => {
  const receiver = new WebhookReceiver();

  afterEach(() => receiver.close());

  it('pushes the inbox from bootstrap until the app closes, when a webhook is configured', async () => {
    const inbox = new InMemoryInbox();
    inbox.append({ id: 'd-1' });
    const webhook = {
      url: await receiver.listen(),
      secret: Buffer.from('the-case-systems-shared-secret-32-bytes!'),
      initialBackoffMs: 20,
      maxBackoffMs: 80,
    };
    const moduleRef = await Test.createTestingModule({ imports: [WebhookModule] })
      .overrideModule(InboxModule)
      .useModule(connectorStandIn(webhook, inbox))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await inbox.untilAcknowledged(1);
    expect(inbox.listenerCount).toBe(1);
    await app.close();

    expect(inbox.acknowledgements).toEqual([{ id: 'd-1', by: 'webhook' }]);
    expect(inbox.listenerCount).toBe(0);
  });

  it('leaves the inbox alone without a webhook', async () => {
    const inbox = new InMemoryInbox();
    const moduleRef = await Test.createTestingModule({ imports: [WebhookModule] })
      .overrideModule(InboxModule)
      .useModule(connectorStandIn(undefined, inbox))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    expect(inbox.listenerCount).toBe(0);
    await app.close();
  });
});
