import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ContractValidator, type ContractError } from '@samenloop/contracts';
import { partnerRecordKey, sealSubmission, type PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS, PARTNER_KEYS } from '../connector.tokens';
import { IdempotencyFingerprints } from './idempotency';
import { submissionEvent, type SubmissionBody } from './submission-event';
import { SubmissionProducer, type StateRecord } from './submission.producer';
import { SubmissionsState, type SubmissionRecord } from './submissions-state';

/** The message does not meet its contract: every error, as `samenloop validate` names them. */
export class InvalidSubmissionError extends Error {
  readonly retriable = false;
  constructor(readonly errors: readonly ContractError[]) {
    super(`the submission does not meet its contract (${errors.length} errors)`);
    this.name = InvalidSubmissionError.name;
  }
}

/** The Idempotency-Key was used before, for another request body. */
export class IdempotencyKeyReusedError extends Error {
  readonly retriable = false;
  constructor(readonly messageId: string) {
    super('the Idempotency-Key was used before for another request');
    this.name = IdempotencyKeyReusedError.name;
  }
}

export interface SubmissionOutcome {
  readonly messageId: string;
  /** True when the same request was submitted before under this key: nothing new was sent. */
  readonly repeated: boolean;
}

/**
 * Below the inbound topic's `max.message.bytes` (the gateway's record limit, 512 KiB), which the
 * broker applies to a partition's batch of records as a whole.
 */
const MAX_BATCH_BYTES = 256 * 1024;

/** A sealed submission with what its transaction writes, and its caller's answer. */
interface WaitingSubmission {
  /** HMAC of the Idempotency-Key. */
  readonly key: string;
  readonly requestHash: string;
  readonly traceparent: string;
  readonly record: SubmissionRecord;
  readonly submission: { readonly key: string | null; readonly value: Buffer };
  readonly alongside: readonly StateRecord[];
  readonly settle: {
    readonly resolve: (outcome: SubmissionOutcome) => void;
    readonly reject: (error: unknown) => void;
  };
}

/**
 * Turns a case system's request into a sealed submission to the hub, once per Idempotency-Key.
 * Requests are sealed concurrently, then committed in order, one transaction at a time: a second
 * request with a key sees the first's outcome.
 */
@Injectable()
export class SubmissionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SubmissionService.name);
  private readonly validator = new ContractValidator();
  private readonly fingerprints: IdempotencyFingerprints;
  /** Sealed submissions waiting for the next transaction, in the order they were sealed. */
  private readonly waiting: WaitingSubmission[] = [];
  private committing = false;

  constructor(
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    @Inject(PARTNER_KEYS) private readonly keys: PartnerKeys,
    private readonly producer: SubmissionProducer,
    private readonly state: SubmissionsState,
  ) {
    // The partner's private key doubles as its HMAC secret: only the partner holds it.
    this.fingerprints = new IdempotencyFingerprints(keys.privateArmored);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    await this.state.restore();
  }

  /**
   * `alongside`: records of the connector's own state that commit in the submission's transaction
   * (a file adapter's memory of what it sent); not written when the submission is a repeat. A
   * function is given the new message's id, for a memory that names what it sent.
   */
  async submit(
    body: SubmissionBody,
    idempotencyKey: string,
    traceparent: string,
    alongside: readonly StateRecord[] | ((messageId: string) => readonly StateRecord[]) = [],
  ): Promise<SubmissionOutcome> {
    const key = this.fingerprints.key(idempotencyKey);
    const requestHash = this.fingerprints.requestHash(body);
    const earlier = this.state.byIdempotencyKey(key);
    if (earlier) return this.repeated(earlier, requestHash);
    const messageId = randomUUID();
    const event = submissionEvent(body, {
      id: messageId,
      source: this.settings.source,
      time: new Date().toISOString(),
      traceparent,
    });
    const text = JSON.stringify(event);
    const validation = this.validator.validateSubmissionJson(text);
    if (!validation.ok) throw new InvalidSubmissionError(validation.errors);
    const sealed = await sealSubmission(text, this.keys);
    const caseReference = Object.values(validation.value.envelope.data.zaakReferenties)[0];
    return this.committed({
      key,
      requestHash,
      traceparent,
      record: {
        messageId,
        // As the case system named it (`zorgmelding`), so the status answers in its own terms.
        type: validation.value.messageType.replace(/^nl\.samenloop\./, ''),
        requestHash,
        submittedAt: new Date().toISOString(),
      },
      submission: {
        key:
          caseReference === undefined
            ? null
            : partnerRecordKey(this.keys.privateArmored, caseReference),
        value: sealed,
      },
      alongside: typeof alongside === 'function' ? alongside(messageId) : alongside,
    });
  }

  /**
   * Queues a sealed submission for the next transaction. Group commit: while one transaction runs,
   * the submissions sealed meanwhile wait, and the next transaction takes them all (up to
   * `MAX_BATCH_BYTES`) — each still with its own records, so a crash leaves each whole or absent.
   */
  private committed(submission: Omit<WaitingSubmission, 'settle'>): Promise<SubmissionOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...submission, settle: { resolve, reject } });
      if (!this.committing) void this.commitWaiting();
    });
  }

  private async commitWaiting(): Promise<void> {
    this.committing = true;
    try {
      while (this.waiting.length > 0) await this.commitNextBatch();
    } finally {
      this.committing = false;
    }
  }

  /** Takes what waits into one batch: repeats answered at once, a key's second request left for later. */
  private async commitNextBatch(): Promise<void> {
    const batch: WaitingSubmission[] = [];
    const later: WaitingSubmission[] = [];
    let bytes = 0;
    for (const submission of this.waiting.splice(0)) {
      const earlier = this.state.byIdempotencyKey(submission.key);
      if (earlier) {
        this.settleRepeated(submission, earlier);
        continue;
      }
      const size = submission.submission.value.length;
      const full = batch.length > 0 && bytes + size > MAX_BATCH_BYTES;
      if (full || batch.some((other) => other.key === submission.key)) later.push(submission);
      else {
        batch.push(submission);
        bytes += size;
      }
    }
    this.waiting.unshift(...later);
    if (batch.length > 0) await this.commitBatch(batch);
  }

  private async commitBatch(batch: readonly WaitingSubmission[]): Promise<void> {
    try {
      await this.producer.produce(
        batch.map(({ key, record, submission, alongside }) => ({
          submission,
          submissionRecord: { key, value: JSON.stringify(record) },
          alongside,
        })),
      );
    } catch (error) {
      for (const { settle } of batch) settle.reject(error);
      return;
    }
    for (const { key, record, traceparent, settle } of batch) {
      this.state.remember(key, record);
      this.logger.log(
        { messageId: record.messageId, type: record.type, traceId: traceparent.split('-')[1] },
        'submission produced',
      );
      settle.resolve({ messageId: record.messageId, repeated: false });
    }
  }

  private settleRepeated(submission: WaitingSubmission, earlier: SubmissionRecord): void {
    try {
      submission.settle.resolve(this.repeated(earlier, submission.requestHash));
    } catch (error) {
      submission.settle.reject(error);
    }
  }

  private repeated(earlier: SubmissionRecord, requestHash: string): SubmissionOutcome {
    if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedError(earlier.messageId);
    return { messageId: earlier.messageId, repeated: true };
  }
}
