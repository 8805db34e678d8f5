import {
  factsInThread,
  newMunicipalities,
  NEW_CASE,
  readRetractions,
  readStatedFacts,
  transition,
  type CaseLedger,
  type CaseRecord,
  type DecisionFacts,
  type Retraction,
} from '@samenloop/case';
import type { CaseStage, MessagePayloads, MessageType } from '@samenloop/contracts';
import type { Partner, PartnerRegistry } from '@samenloop/partners';
import type { Policy, RecipientDecision } from './policy';

/** A message as its case thread sees it: who sent what, and which case it names. */
export interface CaseMessage {
  readonly id: string;
  readonly type: MessageType;
  readonly payload: Record<string, unknown>;
  readonly sender: Partner;
  readonly zaakReferenties: Readonly<Record<string, string>>;
  readonly relatesTo: readonly string[];
}

export type ParkingReason = 'gemeente-ontbreekt' | 'gemeente-onbekend';

export type CaseDecision =
  | {
      readonly outcome: 'rejected';
      readonly code: 'invalid-stage-transition' | 'sender-not-allowed';
      readonly reason: string;
    }
  | DecidedInCase;

/** A message the case takes: parked until a VT can be determined for it, or routed. */
export interface DecidedInCase {
  readonly outcome: 'parked' | 'routed';
  /** Why it is parked: no VT can be determined for it. */
  readonly parking: ParkingReason | undefined;
  /** The thread the message joins, if the hub knows it. */
  readonly existing: CaseRecord | undefined;
  readonly stage: CaseStage;
  readonly facts: DecisionFacts;
  readonly decisions: readonly RecipientDecision[];
  readonly policyVersion: string;
  /** Household municipalities the message adds to a thread that knew others: an alert. */
  readonly newMunicipalities: readonly string[];
  readonly retractions: readonly Retraction[];
  readonly references: readonly string[];
}

export interface CaseDecider {
  readonly ledger: CaseLedger;
  readonly policy: Policy;
  readonly registry: PartnerRegistry;
}

/**
 * What the hub does with a message in its case thread: the stage it moves to, the facts of the
 * thread grown with the message's, and per partner the policy's decision on them. The gateway and
 * `samenloop policy explain --case` both decide here, so they cannot disagree.
 */
export function decideInCase(
  { ledger, policy, registry }: CaseDecider,
  message: CaseMessage,
): CaseDecision {
  const references = Object.entries(message.zaakReferenties).map(
    ([kind, value]) => `${kind}:${value}`,
  );
  const [existing] = ledger.matchingCases(references, message.relatesTo);
  const move = transition(existing?.stage ?? NEW_CASE, message.type);
  if (!move.allowed)
    return { outcome: 'rejected', code: 'invalid-stage-transition', reason: move.reason };
  const retractions =
    message.type === 'nl.samenloop.zaakfeiten-correctie'
      ? readRetractions(message.payload as unknown as MessagePayloads[typeof message.type])
      : [];
  if (existing && retractions.length > 0 && !existing.participants.includes(message.sender.id)) {
    return {
      outcome: 'rejected',
      code: 'sender-not-allowed',
      reason: `only a partner that sent a message in this case may correct its facts; ${message.sender.id} sent none`,
    };
  }
  const stated = readStatedFacts(message.type, message.payload as never);
  const facts = factsInThread(existing, stated);
  const decisions = policy.decide({
    messageType: message.type,
    stage: move.stage,
    payload: message.payload,
    zaakReferenties: message.zaakReferenties,
    facts,
    sender: message.sender,
    candidates: registry.partners,
  });
  const parking = parkingReason(decisions, facts, registry);
  return {
    outcome: parking ? 'parked' : 'routed',
    parking,
    existing,
    stage: move.stage,
    facts,
    decisions,
    policyVersion: policy.version,
    newMunicipalities: existing ? newMunicipalities(existing.facts, stated.caseFacts) : [],
    retractions,
    references,
  };
}

/**
 * Stages a routed message in its thread: the facts it states, the deliveries made of it. Returns
 * the thread as it is after the message, and the threads it claims to join but may not.
 */
export function acceptInCase(
  ledger: CaseLedger,
  message: CaseMessage,
  decision: DecidedInCase,
  deliveries: readonly { recipient: string; deliveryId: string }[],
): CaseRecord & { readonly conflictingCaseKeys: readonly string[] } {
  const accepted = ledger.accept({
    messageId: message.id,
    messageType: message.type,
    sender: message.sender.id,
    stage: decision.stage,
    references: decision.references,
    relatesTo: message.relatesTo,
    facts: readStatedFacts(message.type, message.payload as never).caseFacts,
    retractions: decision.retractions,
  });
  ledger.recordDeliveries(accepted.caseKey, deliveries);
  return accepted;
}

/** The partners a decision lets receive something. */
export function recipientsOfDecisions(decisions: readonly RecipientDecision[]) {
  return decisions.filter((decision) => decision.level !== 'geen');
}

/**
 * A message a VT must receive by the household's municipality, when no municipality is known or
 * none is served by a VT in the registry: never guess a VT.
 */
function parkingReason(
  decisions: readonly RecipientDecision[],
  facts: DecisionFacts,
  registry: PartnerRegistry,
): ParkingReason | undefined {
  const forVt = decisions.filter((decision) => decision.recipient.kind === 'VT');
  if (forVt.some((decision) => decision.level !== 'geen')) return undefined;
  if (!forVt.some((decision) => decision.awaitsMunicipality)) return undefined;
  const codes = facts.gemeentecodes ?? [];
  if (codes.length === 0) return 'gemeente-ontbreekt';
  return codes.some((code) => registry.vtFor(code)) ? undefined : 'gemeente-onbekend';
}
