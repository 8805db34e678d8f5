import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { InboxModule } from '../inbox/inbox.module';
import { connectorStandIn } from './fixtures/connector-stand-in';
import { InMemoryInbox } from './fixtures/in-memory-inbox';
import { WebhookReceiver } from './fixtures/webhook-receiver';
import { WebhookModule } from './webhook.module';

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
      .useModule(connectorStandIn({ webhook }, inbox))
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
      .useModule(connectorStandIn({}, inbox))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    expect(inbox.listenerCount).toBe(0);
    await app.close();
  });
});
