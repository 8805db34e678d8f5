import { randomUUID } from 'node:crypto';
import type { CaseLedger, CaseRecord } from '@samenloop/case';
import type { ContractValidator, Submission } from '@samenloop/contracts';
import { verifyDetached } from '@samenloop/crypto';
import {
  toDeadLetter,
  PoisonRecordError,
  TransientProcessingError,
  type InboundRecord,
  type OutboundRecord,
  type TopicNames,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Partner, PartnerRegistry } from '@samenloop/partners';
import { mergeFacts, readCaseFacts, type Policy, type RecipientDecision } from '@samenloop/policy';
import type { HubKeys } from './hub-keys';
import { encryptedHubRecord } from './outbound-record.factory';
import { fromContractErrors, type RejectionReason } from './rejection-reason';

/** The Kafka header that carries the sender's OpenPGP detached signature over the record value. */
export const SIGNATURE_HEADER = 'samenloop-signature';

export interface SubmissionHandlerOptions {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  /** The policy in force now; a hot reload swaps what this returns. */
  readonly policy: () => Policy;
  readonly ledger: CaseLedger;
  readonly keys: HubKeys;
  /** The hub's CloudEvents source, `urn:nld:oin:<OIN>:systeem:samenloop`. */
  readonly hubSource: string;
  readonly maxMessageBytes: number;
  readonly topics: TopicNames;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** Thrown inside the handler to turn a submission into a rejection; never leaves it. */
class Rejected extends Error {
  constructor(
    readonly step: string,
    readonly reasons: readonly RejectionReason[],
    readonly messageId?: string,
  ) {
    super(reasons.map((reason) => reason.message).join('; '));
  }
}

/**
 * One submission from a partner's inbound topic: verify → validate → drop duplicates → case and
 * stage → decide per recipient → project → sign and encrypt → deliveries, audit records, receipt.
 * Anything wrong with the submission becomes a rejection to the sender plus a dead letter; nothing
 * reaches a recipient then. All records are written in the pipeline's transaction.
 */
export class SubmissionHandler {
  private readonly senderByTopic: ReadonlyMap<string, Partner>;
  private readonly now: () => Date;

  constructor(private readonly options: SubmissionHandlerOptions) {
    this.senderByTopic = new Map(
      options.registry.partners.map((partner) => [options.topics.inbound(partner.id), partner]),
    );
    this.now = options.now ?? (() => new Date());
  }

  readonly handle = async (record: InboundRecord): Promise<readonly OutboundRecord[]> => {
    const sender = this.senderByTopic.get(record.topic);
    if (!sender)
      throw new PoisonRecordError(`topic ${record.topic} belongs to no partner`, 'route');
    try {
      return await this.accept(record, sender);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      return this.reject(record, sender, error);
    }
  };

  private async accept(record: InboundRecord, sender: Partner): Promise<OutboundRecord[]> {
    const value = record.value ?? Buffer.alloc(0);
    if (value.length > this.options.maxMessageBytes) {
      throw new Rejected('size', [
        {
          code: 'too-large',
          message: `the message is ${value.length} bytes; the maximum is ${this.options.maxMessageBytes}`,
        },
      ]);
    }
    await this.verifySignature(value, record, sender);
    const validation = this.options.validator.validateSubmissionJson(value.toString('utf8'));
    if (!validation.ok)
      throw new Rejected('validate', fromContractErrors(validation.errors), messageIdOf(value));
    const submission = validation.value;
    const messageId = submission.envelope.id;
    if (!submission.envelope.source.startsWith(`urn:nld:oin:${sender.oin}`)) {
      throw new Rejected(
        'authorise',
        [
          {
            code: 'wrong-topic',
            path: '/source',
            message: `source names another organisation than ${sender.id}, whose topic this is; submit on your own topic`,
          },
        ],
        messageId,
      );
    }
    if (this.options.ledger.caseOfMessage(messageId)) {
      throw new Rejected(
        'deduplicate',
        [
          {
            code: 'duplicate',
            path: '/id',
            message: 'this message id was accepted before; it is not delivered again',
          },
        ],
        messageId,
      );
    }
    // If routing fails half-way, the case state it staged must not outlive it.
    const rollback = this.options.ledger.savepoint();
    try {
      return await this.route(submission, sender, record.key?.toString() ?? null);
    } catch (error) {
      rollback();
      throw error;
    }
  }

  private async verifySignature(
    value: Buffer,
    record: InboundRecord,
    sender: Partner,
  ): Promise<void> {
    const header = record.headers[SIGNATURE_HEADER];
    const signature = Array.isArray(header) ? header[0] : header;
    if (signature === undefined) {
      throw new Rejected('verify-signature', [
        {
          code: 'missing-signature',
          message: `no OpenPGP detached signature in the ${SIGNATURE_HEADER} header`,
        },
      ]);
    }
    const senderKey = await this.options.keys.partner(sender.id);
    if (!senderKey)
      throw new Rejected('verify-signature', [
        { code: 'unknown-sender', message: `no public key is registered for ${sender.id}` },
      ]);
    const check = await verifyDetached(
      value,
      typeof signature === 'string' ? signature : new Uint8Array(signature),
      [senderKey],
    );
    if (!check.valid) {
      throw new Rejected('verify-signature', [
        {
          code: 'invalid-signature',
          message: `the signature is not a valid signature by ${sender.id}'s registered key over this record value (${check.reason})`,
        },
      ]);
    }
  }

