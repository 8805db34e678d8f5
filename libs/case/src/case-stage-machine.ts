import type { CaseStage, MessageType } from '@samenloop/contracts';

/** A case the hub does not know yet: the message opens a new thread. */
export const NEW_CASE = 'nieuw';
export type StageBefore = CaseStage | typeof NEW_CASE;

export type StageTransition =
  | { readonly allowed: true; readonly stage: CaseStage }
  | { readonly allowed: false; readonly reason: string };

interface MessageTransitions {
  /** The stage the case is in after the message, per stage before it; a stage not listed is forbidden. */
  readonly to: Partial<Record<StageBefore, CaseStage>>;
  /** When the message is allowed, in words the sender can act on. */
  readonly allowedWhen: string;
}

const OPEN_STAGES: readonly CaseStage[] = [
  'acuut',
  'melding',
  'actie-overleg',
  'strafbare-kindermishandeling',
  'zsm',
  'afdoening',
];
const stays = (stages: readonly CaseStage[]) =>
  Object.fromEntries(stages.map((stage) => [stage, stage])) as Partial<
    Record<StageBefore, CaseStage>
  >;
const moves = (stages: readonly StageBefore[], to: CaseStage) =>
  Object.fromEntries(stages.map((stage) => [stage, to])) as Partial<Record<StageBefore, CaseStage>>;

/**
 * The stage machine of a case thread (DOMAIN.md, "The four coordination moments"), driven only by
 * the messages the hub accepted, never by what a sender claims. The table in libs/case/README.md is
 * checked against this one by a test. Nothing follows gesloten: a new incident is a new case.
 */
export const STAGE_TRANSITIONS: Readonly<Record<MessageType, MessageTransitions>> = {
  // Samen op in Acuut opens a case; in an open case acute danger is shared without moving it back.
  'nl.samenloop.acuut-signaal': {
    to: { [NEW_CASE]: 'acuut', ...stays(OPEN_STAGES) },
    allowedWhen: 'an acuut-signaal opens a case or joins any open one',
  },
  'nl.samenloop.zorgmelding': {
    to: {
      [NEW_CASE]: 'melding',
      acuut: 'melding',
      ...stays(['melding', 'actie-overleg', 'strafbare-kindermishandeling', 'zsm', 'afdoening']),
    },
    allowedWhen: 'a zorgmelding opens a case or joins any open one, however late it comes',
  },
  // For threat without an arrest; after the OM's decision, for structural safety.
  'nl.samenloop.actie-overleg-aanmelding': {
    to: moves([NEW_CASE, 'acuut', 'melding', 'actie-overleg', 'afdoening'], 'actie-overleg'),
    allowedWhen:
      'the actie-overleg takes cases without an arrested suspect: not while the case is at ZSM or in the HSSK alignment; register it after the afdoeningsbeslissing',
  },
  // HSSK: align before the parents are interviewed, which is past once a suspect is at ZSM.
  'nl.samenloop.kindermishandeling-afstemming': {
    to: moves(
      [NEW_CASE, 'acuut', 'melding', 'actie-overleg', 'strafbare-kindermishandeling'],
      'strafbare-kindermishandeling',
    ),
    allowedWhen:
      'HSSK alignment happens before a suspect is arrested; once the case is at ZSM or decided, align at the ZSM table',
  },
  // An arrest, or a new one after the decision (e.g. conditions broken), puts the case at ZSM.
  'nl.samenloop.verdachtenmonitor-entry': {
    to: moves([NEW_CASE, ...OPEN_STAGES], 'zsm'),
    allowedWhen: 'a verdachtenmonitor entry opens a case or joins any open one',
  },
  'nl.samenloop.veiligheidsbeoordeling': {
    to: stays(OPEN_STAGES),
    allowedWhen:
      'a veiligheidsbeoordeling belongs to a case the hub knows: name its zsmZaakId, parketnummer, politieRegistratienummer or vtZaakReferentie in zaakReferenties, or an earlier message in relatesTo',
  },
  'nl.samenloop.afdoeningsbeslissing': {
    to: moves(['actie-overleg', 'strafbare-kindermishandeling', 'zsm', 'afdoening'], 'afdoening'),
    allowedWhen:
      "an afdoeningsbeslissing follows a case that reached the OM (zsm, actie-overleg or strafbare-kindermishandeling): name the case's zsmZaakId or parketnummer, or send the verdachtenmonitor entry first",
  },
  'nl.samenloop.terugkoppeling-aan-melder': {
    to: stays(OPEN_STAGES),
    allowedWhen:
      "feedback to the reporter belongs to a reported case the hub knows: name the case's references or the melding in relatesTo",
  },
  'nl.samenloop.zaakafsluiting': {
    to: moves(OPEN_STAGES, 'gesloten'),
    allowedWhen: 'a zaakafsluiting closes an open case the hub knows',
  },
  'nl.samenloop.zaakfeiten-correctie': {
    to: stays(OPEN_STAGES),
    allowedWhen:
      "a correction belongs to an open case the hub knows: name the case's references or the message it corrects in relatesTo",
  },
  // The hub's own alerts are never submitted (x-samenloop-senders) and move no case.
  'nl.samenloop.zsm-termijn-signalering': { to: {}, allowedWhen: 'only the hub sends alerts' },
  'nl.samenloop.zorgmelding-ontbreekt': { to: {}, allowedWhen: 'only the hub sends alerts' },
  'nl.samenloop.routering-geparkeerd': { to: {}, allowedWhen: 'only the hub sends alerts' },
  'nl.samenloop.koppeling-conflict': { to: {}, allowedWhen: 'only the hub sends alerts' },
  'nl.samenloop.beleid-geweigerd': { to: {}, allowedWhen: 'only the hub sends alerts' },
};

/** The stage a message moves a case to, or why it may not. */
export function transition(before: StageBefore, messageType: MessageType): StageTransition {
  const { to, allowedWhen } = STAGE_TRANSITIONS[messageType];
  const stage = to[before];
  if (stage !== undefined) return { allowed: true, stage };
  const kind = messageType.replace(/^nl\.samenloop\./, '');
  if (before === 'gesloten') {
    return {
      allowed: false,
      reason: `the case is closed (gesloten): nothing more is routed in it. A new incident is a new case: send the ${kind} without references to the closed one`,
    };
  }
  return {
    allowed: false,
    reason: `a ${kind} is not allowed ${before === NEW_CASE ? 'for a case the hub does not know' : `when the case is at stage ${before}`}: ${allowedWhen}`,
  };
}
