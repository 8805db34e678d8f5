import { createHash } from 'node:crypto';
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

/**
 * A message the case takes. `parked`: no VT can be determined and no one else would receive it,
 * so all of it waits. `routed`: into its thread, to everyone the policy allows; when a VT rule
 * applies but no VT can be determined, the others receive it now and only the part for VT is
 * held (`vtHeld`), so nobody else waits for a routing question that concerns VT alone.
 * `released`: the held part for VT of a message accepted before, submitted again by the operator:
 * decided for VT partners only, at the thread's stage and on its facts now.
 */
export interface DecidedInCase {
  readonly outcome: 'parked' | 'routed' | 'released';
  /** Why the whole message is parked. */
  readonly parking: ParkingReason | undefined;
  /** Why the part for VT is held (routed), or is held still (released). */
  readonly vtHeld: ParkingReason | undefined;
  /** The thread the message joins (or, released, is in), if the hub knows it. */
  readonly existing: CaseRecord | undefined;
  readonly stage: CaseStage;
  readonly facts: DecisionFacts;
  /** Per partner; for a released part, per VT partner only. */
  readonly decisions: readonly RecipientDecision[];
  readonly policyVersion: string;
  /** Household municipalities the message adds to a thread that knew others: an alert. */
  readonly newMunicipalities: readonly string[];
  /**
   * Messages of the thread whose part for VT is held, and the household municipalities this
   * message adds that a VT serves: the operator is alerted that it can release them now.
   */
  readonly releasable:
    | { readonly messageIds: readonly string[]; readonly gemeentecodes: readonly string[] }
    | undefined;
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
  const release = releaseOfHeld({ ledger, policy, registry }, message, references);
  if (release) return release;
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
  const held = parkingReason(decisions, facts, registry);
  // Never guess a VT, and never make the others wait for one: all of it is parked only when no
  // one else would receive anything.
  const othersReceive = decisions.some(
    (decision) => decision.recipient.kind !== 'VT' && decision.level !== 'geen',
  );
  const parkWhole = held !== undefined && !othersReceive;
  return {
    outcome: parkWhole ? 'parked' : 'routed',
    parking: parkWhole ? held : undefined,
    vtHeld: parkWhole ? undefined : held,
    existing,
    stage: move.stage,
    facts,
    decisions,
    policyVersion: policy.version,
    newMunicipalities: existing ? newMunicipalities(existing.facts, stated.caseFacts) : [],
    releasable: releasable(existing, stated.caseFacts.gemeentecodes ?? [], registry),
    retractions,
    references,
  };
}

/**
 * The same message again, after its part for VT was held: the operator's release of that part.
 * Only VT partners are decided, at the stage the case is in now (no transition: the message was
 * accepted) and on the thread's facts now. Any other message id accepted before is the caller's
 * duplicate.
 */
function releaseOfHeld(
  { ledger, policy, registry }: CaseDecider,
  message: CaseMessage,
  references: readonly string[],
): DecidedInCase | undefined {
  const caseKey = ledger.caseOfMessage(message.id);
  const record = caseKey === undefined ? undefined : ledger.caseRecord(caseKey);
  // Only the message as it was accepted releases its part: never other content under its id.
  if (!record || record.heldForVt[message.id] !== contentDigest(message)) return undefined;
  // The message's case facts are in the thread (or were retracted since); what it says of itself is not.
  const stated = readStatedFacts(message.type, message.payload as never);
  const facts = factsInThread(record, { ...stated, caseFacts: {} });
  const decisions = policy.decide({
    messageType: message.type,
    stage: record.stage,
    payload: message.payload,
    zaakReferenties: message.zaakReferenties,
    facts,
    sender: message.sender,
    candidates: registry.partners.filter((partner) => partner.kind === 'VT'),
  });
  return {
    outcome: 'released',
    parking: undefined,
    vtHeld: parkingReason(decisions, facts, registry),
    existing: record,
    stage: record.stage,
    facts,
    decisions,
    policyVersion: policy.version,
    newMunicipalities: [],
    releasable: undefined,
    retractions: [],
    references,
  };
}

/** Held parts of the thread a household municipality the message adds, served by a VT, unblocks. */
function releasable(
  existing: CaseRecord | undefined,
  stated: readonly string[],
  registry: PartnerRegistry,
): DecidedInCase['releasable'] {
  const messageIds = Object.keys(existing?.heldForVt ?? {});
  if (!existing || messageIds.length === 0) return undefined;
  const known = existing.facts.gemeentecodes ?? [];
  const gemeentecodes = stated.filter(
    (code) => !known.includes(code) && registry.vtFor(code) !== undefined,
  );
  return gemeentecodes.length > 0 ? { messageIds, gemeentecodes } : undefined;
}

/**
 * Stages a routed message in its thread: the facts it states, the deliveries made of it, and its
 * part for VT when that is held. Returns the thread as it is after the message (before the
 * deliveries), and the threads it claims to join but may not.
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
  if (decision.vtHeld) ledger.holdForVt(accepted.caseKey, message.id, contentDigest(message));
  return accepted;
}

/**
 * Stages a released part for VT in its thread: the deliveries made of it, and that it is no longer
 * held; a part that still has no VT stays held. Returns the thread as it was before.
 */
export function releaseInCase(
  ledger: CaseLedger,
  message: CaseMessage,
  decision: DecidedInCase,
  deliveries: readonly { recipient: string; deliveryId: string }[],
): CaseRecord {
  const { existing } = decision;
  if (decision.outcome !== 'released' || !existing)
    throw new Error(`message ${message.id} is no held part for Veilig Thuis being released`);
  if (decision.vtHeld) return existing;
  ledger.recordDeliveries(existing.caseKey, deliveries);
  ledger.releaseForVt(existing.caseKey, message.id);
  return existing;
}

/** What a message says, hashed: a release must be the message that was accepted, unchanged. */
function contentDigest(message: CaseMessage): string {
  const { id, type, payload, sender, zaakReferenties, relatesTo } = message;
  return createHash('sha256')
    .update(JSON.stringify([id, type, sender.id, zaakReferenties, relatesTo, payload]))
    .digest('base64url');
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
