import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorFileAdapters } from '../config/connector-settings';
import { InboxModule } from '../inbox/inbox.module';
import { connectorStandIn } from '../webhook/fixtures/connector-stand-in';
import { InMemoryInbox } from '../webhook/fixtures/in-memory-inbox';
import { OutboxModule } from './outbox.module';

describe(OutboxModule.name, () => {
  async function startApp(files: ConnectorFileAdapters, inbox: InMemoryInbox) {
    const moduleRef = await Test.createTestingModule({ imports: [OutboxModule] })
      .overrideModule(InboxModule)
      .useModule(connectorStandIn({ files }, inbox))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('writes the inbox to the outbox folder from bootstrap until the app closes, when an outbox is configured', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'outbox-module-'));
    try {
      const inbox = new InMemoryInbox();
      inbox.append({ id: 'd-1' });
      const app = await startApp({ outbox: { directory, format: 'json' } }, inbox);
      await inbox.untilAcknowledged(1);
      expect(inbox.listenerCount).toBe(1);
      await app.close();

      expect(inbox.acknowledgements).toEqual([{ id: 'd-1', by: 'outbox' }]);
      expect(await readdir(directory)).toEqual(['d-1.json']);
      expect(inbox.listenerCount).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('leaves the inbox alone without an outbox', async () => {
    const inbox = new InMemoryInbox();
    const app = await startApp({}, inbox);

    expect(inbox.listenerCount).toBe(0);
    await app.close();
  });
});
