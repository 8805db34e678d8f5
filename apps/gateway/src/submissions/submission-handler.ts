import type { CaseRecord } from '@samenloop/case';
import type { Submission } from '@samenloop/contracts';
import { PoisonRecordError, type InboundRecord, type OutboundRecord } from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import { recordKeyPseudonym } from '../keys/hub-keys';
import { MessageRouter, type Delivered } from '../routing/message-router';
import { geparkeerd, type Geparkeerd } from './answers/geparkeerd';
import { receipt } from './answers/receipt';
import { rejection } from './answers/rejection';
import { acceptInItsCase, releaseInItsCase } from './case/case-entry';
import { conflictAlert } from './case/conflict-alert';
import { decideInItsCase, type Decided } from './case/decide.step';
import { rejectionOf } from './errors/submission-error.mapper';
import { intake } from './intake/intake';
import { hold } from './park/hold';
import { park } from './park/park.step';
import { correctionAudit } from './seal/correction-audit';
import { seal } from './seal/seal.step';
import type { SubmissionHandlerOptions, SubmissionSteps } from './submission-options';
import { traceIdOf } from './trace-id';

export type { SubmissionHandlerOptions } from './submission-options';

/**
 * One submission from a partner's inbound topic: intake (size, decrypt and verify, UTF-8,
 * contract, source, sender, never-share) → decide in its case → park, or accept in its case (with
 * its alerts) → seal deliveries and audit → receipt. Any error on the way becomes, in one place, a
 * rejection to the sender plus a dead letter, or a retry; nothing reaches a recipient then. All
 * records are written in the pipeline's transaction.
 */
export class SubmissionHandler {
  private readonly senderByTopic: ReadonlyMap<string, Partner>;
  private readonly steps: SubmissionSteps;
  private readonly now: () => Date;

  constructor(options: SubmissionHandlerOptions) {
    this.senderByTopic = new Map(
      options.registry.partners.map((partner) => [options.topics.inbound(partner.id), partner]),
    );
    this.steps = { ...options, keyPseudonym: recordKeyPseudonym(options.keys) };
    this.now = options.now ?? (() => new Date());
  }

  readonly handle = async (record: InboundRecord): Promise<readonly OutboundRecord[]> => {
    const sender = this.senderByTopic.get(record.topic);
    if (!sender)
      throw new PoisonRecordError(`topic ${record.topic} belongs to no partner`, 'route');
    let accepted: Submission | undefined;
    try {
      const submission = (accepted = await intake(record, sender, this.steps));
      return await this.undoneOnFailure(() => this.route(record, submission, sender));
    } catch (error) {
      const rejected = rejectionOf(error, accepted, this.steps.logger);
      return rejection(this.steps, record, sender, rejected, this.now());
    }
  };

  private async route(
    record: InboundRecord,
    submission: Submission,
    sender: Partner,
  ): Promise<OutboundRecord[]> {
    const decided = decideInItsCase(this.steps, submission, sender);
    const time = this.now();
    const { parking, outcome } = decided.decision;
    if (parking) return park(this.steps, record, decided, parking, time);
    if (outcome === 'released') return this.release(record, decided, time);
    return this.accept(record, submission, decided, time);
  }

  /** Everyone the policy allows receives it now; only a part for VT may wait for the operator. */
  private async accept(
    record: InboundRecord,
    submission: Submission,
    decided: Decided,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const { message, decision } = decided;
    const { vtHeld } = decision;
    const delivered = MessageRouter.deliveriesOf(decision);
    const { caseRecord, alerts } = await acceptInItsCase(
      this.steps,
      submission,
      decided,
      delivered,
      time,
      async (joined) => [
        await conflictAlert(this.steps, message, joined, decision, time),
        ...(vtHeld
          ? [
              await hold(
                this.steps,
                record,
                message,
                decision,
                vtHeld,
                { scope: 'vt', caseRecord: joined },
                time,
              ),
            ]
          : []),
      ],
    );
    const corrections =
      decision.retractions.length > 0
        ? [correctionAudit(this.steps.topics.audit, message, caseRecord, decision, time)]
        : [];
    const sealed = await this.sealAndAnswer(
      record,
      decided,
      caseRecord,
      delivered,
      time,
      vtHeld && geparkeerd(vtHeld, 'veilig-thuis'),
    );
    this.logDelivered('submission routed', decided, caseRecord, delivered);
    return [...alerts.flatMap((alert) => alert.records), ...corrections, ...sealed];
  }

  /**
   * The operator released the held part for VT of a message accepted before: only the VT partners
   * were decided, at the case's stage now, so no one else receives it a second time. Still no VT:
   * it is held again and the operator alerted.
   */
  private async release(
    record: InboundRecord,
    decided: Decided,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const { message, decision } = decided;
    const { vtHeld } = decision;
    const delivered = MessageRouter.deliveriesOf(decision);
    const { caseRecord, alerts } = await releaseInItsCase(
      this.steps,
      decided,
      delivered,
      async (thread) =>
        vtHeld
          ? [
              await hold(
                this.steps,
                record,
                message,
                decision,
                vtHeld,
                { scope: 'vt', caseRecord: thread },
                time,
              ),
            ]
          : [],
    );
    if (vtHeld) {
      const answer = await receipt(this.steps, message, record, time, {
        decisions: [],
        delivered: [],
        caseRecord,
        geparkeerd: geparkeerd(vtHeld, 'veilig-thuis'),
      });
      return [...alerts.flatMap((alert) => alert.records), answer];
    }
    const sealed = await this.sealAndAnswer(record, decided, caseRecord, delivered, time);
    this.logDelivered('held part for Veilig Thuis released', decided, caseRecord, delivered);
    return sealed;
  }

  /** A decided message's deliveries and audit records, and the receipt saying what became of them. */
  private async sealAndAnswer(
    record: InboundRecord,
    { message, decision }: Decided,
    caseRecord: CaseRecord,
    delivered: readonly Delivered[],
    time: Date,
    held?: Geparkeerd,
  ): Promise<OutboundRecord[]> {
    const sealed = await seal(this.steps, message, decision, caseRecord, delivered, time);
    const answer = await receipt(this.steps, message, record, time, {
      decisions: decision.decisions,
      delivered,
      waiting: sealed.waiting,
      caseRecord,
      ...(held ? { geparkeerd: held } : {}),
    });
    return [...sealed.records, answer];
  }

  /** If routing fails half-way, the state it staged must not outlive it. */
  private async undoneOnFailure<T>(route: () => Promise<T>): Promise<T> {
    const rollbackCase = this.steps.ledger.savepoint();
    const rollbackWaiting = this.steps.waiting.savepoint();
    try {
      return await route();
    } catch (error) {
      rollbackCase();
      rollbackWaiting();
      throw error;
    }
  }

  private logDelivered(
    what: string,
    { message, decision }: Decided,
    caseRecord: CaseRecord,
    delivered: readonly Delivered[],
  ): void {
    this.steps.logger.info(
      {
        messageId: message.id,
        traceId: traceIdOf(message.traceparent),
        caseKey: caseRecord.caseKey,
        stage: caseRecord.stage,
        delivered: delivered.map((delivery) => delivery.recipient),
        ...(decision.outcome === 'routed' && decision.vtHeld ? { vtHeld: decision.vtHeld } : {}),
      },
      what,
    );
  }
}
