import { WaitingDeliveries, type WaitingDelivery } from './waiting-deliveries';

const TOPIC = 'samenloop.state.waiting-deliveries.v1';

function waitingFor(recipient: string, deliveryId: string): WaitingDelivery {
  return {
    deliveryId,
    recipient,
    messageId: `message-of-${deliveryId}`,
    since: '2026-12-02T10:00:00.000Z',
    reason: 'sleutel-verlopen',
    sealed: Buffer.from(`sealed ${deliveryId}`),
  };
}

describe(WaitingDeliveries.name, () => {
  it('stages a waiting delivery as a state record with ids in its headers, and keeps it once committed', () => {
    const waiting = new WaitingDeliveries(TOPIC);

    waiting.hold(waitingFor('VT-ZOB', 'd1'));

    expect(waiting.pendingRecords).toEqual([
      {
        topic: TOPIC,
        key: 'd1',
        value: Buffer.from('sealed d1'),
        headers: {
          'samenloop.waiting.recipient': 'VT-ZOB',
          'samenloop.waiting.message.id': 'message-of-d1',
          'samenloop.waiting.since': '2026-12-02T10:00:00.000Z',
          'samenloop.waiting.reason': 'sleutel-verlopen',
        },
      },
    ]);
    waiting.committed();
    expect(waiting.pendingRecords).toEqual([]);
    expect(waiting.waitingFor('VT-ZOB').map((delivery) => delivery.deliveryId)).toEqual(['d1']);
  });

  it('forgets what an aborted chunk staged', () => {
    const waiting = new WaitingDeliveries(TOPIC);
    waiting.hold(waitingFor('VT-ZOB', 'd1'));

    waiting.aborted();

    expect(waiting.recipients()).toEqual([]);
    expect(waiting.size).toBe(0);
  });

  it('undoes only what was staged after a savepoint', () => {
    const waiting = new WaitingDeliveries(TOPIC);
    waiting.hold(waitingFor('VT-ZOB', 'd1'));
    const undo = waiting.savepoint();
    waiting.hold(waitingFor('OM', 'd2'));

    undo();

    expect(waiting.recipients()).toEqual(['VT-ZOB']);
  });

  it('writes a tombstone for a released delivery, and no longer lists it', () => {
    const waiting = new WaitingDeliveries(TOPIC);
    waiting.hold(waitingFor('VT-ZOB', 'd1'));
    waiting.hold(waitingFor('VT-ZOB', 'd2'));
    waiting.committed();

    waiting.released('d1');

    expect(waiting.pendingRecords).toEqual([{ topic: TOPIC, key: 'd1', value: null }]);
    expect(waiting.waitingFor('VT-ZOB').map((delivery) => delivery.deliveryId)).toEqual(['d2']);
  });

  it('restores from the state topic in order, tombstones removing what was released', () => {
    const waiting = new WaitingDeliveries(TOPIC);
    const writer = new WaitingDeliveries(TOPIC);
    writer.hold(waitingFor('VT-ZOB', 'd1'));
    writer.hold(waitingFor('VT-ZOB', 'd2'));
    writer.hold(waitingFor('OM', 'd3'));
    const held = writer.pendingRecords;

    waiting.restore([
      ...held.map((record) => ({
        key: record.key as string,
        value: record.value as Buffer,
        headers: record.headers ?? {},
      })),
      { key: 'd2', value: null, headers: {} },
    ]);

    expect(waiting.size).toBe(2);
    expect(waiting.waitingFor('VT-ZOB')).toEqual([waitingFor('VT-ZOB', 'd1')]);
    expect(waiting.waitingFor('OM')).toEqual([waitingFor('OM', 'd3')]);
  });

  it('replaces what it held on a restore: a takeover starts from the topic alone', () => {
    const writer = new WaitingDeliveries(TOPIC);
    writer.hold(waitingFor('VT-ZOB', 'd1'));
    writer.hold(waitingFor('OM', 'd2'));
    const [first, second] = writer.pendingRecords.map((record) => ({
      key: record.key as string,
      value: record.value as Buffer,
      headers: record.headers ?? {},
    }));
    const waiting = new WaitingDeliveries(TOPIC);
    waiting.restore([first!]);
    waiting.restore([second!]);

    expect(waiting.recipients()).toEqual(['OM']);
  });
});
