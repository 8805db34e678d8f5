import { randomUUID } from 'node:crypto';
import type { CaseRecord } from '@samenloop/case';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import type { RecipientDecision } from '@samenloop/policy';
import { HubContractError } from '../../routing/hub-contract-error';
import type { Delivered } from '../../routing/message-router';
import type { RoutedMessage } from '../../routing/routed-message';
import type { WaitReason } from '../../waiting/waiting-deliveries';
import type { SubmissionSteps } from '../submission-options';
import { answerKey, answerRecord } from './answer';
import type { Geparkeerd } from './geparkeerd';

/** What became of a message, as its receipt tells the sender. */
export interface ReceiptOutcome {
  readonly decisions: readonly RecipientDecision[];
  readonly delivered: readonly Delivered[];
  /** Recipients whose delivery waits for a usable key, and why. */
  readonly waiting?: ReadonlyMap<string, WaitReason>;
  readonly caseRecord?: CaseRecord;
  readonly geparkeerd?: Geparkeerd;
}

/**
 * The sender's receipt: who received the message and who did not; its case and stage when it is
 * in one; what is parked, if anything. Checked against the receipt schema before it leaves.
 */
export async function receipt(
  steps: SubmissionSteps,
  message: RoutedMessage,
  record: InboundRecord,
  time: Date,
  outcome: ReceiptOutcome,
): Promise<OutboundRecord> {
  const { caseRecord, waiting = new Map<string, WaitReason>() } = outcome;
  const waitingFor = [...waiting].map(([recipient, reden]) => ({
    recipient,
    deliveryId: outcome.delivered.find((delivery) => delivery.recipient === recipient)!.deliveryId,
    reden,
    toelichting: waitingExplanation(recipient, reden),
  }));
  const document = {
    receiptId: randomUUID(),
    messageId: message.id,
    acceptedAt: time.toISOString(),
    ...(caseRecord ? { caseKey: caseRecord.caseKey, fase: caseRecord.stage } : {}),
    deliveredTo: outcome.delivered
      .filter((delivery) => !waiting.has(delivery.recipient))
      .map(({ recipient, deliveryId, decision }) => ({
        recipient,
        deliveryId,
        niveau: decision.level as 'inhoud' | 'notificatie',
        ruleIds: decision.rules.map((rule) => rule.id),
        withheldFields: decision.withheldFields.map((field) => field.path),
      })),
    ...(waitingFor.length > 0 ? { wachtOpSleutel: waitingFor } : {}),
    withheldFrom: outcome.decisions
      .filter((decision) => decision.level === 'geen')
      .map((decision) => ({
        recipient: decision.recipient.id,
        reason: (decision.reason ?? 'no rule applies').slice(0, 2000),
      })),
    ...(outcome.geparkeerd ? { geparkeerd: outcome.geparkeerd } : {}),
  };
  const check = steps.validator.validateDocument('receipt', document);
  if (!check.ok)
    throw new HubContractError(
      'receipt',
      check.errors.map((error) => error.path),
    );
  return answerRecord(steps, {
    sender: message.sender,
    record,
    type: 'receipt',
    document,
    senderKey: await answerKey(steps.keys, message.sender.id),
    time,
    traceparent: message.traceparent,
  });
}

/** What the sender reads about a recipient whose delivery waits for its key. */
function waitingExplanation(recipient: string, reason: WaitReason): string {
  if (reason === 'eerdere-leveringen-eerst')
    return `Decided and kept for ${recipient}, encrypted for the hub alone: ${recipient} has a usable key again and its earlier deliveries, held while it had none, go out first, in order; this one follows them. You need not send the message again.`;
  const why = {
    'sleutel-ontbreekt': `the hub has no public key registered for ${recipient}`,
    'sleutel-niet-vastgelegd': `the public key in the hub's keys folder for ${recipient} is not the one the partner registry pins for it`,
    'sleutel-verlopen': `the public key registered for ${recipient} has expired`,
    'sleutel-ingetrokken': `the public key registered for ${recipient} was revoked`,
    'sleutel-onbruikbaar': `the public key registered for ${recipient} cannot be used`,
  }[reason];
  return `Decided and kept for ${recipient}, encrypted for the hub alone, but not delivered yet: ${why}. It is delivered as soon as ${recipient} has a usable key registered; the hub operator has been alerted. The other recipients are not kept waiting, and you need not send the message again.`;
}
