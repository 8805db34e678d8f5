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
 * Turns a case system's request into a sealed submission to the hub, once per Idempotency-Key.
 * Requests are handled one at a time after sealing: a second request with a key sees the first's
 * outcome, and the producer runs one transaction at a time anyway.
 */
@Injectable()
export class SubmissionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SubmissionService.name);
  private readonly validator = new ContractValidator();
  private readonly fingerprints: IdempotencyFingerprints;
  private queue: Promise<unknown> = Promise.resolve();

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
    return this.serialised(async () => {
      const concurrent = this.state.byIdempotencyKey(key);
      if (concurrent) return this.repeated(concurrent, requestHash);
      const record: SubmissionRecord = {
        messageId,
        // As the case system named it (`zorgmelding`), so the status answers in its own terms.
        type: validation.value.messageType.replace(/^nl\.samenloop\./, ''),
        requestHash,
        submittedAt: new Date().toISOString(),
      };
      await this.producer.produce(
        {
          key:
            caseReference === undefined
              ? null
              : partnerRecordKey(this.keys.privateArmored, caseReference),
          value: sealed,
        },
        { key, value: JSON.stringify(record) },
        typeof alongside === 'function' ? alongside(messageId) : alongside,
      );
      this.state.remember(key, record);
      this.logger.log(
        { messageId, type: record.type, traceId: traceparent.split('-')[1] },
        'submission produced',
      );
      return { messageId, repeated: false };
    });
  }

  private repeated(earlier: SubmissionRecord, requestHash: string): SubmissionOutcome {
    if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedError(earlier.messageId);
    return { messageId: earlier.messageId, repeated: true };
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
