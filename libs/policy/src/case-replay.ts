import { randomUUID } from 'node:crypto';
import { CaseLedger } from '@samenloop/case';
import { HUB_SENDER, type ContractValidator, type Submission } from '@samenloop/contracts';
import { hubSender, oinOf, type Partner, type PartnerRegistry } from '@samenloop/partners';
import {
  acceptInCase,
  decideInCase,
  recipientsOfDecisions,
  releaseInCase,
  type CaseDecider,
  type CaseMessage,
} from './case-decision';

/** The partner a submission comes from, by its source OIN; the hub for the hub's own alerts. */
export function senderOf(
  submission: Submission,
  registry: PartnerRegistry,
  validator: ContractValidator,
): Partner | undefined {
  const { source } = submission.envelope;
  return validator.sendersOf(submission.messageType).includes(HUB_SENDER)
    ? hubSender(oinOf(source) ?? '')
    : registry.bySource(source);
}

export function caseMessageOf(submission: Submission, sender: Partner): CaseMessage {
  const { envelope } = submission;
  return {
    id: envelope.id,
    type: submission.messageType,
    payload: submission.payload as unknown as Record<string, unknown>,
    sender,
    zaakReferenties: envelope.data.zaakReferenties,
    relatesTo: envelope.data.relatesTo ?? [],
  };
}

export interface ReplayedMessage {
  /** How the message is named in what the replay reports, e.g. its file. */
  readonly label: string;
  readonly submission: Submission;
}

export interface CaseReplay {
  /** The ledger after the messages, as the gateway would hold it. */
  readonly ledger: CaseLedger;
  /** Per message what the hub did with it, e.g. `zorgmelding.json: routed at stage melding`. */
  readonly steps: readonly string[];
  /** Messages the replay could not take, with why. */
  readonly problems: readonly string[];
}

/**
 * Replays a case thread's messages, in order, through the same decision and ledger code the
 * gateway runs: the thread (stage, facts, who received what) the hub would hold after them. A
 * message given again after its part for VT was held is the operator's release of that part.
 */
export function replayCase(
  { policy, registry }: Omit<CaseDecider, 'ledger'>,
  validator: ContractValidator,
  messages: readonly ReplayedMessage[],
): CaseReplay {
  const ledger = new CaseLedger();
  const steps: string[] = [];
  const problems: string[] = [];
  for (const { label, submission } of messages) {
    const sender = senderOf(submission, registry, validator);
    if (!sender) {
      problems.push(`${label}: its source OIN is not in the partner registry`);
      continue;
    }
    const message = caseMessageOf(submission, sender);
    const decision = decideInCase({ ledger, policy, registry }, message);
    if (decision.outcome === 'rejected') {
      problems.push(`${label}: rejected (${decision.code}): ${decision.reason}`);
      continue;
    }
    if (decision.outcome === 'parked') {
      steps.push(`${label}: parked (${decision.parking ?? ''}); it is not in the thread`);
      continue;
    }
    const deliveries = recipientsOfDecisions(decision.decisions).map(({ recipient }) => ({
      recipient: recipient.id,
      deliveryId: randomUUID(),
    }));
    const to = deliveries.map((delivery) => delivery.recipient).join(', ') || 'no one';
    if (decision.outcome === 'released') {
      releaseInCase(ledger, message, decision, deliveries);
      steps.push(
        decision.vtHeld
          ? `${label}: released, but its part for Veilig Thuis is held still (${decision.vtHeld})`
          : `${label}: released, its part for Veilig Thuis routed at stage ${decision.stage} to ${to}`,
      );
    } else {
      acceptInCase(ledger, message, decision, deliveries);
      steps.push(
        `${label}: routed at stage ${decision.stage} to ${to}${
          decision.vtHeld
            ? `; its part for Veilig Thuis is held (${decision.vtHeld}) until the operator releases it`
            : ''
        }`,
      );
    }
    ledger.commit();
  }
  return { ledger, steps, problems };
}
