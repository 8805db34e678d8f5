import { CaseLedger, type AcceptedMessage } from './case-ledger';

const entry = (overrides: Partial<AcceptedMessage>): AcceptedMessage => ({
  messageId: 'm-1',
  messageType: 'nl.samenloop.zorgmelding',
  sender: 'POLITIE-OB',
  stage: 'melding',
  references: ['politieRegistratienummer:PL2100-2026112345'],
  relatesTo: [],
  facts: { domesticViolence: true, gemeentecodes: ['GM0772'] },
  ...overrides,
});

describe(CaseLedger.name, () => {
  it('threads messages that share a case reference or refer to an earlier message', () => {
    const ledger = new CaseLedger();
    const first = ledger.accept(
      entry({ messageType: 'nl.samenloop.acuut-signaal', stage: 'acuut' }),
    );
    const second = ledger.accept(
      entry({
        messageId: 'm-2',
        messageType: 'nl.samenloop.verdachtenmonitor-entry',
        stage: 'zsm',
        references: ['zsmZaakId:ZSM-OB-2026-004211'],
        relatesTo: ['m-1'],
      }),
    );
    const third = ledger.accept(
      entry({ messageId: 'm-3', stage: 'zsm', references: ['zsmZaakId:ZSM-OB-2026-004211'] }),
    );

    expect(second.caseKey).toBe(first.caseKey);
    expect(third.caseKey).toBe(first.caseKey);
    expect([first.stage, second.stage, third.stage]).toEqual(['acuut', 'zsm', 'zsm']);
    expect(third.references).toEqual([
      'politieRegistratienummer:PL2100-2026112345',
      'zsmZaakId:ZSM-OB-2026-004211',
    ]);
  });

  it('keeps staged changes out of the committed state until commit, and drops them on abort', () => {
    const ledger = new CaseLedger();
    ledger.accept(entry({}));
    expect(ledger.caseOfMessage('m-1')).toBeDefined();
    ledger.abort();
    expect(ledger.caseOfMessage('m-1')).toBeUndefined();

    const accepted = ledger.accept(entry({}));
    ledger.commit();
    expect(ledger.caseOfMessage('m-1')).toBe(accepted.caseKey);
    expect(ledger.pendingEntries).toEqual([]);
  });

  it('rolls back to a savepoint without losing what was staged before it', () => {
    const ledger = new CaseLedger();
    ledger.accept(entry({}));
    const rollback = ledger.savepoint();
    ledger.accept(entry({ messageId: 'm-2' }));
    rollback();

    expect(ledger.caseOfMessage('m-1')).toBeDefined();
    expect(ledger.caseOfMessage('m-2')).toBeUndefined();
  });

  it('is rebuilt from its state entries after a restart', () => {
    const before = new CaseLedger();
    const accepted = before.accept(entry({ facts: { minorsInvolved: true } }));
    before.recordDeliveries(accepted.caseKey, [{ recipient: 'VT-ZOB', deliveryId: 'd-1' }]);
    before.updateAlarms(accepted.caseKey, () => ({
      zorgmeldingOntbreekt: {
        atZsmSince: '2026-11-23T09:00:00.000Z',
        waitMinutes: 60,
        dueAt: '2026-11-23T10:00:00.000Z',
        state: 'pending',
      },
    }));
    const written = before.pendingEntries;
    before.commit();

    const after = new CaseLedger();
    after.restore(written);

    expect(after.caseOfMessage('m-1')).toBe(accepted.caseKey);
    expect(after.caseRecord(accepted.caseKey)).toEqual({ ...before.caseRecord(accepted.caseKey) });
    expect(after.caseRecord(accepted.caseKey)?.deliveries).toEqual({ 'VT-ZOB': ['d-1'] });
    expect([...after.casesWithPendingAlarms()].map((record) => record.caseKey)).toEqual([
      accepted.caseKey,
    ]);
  });

  it('remembers the messages whose part for VT is held, through a restart, until each is released', () => {
    const before = new CaseLedger();
    const accepted = before.accept(entry({ facts: {} }));
    before.holdForVt(accepted.caseKey, 'm-1', 'digest-1');
    before.holdForVt(accepted.caseKey, 'm-2', 'digest-2');
    before.commit();
    before.releaseForVt(accepted.caseKey, 'm-1');
    const written = before.pendingEntries;
    before.commit();

    const after = new CaseLedger();
    after.restore(written);

    expect(after.caseRecord(accepted.caseKey)?.heldForVt).toEqual({ 'm-2': 'digest-2' });
  });

  it('forgets on a restore what the topic no longer holds: a takeover starts from the topic alone', () => {
    const threadOf = (caseKey: string) => ({
      key: `case:${caseKey}`,
      value: JSON.stringify({
        caseKey,
        stage: 'melding',
        references: [],
        facts: {},
        deliveries: {},
      }),
    });
    const ledger = new CaseLedger();
    ledger.restore([threadOf('case-0000-gone')]);
    ledger.restore([threadOf('case-0000-kept')]);

    expect(ledger.caseRecord('case-0000-gone')).toBeUndefined();
    expect(ledger.caseRecord('case-0000-kept')).toBeDefined();
    expect(ledger.size).toBe(1);
  });

  it('reads case records written before melders, received types, alarms and held parts existed', () => {
    const ledger = new CaseLedger();
    ledger.restore([
      {
        key: 'case:case-0000-old',
        value: JSON.stringify({
          caseKey: 'case-0000-old',
          stage: 'melding',
          references: [],
          facts: {},
          deliveries: {},
        }),
      },
    ]);
    expect(ledger.caseRecord('case-0000-old')).toMatchObject({
      received: [],
      melders: [],
      alarms: {},
      heldForVt: {},
    });
  });

  it('remembers who reported the case and which message types it received', () => {
    const ledger = new CaseLedger();
    ledger.accept(entry({}));
    const later = ledger.accept(
      entry({
        messageId: 'm-2',
        messageType: 'nl.samenloop.veiligheidsbeoordeling',
        sender: 'VT-ZOB',
      }),
    );
    expect(later.melders).toEqual(['POLITIE-OB']);
    expect(later.received).toEqual([
      'nl.samenloop.zorgmelding',
      'nl.samenloop.veiligheidsbeoordeling',
    ]);
  });

  it('remembers facts from earlier messages when a later one does not state them', () => {
    const ledger = new CaseLedger();
    ledger.accept(entry({ facts: { domesticViolence: true, gemeentecodes: ['GM0772'] } }));
    const later = ledger.accept(
      entry({
        messageId: 'm-2',
        messageType: 'nl.samenloop.afdoeningsbeslissing',
        stage: 'afdoening',
        facts: { minorsInvolved: false },
      }),
    );

    expect(later.facts).toEqual({
      domesticViolence: true,
      gemeentecodes: ['GM0772'],
      minorsInvolved: false,
    });
    expect(later.stage).toBe('afdoening');
  });

  it('never lets a later message shrink the facts of a thread; only a correction retracts one', () => {
    const ledger = new CaseLedger();
    ledger.accept(
      entry({ facts: { domesticViolence: true, minorsInvolved: true, gemeentecodes: ['GM0772'] } }),
    );
    const later = ledger.accept(
      entry({
        messageId: 'm-2',
        messageType: 'nl.samenloop.verdachtenmonitor-entry',
        stage: 'zsm',
        facts: { domesticViolence: false, minorsInvolved: false, gemeentecodes: ['GM0828'] },
      }),
    );
    expect(later.facts).toEqual({
      domesticViolence: true,
      minorsInvolved: true,
      gemeentecodes: ['GM0772', 'GM0828'],
    });

    const corrected = ledger.accept(
      entry({
        messageId: 'm-3',
        messageType: 'nl.samenloop.zaakfeiten-correctie',
        stage: 'zsm',
        facts: {},
        retractions: [
          { fact: 'minorsInvolved' },
          { fact: 'gemeentecodes', gemeentecode: 'GM0828' },
        ],
      }),
    );
    expect(corrected.facts).toEqual({ domesticViolence: true, gemeentecodes: ['GM0772'] });
    expect(corrected.participants).toEqual(['POLITIE-OB']);
  });

  it('reads a thread written when it held one municipality as a set of one', () => {
    const ledger = new CaseLedger();
    ledger.restore([
      {
        key: 'case:case-0000aaaa',
        value: JSON.stringify({
          caseKey: 'case-0000aaaa',
          stage: 'melding',
          references: [],
          facts: { domesticViolence: true, gemeentecode: 'GM0772' },
          deliveries: {},
        }),
      },
    ]);
    expect(ledger.caseRecord('case-0000aaaa')?.facts).toEqual({
      domesticViolence: true,
      gemeentecodes: ['GM0772'],
    });
  });

  it('flags a message that links two separate threads, joins the first and merges nothing', () => {
    const ledger = new CaseLedger();
    const police = ledger.accept(
      entry({ messageId: 'm-1', references: ['politieRegistratienummer:PL2100-2026000001'] }),
    );
    const zsm = ledger.accept(
      entry({
        messageId: 'm-2',
        messageType: 'nl.samenloop.verdachtenmonitor-entry',
        stage: 'zsm',
        references: ['zsmZaakId:ZSM-OB-2026-000002'],
      }),
    );
    expect(zsm.caseKey).not.toBe(police.caseKey);

    const linking = ledger.accept(
      entry({
        messageId: 'm-3',
        references: ['politieRegistratienummer:PL2100-2026000001', 'zsmZaakId:ZSM-OB-2026-000002'],
      }),
    );

    expect(linking.caseKey).toBe(police.caseKey);
    expect(linking.conflictingCaseKeys).toEqual([zsm.caseKey]);
    expect(linking.references).toEqual(['politieRegistratienummer:PL2100-2026000001']);
    expect(
      ledger.matchingCases(['zsmZaakId:ZSM-OB-2026-000002'], []).map((record) => record.caseKey),
    ).toEqual([zsm.caseKey]);
  });
});

