import { bsnIdentity, personIdentity, type DataSubject } from '@samenloop/audit';
import {
  formatDeliveries,
  InvalidAccessQueryError,
  soughtSubjects,
  subjectQuery,
  SubjectDeliveries,
} from './who-received';

const BSN = '999990019';
const fakePseudonyms = { of: (domain: string, value: string) => `${domain}(${value})` };

describe(subjectQuery.name, () => {
  it('takes a BSN, a name with birth date, or both, with a purpose', () => {
    expect(subjectQuery({ bsn: BSN, purpose: 'AVG-2026-0042' })).toEqual({
      identities: [bsnIdentity(BSN)],
      purpose: 'AVG-2026-0042',
    });
    expect(
      subjectQuery({
        bsn: BSN,
        name: 'Mila Hoogstraten',
        birthdate: '2019-05-30',
        purpose: ' AVG-2026-0042 ',
      }),
    ).toEqual({
      identities: [bsnIdentity(BSN), personIdentity('Mila Hoogstraten', '2019-05-30')],
      purpose: 'AVG-2026-0042',
    });
  });

  it.each([
    [{ bsn: '999990018', purpose: 'AVG-1' }, /--bsn must be a BSN/],
    [{ bsn: BSN }, /--purpose is required/],
    [{ bsn: BSN, purpose: '   ' }, /--purpose is required/],
    [{ name: 'Mila Hoogstraten', purpose: 'AVG-1' }, /--name and --birthdate go together/],
    [{ birthdate: '2019-05-30', purpose: 'AVG-1' }, /--name and --birthdate go together/],
    [{ name: 'Mila', birthdate: '30-05-2019', purpose: 'AVG-1' }, /--birthdate must be a date/],
    [{ name: 'Mila', birthdate: '2019-02-30', purpose: 'AVG-1' }, /--birthdate must be a date/],
    [{ purpose: 'AVG-1' }, /name the data subject/],
  ])('refuses %j', (options, message) => {
    expect(() => subjectQuery(options)).toThrow(InvalidAccessQueryError);
    expect(() => subjectQuery(options)).toThrow(message);
  });

  it.each([
    'verzoek van 999990019',
    'verzoek van 9999.90.019',
    'verzoek van 9999 90 019',
    'verzoek over mila hoogstraten',
    'verzoek van mw. Hoogstraten',
    'verzoek, geboren 2019-05-30',
  ])('refuses a purpose that names the person, as in "%s": the purpose is kept', (purpose) => {
    expect(() =>
      subjectQuery({ bsn: BSN, name: 'Mila Hoogstraten', birthdate: '2019-05-30', purpose }),
    ).toThrow(/--purpose must not contain the BSN, name or birth date/);
  });

  it('accepts a purpose that only shares short words with the name', () => {
    expect(
      subjectQuery({
        name: 'Eva van Dijk',
        birthdate: '2018-01-02',
        purpose: 'verzoek van de ouder, AVG-2026-7',
      }).purpose,
    ).toBe('verzoek van de ouder, AVG-2026-7');
  });
});

