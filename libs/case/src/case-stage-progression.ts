import type { CaseStage, MessageType } from '@samenloop/contracts';

/**
 * The stage a case is in after a message, derived from what the hub has seen, never from what the
 * sender claims. The full state machine with forbidden transitions comes with the case-thread work;
 * this is the progression the policy needs: acuut → melding → zsm → afdoening, with actie-overleg
 * for cases without an arrest. A message never moves a case back.
 */
const ORDER: readonly CaseStage[] = [
  'acuut',
  'melding',
  'actie-overleg',
  'strafbare-kindermishandeling',
  'zsm',
  'afdoening',
  'gesloten',
];

const STAGE_REACHED_BY: Record<MessageType, CaseStage | undefined> = {
  'nl.samenloop.acuut-signaal': 'acuut',
  'nl.samenloop.zorgmelding': 'melding',
  'nl.samenloop.actie-overleg-aanmelding': 'actie-overleg',
  'nl.samenloop.verdachtenmonitor-entry': 'zsm',
  'nl.samenloop.afdoeningsbeslissing': 'afdoening',
  // An assessment informs the stage the case is in; it does not move it.
  'nl.samenloop.veiligheidsbeoordeling': undefined,
};

export function stageAfter(current: CaseStage | undefined, messageType: MessageType): CaseStage {
  const reached = STAGE_REACHED_BY[messageType];
  if (current === undefined) return reached ?? 'melding';
  if (reached === undefined) return current;
  return ORDER.indexOf(reached) > ORDER.indexOf(current) ? reached : current;
}
