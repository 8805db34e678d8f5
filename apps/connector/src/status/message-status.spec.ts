import { messageStatus } from './message-status';

const submitted = {
  messageId: 'aae2d619-9061-4b37-aae1-fcd050397005',
  type: 'zorgmelding',
  submittedAt: '2026-11-24T17:02:40.000Z',
};

describe(messageStatus.name, () => {
  it('is ingediend while the hub has not answered', () => {
    expect(messageStatus(submitted, undefined)).toEqual({
      id: submitted.messageId,
      type: 'zorgmelding',
      ingediendOp: submitted.submittedAt,
      status: 'ingediend',
    });
  });

  it('names the recipients of a receipt and those waiting for a usable key', () => {
    const status = messageStatus(submitted, {
      type: 'receipt',
      document: {
        receiptId: '983bbf2b-c4be-491b-96c2-4ae05a7e71c5',
        messageId: submitted.messageId,
        deliveredTo: [
          { recipient: 'VT-ZOB', deliveryId: 'd-1', niveau: 'inhoud', ruleIds: ['zm.vt'] },
          { recipient: 'OM', deliveryId: 'd-2', niveau: 'notificatie', ruleIds: ['zm.om'] },
        ],
        withheldFrom: [{ recipient: 'RVDK', reason: 'geen grondslag' }],
        wachtOpSleutel: [
          { recipient: '3RO', deliveryId: 'd-3', reden: 'sleutel-verlopen', toelichting: '…' },
        ],
      },
    });

    expect(status).toMatchObject({
      status: 'afgeleverd',
      afgeleverdAan: ['VT-ZOB', 'OM'],
      wachtOpSleutel: [{ ontvanger: '3RO', reden: 'sleutel-verlopen' }],
    });
    expect(status).not.toHaveProperty('fouten');
  });

  it('gives a rejection its error lines: code, field path where there is one, and message', () => {
    const status = messageStatus(submitted, {
      type: 'rejection',
      document: {
        rejectionId: '5d0f4a8e-3c1b-4f7a-9e2d-8b6c4a2f1e09',
        messageId: submitted.messageId,
        errors: [
          { code: 'invalid-payload', path: '/data/payload/incident/datum', message: 'not a date' },
          { code: 'invalid-signature', message: 'the signature does not verify' },
        ],
      },
    });

    expect(status).toMatchObject({
      status: 'geweigerd',
      fouten: [
        { code: 'invalid-payload', pad: '/data/payload/incident/datum', melding: 'not a date' },
        { code: 'invalid-signature', melding: 'the signature does not verify' },
      ],
    });
    expect(status.fouten?.[1]).not.toHaveProperty('pad');
  });
});