describe(SubjectDeliveries.name, () => {
  const sought = soughtSubjects(
    {
      identities: [bsnIdentity(BSN), personIdentity('Mila Hoogstraten', '2019-05-30')],
      purpose: 'AVG-1',
    },
    fakePseudonyms,
  );
  const [byBsn, byPerson] = sought as [DataSubject, DataSubject];
  const other: DataSubject = { by: 'bsn', pseudonym: 'bsn(999990020)' };

  const decision = (
    deliveryId: string | null,
    dataSubjects: readonly DataSubject[] | undefined,
    more: Record<string, unknown> = {},
  ) =>
    JSON.stringify({
      kind: 'decision',
      auditId: `a-${deliveryId}`,
      messageId: 'm-1',
      messageType: 'nl.samenloop.zorgmelding',
      caseKey: 'case-1',
      stage: 'melding',
      sender: 'POLITIE-OB',
      recipient: 'VT-ZOB',
      level: deliveryId ? 'inhoud' : 'geen',
      deliveryId,
      ruleIds: ['zm.vt.inhoud'],
      deliveredFields: ['/betrokkenen'],
      withheldFields: [],
      deliveredReferences: [],
      withheldReferences: [],
      purposes: ['Start van het onderzoek'],
      legalBases: [{ label: 'Wpg art. 19', reference: 'Wet politiegegevens, artikel 19' }],
      reason: null,
      ...(dataSubjects ? { dataSubjects } : {}),
      policyVersion: 'v1',
      decidedAt: '2026-12-02T10:00:00.000Z',
      ...more,
    });

  it('lists the deliveries whose decision names a sought subject, and which one', () => {
    const found = new SubjectDeliveries(sought);
    found.add(decision('d-1', [byBsn, other]));
    found.add(decision('d-2', [other]));
    found.add(decision('d-3', [byPerson], { decidedAt: '2026-12-02T09:00:00.000Z' }));
    found.add(decision(null, []));
    found.add(decision('d-4', undefined));
    found.add(JSON.stringify({ kind: 'rejection', messageId: 'm-9' }));
    found.add('not json');

    expect(found.deliveries()).toEqual([
      expect.objectContaining({ deliveryId: 'd-3', matchedBy: ['person'], status: 'delivered' }),
      expect.objectContaining({
        deliveryId: 'd-1',
        matchedBy: ['bsn'],
        deliveredAt: '2026-12-02T10:00:00.000Z',
        recipient: 'VT-ZOB',
        messageType: 'nl.samenloop.zorgmelding',
        messageId: 'm-1',
        deliveredFields: ['/betrokkenen'],
        ruleIds: ['zm.vt.inhoud'],
        purposes: ['Start van het onderzoek'],
        legalBases: [{ label: 'Wpg art. 19', reference: 'Wet politiegegevens, artikel 19' }],
        policyVersion: 'v1',
      }),
    ]);
    expect(found.countFor(byBsn)).toBe(1);
    expect(found.countFor(byPerson)).toBe(1);
  });

  it('dates a delivery that waited for a key from its release, and marks one still waiting', () => {
    const found = new SubjectDeliveries(sought);
    found.add(decision('d-1', [byBsn]));
    found.add(decision('d-2', [byBsn]));
    found.add(JSON.stringify({ kind: 'delivery-waiting', messageId: 'm-1', deliveryId: 'd-1' }));
    found.add(JSON.stringify({ kind: 'delivery-waiting', messageId: 'm-1', deliveryId: 'd-2' }));
    found.add(
      JSON.stringify({
        kind: 'delivery-released',
        messageId: 'm-1',
        deliveryId: 'd-1',
        releasedAt: '2026-12-03T08:00:00.000Z',
        dataSubjects: [byBsn],
      }),
    );

    expect(found.deliveries()).toEqual([
      expect.objectContaining({
        deliveryId: 'd-1',
        status: 'released',
        deliveredAt: '2026-12-03T08:00:00.000Z',
      }),
      expect.objectContaining({ deliveryId: 'd-2', status: 'waiting', deliveredAt: null }),
    ]);
  });

  it('formats one block per delivery with paths, rules, purposes and legal bases', () => {
    const found = new SubjectDeliveries(sought);
    found.add(decision('d-1', [byBsn]));
    found.add(
      decision('d-2', [byBsn], {
        recipient: 'RVDK',
        level: 'notificatie',
        deliveredFields: [],
        decidedAt: '2026-12-02T11:00:00.000Z',
      }),
    );

    const text = formatDeliveries(found.deliveries());

    expect(text).toContain(
      '2026-12-02T10:00:00.000Z  VT-ZOB  inhoud       zorgmelding   m-1         d-1',
    );
    expect(text).toContain('paths:        /betrokkenen');
    expect(text).toContain('(notification: that the message exists, no content)');
    expect(text).toContain('rules:        zm.vt.inhoud (policy v1)');
    expect(text).toContain('legal basis:  Wpg art. 19');
    expect(text).toMatch(/2 deliveries\n$/);
    expect(formatDeliveries([])).toBe('no deliveries of data about this person in the audit\n');
  });
});
