import { ContractValidator, dataschemaOf } from '@samenloop/contracts';
import { problemErrorOf, submissionEvent } from './submission-event';

const context = {
  id: '0b6f3f43-2f9c-4d4a-9c55-8d4f4b0f2a10',
  source: 'urn:nld:oin:00000099000000001001',
  time: '2026-12-03T09:00:00.000Z',
  traceparent: '00-e0e513c669e2470a268ceda183db1f08-b4357ef800f37e9e-01',
};

describe(submissionEvent.name, () => {
  it("wraps the body in the partner's CloudEvent with the type's current schema version", () => {
    const event = submissionEvent(
      {
        type: 'zorgmelding',
        occurredAt: '2026-11-23T21:50:00+01:00',
        zaakReferenties: { politieRegistratienummer: 'PL2100-2026114471' },
        payload: { melder: {} },
      },
      context,
    );

    expect(event).toEqual({
      specversion: '1.0',
      ...context,
      type: 'nl.samenloop.zorgmelding',
      dataschema: dataschemaOf('zorgmelding'),
      datacontenttype: 'application/json',
      data: {
        occurredAt: '2026-11-23T21:50:00+01:00',
        zaakReferenties: { politieRegistratienummer: 'PL2100-2026114471' },
        payload: { melder: {} },
      },
    });
  });

  it('leaves out what the body lacks, so the validator names it as `samenloop validate` would', () => {
    const validation = new ContractValidator().validateSubmissionJson(
      JSON.stringify(submissionEvent({ type: 'zorgmelding', payload: {} }, context)),
    );

    expect(validation.ok).toBe(false);
    expect(
      !validation.ok && validation.errors.map((error) => problemErrorOf(error).pointer),
    ).toEqual(['/occurredAt', '/zaakReferenties']);
  });

  it('lets the validator name an unknown type and list the known ones', () => {
    const body = {
      type: 'klacht',
      occurredAt: context.time,
      zaakReferenties: { politieRegistratienummer: 'PL2100-2026114471' },
      payload: {},
    };
    const validation = new ContractValidator().validateSubmissionJson(
      JSON.stringify(submissionEvent(body, context)),
    );

    expect(!validation.ok && validation.errors.map(problemErrorOf)).toEqual([
      {
        code: 'unknown-type',
        pointer: '/type',
        detail: expect.stringMatching(
          /^envelope \/type: is not a known message type; known types: .*nl\.samenloop\.zorgmelding/,
        ) as unknown,
      },
    ]);
  });
});

describe(problemErrorOf.name, () => {
  it.each([
    [
      { code: 'invalid-payload', schema: 'zorgmelding', path: '/incident/datum' },
      '/payload/incident/datum',
    ],
    [{ code: 'invalid-payload', schema: 'zorgmelding', path: '/' }, '/payload'],
    [
      { code: 'invalid-envelope', schema: 'envelope', path: '/data/zaakReferenties' },
      '/zaakReferenties',
    ],
    [{ code: 'unknown-type', schema: 'envelope', path: '/type' }, '/type'],
    [{ code: 'unsupported-version', schema: 'envelope', path: '/dataschema' }, '/type'],
    [{ code: 'invalid-envelope', schema: 'envelope', path: '/traceparent' }, undefined],
  ] as const)('points %o at %s in the request body', (error, pointer) => {
    const problemError = problemErrorOf({ ...error, message: 'is wrong' });

    expect(problemError).toEqual({
      code: error.code,
      detail: `${error.schema} ${error.path}: is wrong`,
      ...(pointer !== undefined && { pointer }),
    });
  });
});
