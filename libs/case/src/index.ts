export { CaseLedger } from './case-ledger';
export type { AcceptedMessage, CaseFactsKnown, CaseRecord, StateEntry } from './case-ledger';
export { stageAfter } from './case-stage-progression';
export { DUTCH_TIME_ZONE, holdingHours, inDutchTime, zsmDeadline } from './zsm-clock';
