import type { MessageType } from '@samenloop/contracts';
import { zsmDeadline } from './zsm-clock';

export type AlarmState = 'pending' | 'raised' | 'settled' | 'lapsed';

/** Sv art. 61: OM must have VT's veiligheidsbeoordeling before the ZSM decision is due. */
export interface ZsmDeadlineAlarm {
  readonly zsmZaakId: string;
  readonly parketnummer?: string;
  readonly arrestedAt: string;
  readonly deadline: string;
  readonly pretrialDetentionAllowed: boolean;
  readonly marginMinutes: number;
  readonly dueAt: string;
  readonly state: AlarmState;
}

/** A domestic-violence case at ZSM whose zorgmelding from POLITIE has not come. */
export interface MissingZorgmeldingAlarm {
  readonly atZsmSince: string;
  readonly waitMinutes: number;
  readonly dueAt: string;
  readonly state: AlarmState;
}

/** A case's timers, kept in its record on the state topic so they survive restarts. */
export interface CaseAlarms {
  readonly zsmTermijn?: ZsmDeadlineAlarm;
  readonly zorgmeldingOntbreekt?: MissingZorgmeldingAlarm;
}
export type AlarmKind = keyof CaseAlarms;

export interface AlarmSettings {
  /** How long before the ZSM deadline OM and VT are alerted when no assessment reached OM. */
  readonly zsmMarginMinutes: number;
  /** How long a domestic-violence case may be at ZSM without POLITIE's zorgmelding. */
  readonly zorgmeldingWaitMinutes: number;
}

/** What an accepted message tells the alarms. */
export interface AlarmInput {
  readonly messageType: MessageType;
  readonly senderKind: string;
  readonly acceptedAt: Date;
  /** The case after the message. */
  readonly stage: string;
  readonly domesticViolence: boolean | undefined;
  readonly zorgmeldingReceived: boolean;
  /** For a verdachtenmonitor entry: the arrest that starts the ZSM clock. */
  readonly arrest?: {
    readonly zsmZaakId: string;
    readonly parketnummer?: string;
    readonly arrestedAt: string;
    readonly pretrialDetentionAllowed: boolean;
  };
  /** Whether the message reached an OM partner with content. */
  readonly reachedOm: boolean;
}

const MINUTE = 60_000;

/** The alarms of a case after a message: armed by an arrest, settled by what they wait for. */
export function alarmsAfter(
  alarms: CaseAlarms,
  input: AlarmInput,
  settings: AlarmSettings,
): CaseAlarms {
  if (input.stage === 'gesloten') return lapse(alarms);
  let { zsmTermijn, zorgmeldingOntbreekt } = alarms;
  if (input.messageType === 'nl.samenloop.verdachtenmonitor-entry' && input.arrest) {
    const { arrest } = input;
    // An update of the same arrest keeps its alarm; a new arrest starts a new clock.
    if (input.domesticViolence === true && zsmTermijn?.zsmZaakId !== arrest.zsmZaakId) {
      const deadline = zsmDeadline(new Date(arrest.arrestedAt), arrest.pretrialDetentionAllowed);
      zsmTermijn = {
        ...arrest,
        deadline: deadline.toISOString(),
        marginMinutes: settings.zsmMarginMinutes,
        dueAt: new Date(deadline.getTime() - settings.zsmMarginMinutes * MINUTE).toISOString(),
        state: 'pending',
      };
    }
    if (input.domesticViolence === true && !input.zorgmeldingReceived && !zorgmeldingOntbreekt) {
      zorgmeldingOntbreekt = {
        atZsmSince: input.acceptedAt.toISOString(),
        waitMinutes: settings.zorgmeldingWaitMinutes,
        dueAt: new Date(
          input.acceptedAt.getTime() + settings.zorgmeldingWaitMinutes * MINUTE,
        ).toISOString(),
        state: 'pending',
      };
    }
  }
  if (
    input.messageType === 'nl.samenloop.veiligheidsbeoordeling' &&
    input.reachedOm &&
    zsmTermijn?.state === 'pending'
  ) {
    zsmTermijn = { ...zsmTermijn, state: 'settled' };
  }
  if (
    input.messageType === 'nl.samenloop.zorgmelding' &&
    input.senderKind === 'POLITIE' &&
    zorgmeldingOntbreekt?.state === 'pending'
  ) {
    zorgmeldingOntbreekt = { ...zorgmeldingOntbreekt, state: 'settled' };
  }
  return definedOnly({ zsmTermijn, zorgmeldingOntbreekt });
}

/** The pending alarms whose time has come. */
export function dueAlarms(alarms: CaseAlarms, now: Date): AlarmKind[] {
  return (Object.keys(alarms) as AlarmKind[]).filter((kind) => {
    const alarm = alarms[kind];
    return alarm?.state === 'pending' && Date.parse(alarm.dueAt) <= now.getTime();
  });
}

export function hasPendingAlarm(alarms: CaseAlarms): boolean {
  return (Object.values(alarms) as { state: AlarmState }[]).some(
    (alarm) => alarm.state === 'pending',
  );
}

export function markRaised(alarms: CaseAlarms, kind: AlarmKind): CaseAlarms {
  const alarm = alarms[kind];
  return alarm ? { ...alarms, [kind]: { ...alarm, state: 'raised' } } : alarms;
}

function lapse(alarms: CaseAlarms): CaseAlarms {
  return Object.fromEntries(
    Object.entries(alarms).map(([kind, alarm]: [string, { state: AlarmState }]) => [
      kind,
      alarm.state === 'pending' ? { ...alarm, state: 'lapsed' } : alarm,
    ]),
  );
}

function definedOnly(alarms: CaseAlarms): CaseAlarms {
  return Object.fromEntries(Object.entries(alarms).filter(([, alarm]) => alarm !== undefined));
}