  private async route(
    submission: Submission,
    sender: Partner,
    senderKey: string | null,
  ): Promise<OutboundRecord[]> {
    const { envelope } = submission;
    const messageFacts = readCaseFacts(submission.messageType, submission.payload as never);
    const caseRecord = this.options.ledger.accept({
      messageId: envelope.id,
      messageType: submission.messageType,
      references: Object.entries(envelope.data.zaakReferenties).map(
        ([kind, value]) => `${kind}:${String(value)}`,
      ),
      relatesTo: envelope.data.relatesTo ?? [],
      facts: messageFacts,
    });
    if (caseRecord.conflictingCaseKeys.length > 0) {
      this.options.logger.error(
        {
          alert: 'conflicting-case-links',
          messageId: envelope.id,
          caseKey: caseRecord.caseKey,
          conflictingCaseKeys: caseRecord.conflictingCaseKeys,
        },
        'message links case threads that are separate; joined to the first, not merged',
      );
    }
    const policy = this.options.policy();
    const decisions = policy.decide({
      messageType: submission.messageType,
      stage: caseRecord.stage,
      payload: submission.payload as unknown as Record<string, unknown>,
      facts: mergeFacts(messageFacts, caseRecord.facts),
      sender,
      candidates: this.options.registry.partners,
    });
    const time = this.now();
    const records: OutboundRecord[] = [];
    const delivered: { recipient: string; deliveryId: string; decision: RecipientDecision }[] = [];
    for (const decision of decisions) {
      if (decision.level === 'geen') continue;
      const deliveryId = randomUUID();
      records.push(
        await this.delivery(
          submission,
          sender,
          decision,
          caseRecord,
          deliveryId,
          policy.version,
          time,
        ),
      );
      delivered.push({ recipient: decision.recipient.id, deliveryId, decision });
    }
    this.options.ledger.recordDeliveries(caseRecord.caseKey, delivered);
    records.push(
      ...decisions.map((decision) =>
        this.auditRecord(submission, sender, decision, caseRecord, policy.version, delivered, time),
      ),
    );
    records.push(
      await this.receipt(submission, sender, senderKey, decisions, delivered, caseRecord, time),
    );
    this.options.logger.info(
      {
        messageId: envelope.id,
        caseKey: caseRecord.caseKey,
        stage: caseRecord.stage,
        delivered: delivered.map((d) => d.recipient),
      },
      'submission routed',
    );
    return records;
  }

  private async delivery(
    submission: Submission,
    sender: Partner,
    decision: RecipientDecision,
    caseRecord: CaseRecord,
    deliveryId: string,
    policyVersion: string,
    time: Date,
  ): Promise<OutboundRecord> {
    const recipient = decision.recipient;
    const rules = decision.rules;
    const document = {
      deliveryId,
      messageId: submission.envelope.id,
      messageType: submission.messageType,
      dataschema: submission.envelope.dataschema,
      sender: sender.id,
      recipient: recipient.id,
      niveau: decision.level,
      deliveredAt: time.toISOString(),
      occurredAt: submission.envelope.data.occurredAt,
      zaakReferenties: submission.envelope.data.zaakReferenties,
      ...(decision.level === 'inhoud' ? { payload: decision.payload ?? {} } : {}),
      grondslag: {
        ruleIds: rules.map((rule) => rule.id),
        doel: [...new Set(rules.map((rule) => rule.purpose))].join('; ').slice(0, 200),
        wettelijkeGrondslag: {
          label: [...new Set(rules.map((rule) => rule.legalBasis.label))].join('; ').slice(0, 200),
          referentie: [...new Set(rules.map((rule) => rule.legalBasis.reference))]
            .join('; ')
            .slice(0, 200),
        },
        policyVersion,
      },
      caseThread: {
        caseKey: caseRecord.caseKey,
        fase: caseRecord.stage,
        relatedDeliveries: [...(caseRecord.deliveries[recipient.id] ?? [])],
      },
      traceparent: submission.envelope.traceparent,
    };
    // The hub checks its own output against the published contract before anything leaves.
    const check = this.options.validator.validateDocument('delivery', document);
    if (!check.ok) throw new Error(`delivery ${deliveryId} does not match the delivery schema`);
    return encryptedHubRecord({
      topic: this.options.topics.delivery(recipient.id),
      key: caseRecord.caseKey,
      type: 'delivery',
      id: deliveryId,
      document,
      hubSource: this.options.hubSource,
      hubKey: this.options.keys.hub,
      recipientKey: await this.recipientKey(recipient.id, submission.envelope.id),
      time,
      traceparent: submission.envelope.traceparent,
    });
  }

