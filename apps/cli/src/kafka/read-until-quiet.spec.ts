import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { readUntilQuiet } from './read-until-quiet';

/** A consumer that joins its group at once and has nothing to read. */
function quietKafka(): Kafka {
  const events = new EventEmitter();
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join' },
    connect: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    on: (event: string, listener: () => void) => events.on(event, listener),
    run: () => {
      events.emit('consumer.group_join');
      return Promise.resolve();
    },
  };
  return { consumer: () => consumer } as unknown as Kafka;
}

describe(readUntilQuiet.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends after the quiet period and leaves no timer to hold the process open', async () => {
    const read = readUntilQuiet(quietKafka(), {
      topic: 'samenloop.out.vt-zob.v1',
      groupId: 'partner',
      idleMs: 1_000,
      maxMs: 30_000,
      each: () => Promise.resolve(),
    });

    await jest.advanceTimersByTimeAsync(1_000);

    await expect(read).resolves.toBe('quiet');
    expect(jest.getTimerCount()).toBe(0);
  });
});
