import { describeReceived } from './partner-client';

describe(describeReceived.name, () => {
  it('says who received a message and who waits for a usable key', () => {
    const line = describeReceived({
      type: 'receipt',
      document: {
        messageId: 'm-1',
        deliveredTo: [{ recipient: 'OM' }],
        withheldFrom: [],
        wachtOpSleutel: [{ recipient: 'VT-ZOB', reden: 'sleutel-verlopen' }],
      },
    });

    expect(line).toBe(
      'receipt   m-1: delivered to OM; waiting for a usable key: VT-ZOB (sleutel-verlopen)',
    );
  });

  it('says so when no one received it and no one waits', () => {
    expect(
      describeReceived({
        type: 'receipt',
        document: { messageId: 'm-2', deliveredTo: [], withheldFrom: [] },
      }),
    ).toBe('receipt   m-2: delivered to no one');
  });
});