describe('a case reference in the ledger', () => {
  it('is stored and looked up by its reference key, so the state names no registration number', () => {
    const ledger = new CaseLedger({ referenceKey: (reference) => `p(${reference.length})` });
    const first = ledger.accept(entry({}));
    const written = ledger.pendingEntries;

    expect(written.map((stateEntry) => stateEntry.key)).toContain('ref:p(42)');
    expect(written.some((stateEntry) => stateEntry.key.includes('PL2100'))).toBe(false);
    const restored = new CaseLedger({ referenceKey: (reference) => `p(${reference.length})` });
    restored.restore(written);
    expect(restored.matchingCases(['politieRegistratienummer:PL2100-2026112345'], [])).toEqual([
      expect.objectContaining({ caseKey: first.caseKey }),
    ]);
    expect(restored.matchingCases(['zsmZaakId:ZSM-OB-2026-004211'], [])).toEqual([]);
  });
});

describe('a closed case', () => {
  const closedCase = (ledger: CaseLedger, closedAt: Date) => {
    const accepted = ledger.accept(entry({}));
    ledger.accept(entry({ messageId: 'm-2', stage: 'gesloten' }));
    ledger.close(accepted.caseKey, closedAt);
    ledger.commit();
    return accepted.caseKey;
  };

  it('is forgotten once its retention has passed: record, references and message ids are tombstoned', () => {
    const ledger = new CaseLedger();
    const written: { key: string; value: string | null }[] = [];
    const accepted = ledger.accept(entry({}));
    ledger.accept(entry({ messageId: 'm-2', stage: 'gesloten' }));
    ledger.close(accepted.caseKey, new Date('2026-11-01T10:00:00Z'));
    written.push(...ledger.pendingEntries);
    ledger.commit();

    expect(ledger.forgetClosedBefore(new Date('2026-11-01T09:00:00Z'))).toEqual([]);
    expect(ledger.forgetClosedBefore(new Date('2026-12-01T10:00:00Z'))).toEqual([accepted.caseKey]);
    const tombstones = ledger.pendingEntries;
    written.push(...tombstones);
    ledger.commit();

    expect(tombstones).toEqual(
      expect.arrayContaining([
        { key: `case:${accepted.caseKey}`, value: null },
        { key: 'ref:politieRegistratienummer:PL2100-2026112345', value: null },
        { key: 'msg:m-1', value: null },
        { key: 'msg:m-2', value: null },
      ]),
    );
    expect(tombstones).toHaveLength(4);
    expect(ledger.caseRecord(accepted.caseKey)).toBeUndefined();
    expect(ledger.caseOfMessage('m-1')).toBeUndefined();
    expect(ledger.size).toBe(0);
    // Read back from the topic in order, the tombstones leave nothing either.
    const restored = new CaseLedger();
    restored.restore(written);
    expect(restored.size).toBe(0);
    expect(restored.matchingCases(['politieRegistratienummer:PL2100-2026112345'], [])).toEqual([]);
    // The same reference now opens a new case.
    expect(ledger.accept(entry({ messageId: 'm-3' })).caseKey).not.toBe(accepted.caseKey);
  });

  it('is closed once: the retention runs from the first close', () => {
    const ledger = new CaseLedger();
    const caseKey = closedCase(ledger, new Date('2026-11-01T10:00:00Z'));
    ledger.close(caseKey, new Date('2026-11-20T10:00:00Z'));
    ledger.commit();

    expect(ledger.caseRecord(caseKey)?.closedAt).toBe('2026-11-01T10:00:00.000Z');
    expect(ledger.forgetClosedBefore(new Date('2026-11-02T10:00:00Z'))).toEqual([caseKey]);
  });

  it('is not forgotten when the transaction that forgot it aborts, nor while an open case stays', () => {
    const ledger = new CaseLedger();
    const caseKey = closedCase(ledger, new Date('2026-11-01T10:00:00Z'));
    const open = ledger.accept(entry({ messageId: 'm-9', references: ['zsmZaakId:ZSM-1'] }));
    ledger.commit();

    expect(ledger.forgetClosedBefore(new Date('2027-01-01T00:00:00Z'))).toEqual([caseKey]);
    // Staged as forgotten: not looked up any more, and not forgotten twice.
    expect(ledger.caseOfMessage('m-1')).toBeUndefined();
    expect(ledger.forgetClosedBefore(new Date('2027-01-01T00:00:00Z'))).toEqual([]);
    ledger.abort();

    expect(ledger.caseOfMessage('m-1')).toBe(caseKey);
    expect(ledger.caseRecord(open.caseKey)).toBeDefined();
    expect(ledger.forgetClosedBefore(new Date('2027-01-01T00:00:00Z'))).toEqual([caseKey]);
  });
});
