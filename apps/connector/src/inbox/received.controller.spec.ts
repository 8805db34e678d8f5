import { BadRequestException, NotFoundException } from '@nestjs/common';
import { Inbox, type Acknowledgement, type InboxEntry } from './inbox';
import { ReceivedController } from './received.controller';

/** An inbox of three entries at offsets 10, 11 and 12; the first is acknowledged. */
class ThreeEntries extends Inbox {
  readonly asked: { cursor: string | undefined; limit: number }[] = [];
  private readonly entries: InboxEntry[] = ['10', '11', '12'].map((cursor, index) => ({
    id: `00000000-0000-4000-8000-00000000000${index}`,
    type: 'delivery',
    cursor,
    acknowledged: index === 0,
    document: { deliveryId: `00000000-0000-4000-8000-00000000000${index}` },
  }));

  after(cursor: string | undefined, limit: number) {
    this.asked.push({ cursor, limit });
    const entries = this.entries.filter((e) => cursor === undefined || e.cursor > cursor);
    const page = entries.slice(0, limit);
    return Promise.resolve({ entries: page, next: page.at(-1)?.cursor ?? cursor });
  }

  acknowledge(id: string): Promise<Acknowledgement> {
    const entry = this.entries.find((e) => e.id === id);
    return Promise.resolve(
      !entry ? 'unknown' : entry.acknowledged ? 'already-acknowledged' : 'acknowledged',
    );
  }

  onAppended(): () => void {
    return () => undefined;
  }
}

describe(ReceivedController.name, () => {
  let inbox: ThreeEntries;
  let controller: ReceivedController;

  beforeEach(() => {
    inbox = new ThreeEntries();
    controller = new ReceivedController(inbox);
  });

  it('pages from the start, 20 at a time unless asked otherwise, each item with its cursor', async () => {
    const page = await controller.list();

    expect(inbox.asked).toEqual([{ cursor: undefined, limit: 20 }]);
    expect(page.items.map(({ cursor, bevestigd }) => ({ cursor, bevestigd }))).toEqual([
      { cursor: '10', bevestigd: true },
      { cursor: '11', bevestigd: false },
      { cursor: '12', bevestigd: false },
    ]);
    expect(page.volgende).toBe('12');
  });

  it('goes on after the cursor it is given, and hands the same cursor back when nothing is new', async () => {
    expect((await controller.list('10', '1')).items.map((item) => item.cursor)).toEqual(['11']);
    expect(await controller.list('12')).toEqual({ items: [], volgende: '12' });
  });

  it.each([
    ['na', 'abc', undefined],
    ['na', '-1', undefined],
    ['limiet', undefined, '0'],
    ['limiet', undefined, '101'],
    ['limiet', undefined, '2.5'],
    ['limiet', undefined, 'tien'],
  ])('refuses a bad %s (%p, %p) without asking the inbox', async (_name, na, limiet) => {
    await expect(controller.list(na, limiet)).rejects.toThrow(BadRequestException);
    expect(inbox.asked).toEqual([]);
  });

  it('acknowledges a document, says so when it was acknowledged before, and does not know a stranger', async () => {
    await expect(controller.acknowledge('00000000-0000-4000-8000-000000000001')).resolves.toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      bevestigd: true,
      eerder: false,
    });
    await expect(controller.acknowledge('00000000-0000-4000-8000-000000000000')).resolves.toEqual(
      expect.objectContaining({ eerder: true }),
    );
    await expect(controller.acknowledge('00000000-0000-4000-8000-000000000009')).rejects.toThrow(
      NotFoundException,
    );
  });
});
