import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorSettings } from '../config/connector-settings';
import { InboxModule } from '../inbox/inbox.module';
import { connectorStandIn } from '../fixtures/connector-stand-in';
import { InMemoryInbox } from '../fixtures/in-memory-inbox';
import { WebhookReceiver } from '../webhook/fixtures/webhook-receiver';
import { HandOverModule } from './hand-over.module';

describe(HandOverModule.name, () => {
  const receiver = new WebhookReceiver();
  let outbox: string;

  beforeEach(async () => {
    outbox = await mkdtemp(join(tmpdir(), 'hand-over-module-'));
  });

  afterEach(async () => {
    await receiver.close();
    await rm(outbox, { recursive: true, force: true });
  });

  async function startApp(
    settings: Partial<Pick<ConnectorSettings, 'webhook' | 'files'>>,
    inbox: InMemoryInbox,
  ) {
    const moduleRef = await Test.createTestingModule({ imports: [HandOverModule] })
      .overrideModule(InboxModule)
      .useModule(connectorStandIn({ files: {}, ...settings }, inbox))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('pushes the inbox to the webhook from bootstrap until the app closes, when a webhook is configured', async () => {
    const inbox = new InMemoryInbox();
    inbox.append({ id: 'd-1' });
    const webhook = {
      url: await receiver.listen(),
      secret: Buffer.from('the-case-systems-shared-secret-32-bytes!'),
      initialBackoffMs: 20,
      maxBackoffMs: 80,
    };
    const app = await startApp({ webhook }, inbox);
    await inbox.untilAcknowledged(1);
    expect(inbox.listenerCount).toBe(1);
    await app.close();

    expect(inbox.acknowledgements).toEqual([{ id: 'd-1', by: 'webhook' }]);
    expect(inbox.listenerCount).toBe(0);
  });

  it('writes the inbox to the outbox folder from bootstrap until the app closes, when an outbox is configured', async () => {
    const inbox = new InMemoryInbox();
    inbox.append({ id: 'd-1' });
    const app = await startApp({ files: { outbox: { directory: outbox, format: 'json' } } }, inbox);
    await inbox.untilAcknowledged(1);
    expect(inbox.listenerCount).toBe(1);
    await app.close();

    expect(inbox.acknowledgements).toEqual([{ id: 'd-1', by: 'outbox' }]);
    expect(await readdir(outbox)).toEqual(['d-1.json']);
    expect(inbox.listenerCount).toBe(0);
  });

  it('leaves the inbox alone without a webhook or an outbox', async () => {
    const inbox = new InMemoryInbox();
    const app = await startApp({}, inbox);

    expect(inbox.listenerCount).toBe(0);
    await app.close();
  });
});