  private auditRecord(
    submission: Submission,
    sender: Partner,
    decision: RecipientDecision,
    caseRecord: CaseRecord,
    policyVersion: string,
    delivered: readonly { recipient: string; deliveryId: string }[],
    time: Date,
  ): OutboundRecord {
    const audit = {
      auditId: randomUUID(),
      messageId: submission.envelope.id,
      messageType: submission.messageType,
      caseKey: caseRecord.caseKey,
      stage: caseRecord.stage,
      sender: sender.id,
      recipient: decision.recipient.id,
      level: decision.level,
      deliveryId:
        delivered.find((delivery) => delivery.recipient === decision.recipient.id)?.deliveryId ??
        null,
      ruleIds: decision.rules.map((rule) => rule.id),
      deliveredFields: decision.deliveredFields,
      withheldFields: decision.withheldFields,
      purposes: decision.rules.map((rule) => rule.purpose),
      legalBases: decision.rules.map((rule) => rule.legalBasis),
      reason: decision.reason ?? null,
      policyVersion,
      decidedAt: time.toISOString(),
    };
    return {
      topic: this.options.topics.audit,
      key: submission.envelope.id,
      value: JSON.stringify(audit),
    };
  }

  private async receipt(
    submission: Submission,
    sender: Partner,
    senderKey: string | null,
    decisions: readonly RecipientDecision[],
    delivered: readonly { recipient: string; deliveryId: string; decision: RecipientDecision }[],
    caseRecord: CaseRecord,
    time: Date,
  ): Promise<OutboundRecord> {
    const document = {
      receiptId: randomUUID(),
      messageId: submission.envelope.id,
      acceptedAt: time.toISOString(),
      caseKey: caseRecord.caseKey,
      fase: caseRecord.stage,
      deliveredTo: delivered.map(({ recipient, deliveryId, decision }) => ({
        recipient,
        deliveryId,
        niveau: decision.level as 'inhoud' | 'notificatie',
        ruleIds: decision.rules.map((rule) => rule.id),
        withheldFields: decision.withheldFields.map((field) => field.path),
      })),
      withheldFrom: decisions
        .filter((decision) => decision.level === 'geen')
        .map((decision) => ({
          recipient: decision.recipient.id,
          reason: (decision.reason ?? 'no rule applies').slice(0, 2000),
        })),
    };
    return encryptedHubRecord({
      topic: this.options.topics.delivery(sender.id),
      // Keyed like the submission, so the sender's answers keep the order of its submissions.
      key: senderKey,
      type: 'receipt',
      document,
      hubSource: this.options.hubSource,
      hubKey: this.options.keys.hub,
      recipientKey: await this.recipientKey(sender.id, submission.envelope.id),
      time,
      traceparent: submission.envelope.traceparent,
    });
  }

  private async reject(
    record: InboundRecord,
    sender: Partner,
    rejection: Rejected,
  ): Promise<OutboundRecord[]> {
    const time = this.now();
    const deadLetter = toDeadLetter(
      record,
      new PoisonRecordError(rejection.message.slice(0, 1000), rejection.step),
      this.options.topics.deadLetter,
      time,
    );
    this.options.logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        sender: sender.id,
        step: rejection.step,
        codes: rejection.reasons.map((r) => r.code),
      },
      'submission rejected',
    );
    const senderKey = await this.options.keys.partner(sender.id);
    if (!senderKey) return [deadLetter];
    const document = {
      rejectionId: randomUUID(),
      ...(rejection.messageId ? { messageId: rejection.messageId } : {}),
      rejectedAt: time.toISOString(),
      source: { topic: record.topic, partition: record.partition, offset: record.offset },
      errors: rejection.reasons
        .slice(0, 100)
        .map((reason) => ({ ...reason, message: reason.message.slice(0, 1000) })),
    };
    const rejectionRecord = await encryptedHubRecord({
      topic: this.options.topics.delivery(sender.id),
      // The sender's own key: its rejections stay in order with its other answers.
      key: record.key?.toString() ?? null,
      type: 'rejection',
      document,
      hubSource: this.options.hubSource,
      hubKey: this.options.keys.hub,
      recipientKey: senderKey,
      time,
    });
    return [rejectionRecord, deadLetter];
  }

  /**
   * Nothing goes out in clear: without a usable key for a recipient the whole submission waits and
   * is retried (the chunk's transaction is aborted), and the operator is alerted.
   */
  private async recipientKey(partnerId: string, messageId: string) {
    const key = await this.options.keys.partner(partnerId);
    if (key) return key;
    this.options.logger.error(
      { alert: 'delivery-waiting-for-key', partner: partnerId, messageId },
      'no usable public key for recipient: delivery waits and is retried',
    );
    throw new TransientProcessingError(
      `no usable public key for ${partnerId}; the delivery waits until one is registered`,
      'encrypt',
    );
  }
}

/** The id of a submission that failed validation, when it can still be read, for the rejection. */
function messageIdOf(value: Buffer): string | undefined {
  try {
    const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
