export { CaseLedger, factsInThread } from './case-ledger';
export type { AcceptedMessage, CaseRecord, StateEntry } from './case-ledger';
export {
  decisionFacts,
  growFacts,
  newMunicipalities,
  readRetractions,
  readStatedFacts,
  retractFacts,
} from './case-facts';
export type { CaseFact, CaseFacts, DecisionFacts, Retraction, StatedFacts } from './case-facts';
export { NEW_CASE, STAGE_TRANSITIONS, transition } from './case-stage-machine';
export type { StageBefore, StageTransition } from './case-stage-machine';
export { alarmsAfter, dueAlarms, markRaised } from './case-alarms';
export type {
  AlarmInput,
  AlarmKind,
  AlarmSettings,
  CaseAlarms,
  MissingZorgmeldingAlarm,
  ZsmDeadlineAlarm,
} from './case-alarms';
export { DUTCH_TIME_ZONE, holdingHours, inDutchTime, zsmDeadline } from './zsm-clock';
