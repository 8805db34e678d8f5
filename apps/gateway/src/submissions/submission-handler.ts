import type { Submission } from '@samenloop/contracts';
import { PoisonRecordError, type InboundRecord, type OutboundRecord } from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import { recordKeyPseudonym } from '../keys/hub-keys';
import { geparkeerd } from './answers/geparkeerd';
import { receipt } from './answers/receipt';
import { rejection } from './answers/rejection';
import { acceptInItsCase, releaseInItsCase, type InCase } from './case/case-entry';
import { decideInItsCase, type Decided } from './case/decide.step';
import { rejectionOf } from './errors/submission-error.mapper';
import { intake } from './intake/intake';
import { park } from './park/park.step';
import { seal } from './seal/seal.step';
import type { SubmissionHandlerOptions, SubmissionSteps } from './submission-options';
import { traceIdOf } from './trace-id';

/**
 * One submission from a partner's inbound topic: intake checks → decide in its case → park it, or
 * enter it in its case → seal its deliveries and audit records → receipt. Any error on the way is
 * decided in one place (`rejectionOf`): a rejection to the sender plus a dead letter, or a retry;
 * nothing reaches a recipient then. All records are written in the pipeline's transaction. A
 * message id accepted before is a duplicate, unless its part for VT was held: then it is the
 * operator's release of that part.
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
    const { message, decision } = decided;
    const { parking, outcome, vtHeld } = decision;
    const time = this.now();
    if (parking) return park(this.steps, record, decided, parking, time);
    const released = outcome === 'released';
    const entered = released
      ? await releaseInItsCase(this.steps, record, decided, time)
      : await acceptInItsCase(this.steps, record, submission, decided, time);
    const { caseRecord, delivered } = entered;
    const held = vtHeld ? { geparkeerd: geparkeerd(vtHeld, 'veilig-thuis') } : {};
    if (released && vtHeld) {
      const answer = await receipt(this.steps, message, record, time, {
        decisions: [],
        delivered,
        caseRecord,
        ...held,
      });
      return [...entered.records, answer];
    }
    const sealed = await seal(this.steps, message, decision, caseRecord, delivered, time);
    const answer = await receipt(this.steps, message, record, time, {
      decisions: decision.decisions,
      delivered,
      waiting: sealed.waiting,
      caseRecord,
      ...held,
    });
    this.logDelivered(
      released ? 'held part for Veilig Thuis released' : 'submission routed',
      decided,
      entered,
    );
    return [...entered.records, ...sealed.records, answer];
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

  private logDelivered(what: string, { message, decision }: Decided, entered: InCase): void {
    this.steps.logger.info(
      {
        messageId: message.id,
        traceId: traceIdOf(message.traceparent),
        caseKey: entered.caseRecord.caseKey,
        stage: entered.caseRecord.stage,
        delivered: entered.delivered.map((delivery) => delivery.recipient),
        ...(decision.vtHeld ? { vtHeld: decision.vtHeld } : {}),
      },
      what,
    );
  }
}
