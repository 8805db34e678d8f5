import { alarmsAfter, dueAlarms, markRaised, type AlarmInput } from './case-alarms';

const SETTINGS = { zsmMarginMinutes: 120, zorgmeldingWaitMinutes: 60 };
const ARRESTED_AT = '2026-11-23T22:00:00+01:00'; // deadline 16:00 next day (Sv art. 61)

const input = (overrides: Partial<AlarmInput>): AlarmInput => ({
  messageType: 'nl.samenloop.verdachtenmonitor-entry',
  senderKind: 'POLITIE',
  acceptedAt: new Date('2026-11-23T21:30:00Z'),
  stage: 'zsm',
  domesticViolence: true,
  zorgmeldingReceived: false,
  arrest: {
    zsmZaakId: 'ZSM-OB-2026-004211',
    arrestedAt: ARRESTED_AT,
    pretrialDetentionAllowed: true,
  },
  reachedOm: true,
  ...overrides,
});

describe('case alarms', () => {
  it('arms the ZSM alarm the margin before the deadline, and the zorgmelding alarm after the wait', () => {
    const alarms = alarmsAfter({}, input({}), SETTINGS);
    expect(alarms.zsmTermijn).toMatchObject({
      deadline: '2026-11-24T15:00:00.000Z',
      dueAt: '2026-11-24T13:00:00.000Z',
      state: 'pending',
    });
    expect(alarms.zorgmeldingOntbreekt).toMatchObject({
      dueAt: '2026-11-23T22:30:00.000Z',
      state: 'pending',
    });
    expect(dueAlarms(alarms, new Date('2026-11-24T12:59:59Z'))).toEqual(['zorgmeldingOntbreekt']);
    expect(dueAlarms(alarms, new Date('2026-11-24T13:00:00Z'))).toEqual([
      'zsmTermijn',
      'zorgmeldingOntbreekt',
    ]);
  });

  it('arms nothing for a case without domestic violence or with its zorgmelding in', () => {
    expect(alarmsAfter({}, input({ domesticViolence: false }), SETTINGS)).toEqual({});
    expect(
      alarmsAfter({}, input({ zorgmeldingReceived: true }), SETTINGS).zorgmeldingOntbreekt,
    ).toBeUndefined();
  });

  it('is settled by an assessment that reached OM, and only by that', () => {
    const armed = alarmsAfter({}, input({}), SETTINGS);
    const assessment = {
      messageType: 'nl.samenloop.veiligheidsbeoordeling',
      arrest: undefined,
    } as const;
    expect(
      alarmsAfter(armed, input({ ...assessment, reachedOm: false }), SETTINGS).zsmTermijn?.state,
    ).toBe('pending');
    expect(alarmsAfter(armed, input(assessment), SETTINGS).zsmTermijn?.state).toBe('settled');
  });

  it("settles the missing-zorgmelding alarm with POLITIE's zorgmelding", () => {
    const armed = alarmsAfter({}, input({}), SETTINGS);
    const after = alarmsAfter(
      armed,
      input({ messageType: 'nl.samenloop.zorgmelding', arrest: undefined }),
      SETTINGS,
    );
    expect(after.zorgmeldingOntbreekt?.state).toBe('settled');
    expect(dueAlarms(after, new Date('2026-11-24T00:00:00Z'))).toEqual([]);
  });

  it('keeps the alarm of an arrest it already knows and starts a new one for a new arrest', () => {
    const raised = markRaised(alarmsAfter({}, input({}), SETTINGS), 'zsmTermijn');
    expect(alarmsAfter(raised, input({}), SETTINGS).zsmTermijn?.state).toBe('raised');
    const rearrest = alarmsAfter(
      raised,
      input({
        arrest: {
          zsmZaakId: 'ZSM-OB-2026-004999',
          arrestedAt: '2026-11-25T10:00:00+01:00',
          pretrialDetentionAllowed: false,
        },
      }),
      SETTINGS,
    );
    expect(rearrest.zsmTermijn).toMatchObject({
      zsmZaakId: 'ZSM-OB-2026-004999',
      deadline: '2026-11-25T15:00:00.000Z',
      state: 'pending',
    });
  });

  it('lapses pending alarms when the case closes', () => {
    const armed = alarmsAfter({}, input({}), SETTINGS);
    const closed = alarmsAfter(
      armed,
      input({ messageType: 'nl.samenloop.zaakafsluiting', stage: 'gesloten', arrest: undefined }),
      SETTINGS,
    );
    expect([closed.zsmTermijn?.state, closed.zorgmeldingOntbreekt?.state]).toEqual([
      'lapsed',
      'lapsed',
    ]);
    expect(dueAlarms(closed, new Date('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});
